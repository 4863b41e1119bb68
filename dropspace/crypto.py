"""Encryption at rest for secrets (platform tokens, webhook signing secrets, remembered API
responses that carry a key or secret): MultiFernet over settings.TOKEN_ENCRYPTION_KEYS, a key
list kept apart from SECRET_KEY."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    """The key ring: the first key encrypts, every key decrypts."""
    return _fernet_for(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    return decrypt_bytes(value.encode()).decode() if value else ""


def encrypt_bytes(value: bytes) -> bytes:
    return fernet().encrypt(value)


def decrypt_bytes(value: bytes) -> bytes:
    try:
        return fernet().decrypt(value)
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "a stored token cannot be decrypted: is its key missing from TOKEN_ENCRYPTION_KEYS?"
        ) from exc


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python code sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value is not None else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else (value or "")


class EncryptedBinaryField(models.BinaryField):
    """A binary column holding Fernet ciphertext of bytes; Python code sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        return decrypt_bytes(bytes(value)) if value is not None else value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None:
            value = encrypt_bytes(bytes(value))
        return super().get_db_prep_value(value, connection, prepared)


ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedBinaryField)
