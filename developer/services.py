"""API key lifecycle: create (shown once), rename, revoke."""

import secrets
import string

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import services as billing
from developer.models import DEFAULT_SCOPES, KEY_PREFIX, ApiKey, Scope, hash_key
from dropspace.api.errors import ApiError, Code

_ALPHABET = string.ascii_letters + string.digits
_SECRET_LENGTH = 32  # 32 base62 characters = 190 bits of randomness


def generate_raw_key() -> str:
    return KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(_SECRET_LENGTH))


def normalize_scopes(scopes: list[str] | None) -> list[str]:
    """Validate requested scopes and return them de-duplicated in canonical order."""
    if scopes is None:
        return [str(scope) for scope in DEFAULT_SCOPES]
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ApiError(
            Code.SERVER_002,
            f"scopes: unknown scope(s) {', '.join(unknown)}; available: {', '.join(Scope.values)}",
        )
    if not scopes:
        raise ApiError(Code.SERVER_002, "scopes: choose at least one scope")
    return [scope for scope in Scope.values if scope in scopes]


def create_api_key(
    *, owner, granter, name: str, scopes: list[str] | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw secret, which is never available again.

    ``granter`` is who hands out the scopes: the signed-in person (``owner`` itself), who may
    grant any scope, or the API key making the request, which may grant only scopes it holds.
    """
    scopes = normalize_scopes(scopes)
    ensure_can_grant(granter=granter, owner=owner, scopes=scopes)
    raw_key = generate_raw_key()
    with transaction.atomic():
        billing.ensure_room(
            account=owner,
            limit_name="api_keys",
            count=ApiKey.objects.filter(owner=owner, revoked_at__isnull=True).count,
        )
        _ensure_name_free(owner=owner, name=name)
        api_key = ApiKey.objects.create(
            owner=owner,
            name=name,
            scopes=scopes,
            key_hash=hash_key(raw_key),
            key_prefix=raw_key[: len(KEY_PREFIX) + 4] + "...",
        )
    return api_key, raw_key


def rename_api_key(*, api_key: ApiKey, name: str) -> ApiKey:
    if name == api_key.name:
        return api_key
    _ensure_name_free(owner=api_key.owner, name=name)
    api_key.name = name
    try:
        api_key.save(update_fields=["name"])
    except IntegrityError:  # a concurrent rename or creation took the name first
        raise _name_taken() from None
    return api_key


def revoke_api_key(*, api_key: ApiKey) -> ApiKey:
    """Revoke at once: the next request with this key gets 401. Revoking twice is a no-op."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def ensure_can_grant(*, granter, owner, scopes: list[str]) -> None:
    """A key may hand out only scopes it holds, so ``admin`` alone cannot mint a broader key."""
    if not isinstance(granter, ApiKey):
        if granter.pk != owner.pk:
            raise ValueError("only the owner or one of the owner's keys can grant scopes")
        return  # the person themselves: every scope is theirs to give
    if granter.owner_id != owner.pk:
        raise ValueError("a key can grant scopes only on its owner's account")
    missing = [scope for scope in scopes if not granter.has_scope(scope)]
    if missing:
        raise ApiError(
            Code.AUTH_003,
            f"insufficient scope: this key cannot grant {', '.join(missing)}; "
            "a key can grant only scopes it holds itself",
            details=[
                {
                    "field": "scopes",
                    "scope": scope,
                    "message": f"this key lacks the '{scope}' scope",
                }
                for scope in missing
            ],
        )


def _ensure_name_free(*, owner, name: str) -> None:
    if ApiKey.objects.filter(owner=owner, name=name, revoked_at__isnull=True).exists():
        raise _name_taken()


def _name_taken() -> ApiError:
    return ApiError(Code.SERVER_009, "an api key with this name already exists")
