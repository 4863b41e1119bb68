"""The sandbox imitates platforms but lives in the product's database: its codes and tokens are
stored as hashes only, read straight from the table."""

import hashlib

import pytest
from django.db import connection as db

from connections import services as connection_services
from connections.sandbox import services
from tests.connections.test_end_to_end import connect

pytestmark = pytest.mark.django_db(transaction=True)


def raw_rows(sql: str) -> list[tuple]:
    with db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def test_connected_tokens_are_stored_in_the_sandbox_as_hashes_only(
    sandbox_server, logged_in_client
):
    connection = connect(logged_in_client, "twitter").get()
    access, refresh = connection.access_token, connection.refresh_token
    assert access
    assert refresh

    rows = raw_rows("SELECT access_token_hash, refresh_token_hash FROM sandbox_sandboxtoken")
    assert rows == [(sha256(access), sha256(refresh))]
    dump = repr(rows) + repr(raw_rows("SELECT * FROM sandbox_sandboxgrant"))
    assert access not in dump
    assert refresh not in dump

    # The hashed tokens still work: a refresh grant, then an authenticated call.
    refreshed = connection_services.refresh_connection(connection=connection)
    assert refreshed.access_token != access
    assert services.authenticate(f"Bearer {refreshed.access_token}") is not None
    assert services.authenticate(f"Bearer {access}") is not None  # not revoked by a refresh
    dump = repr(raw_rows("SELECT * FROM sandbox_sandboxtoken"))
    assert refreshed.access_token not in dump
    assert refreshed.refresh_token not in dump


def test_codes_are_hashed_and_redeem_once(db):
    account = services.sign_in(platform="linkedin", username="olive")
    grant = services.grant_code(account=account, redirect_uri="http://t/cb")
    assert raw_rows("SELECT code_hash FROM sandbox_sandboxgrant") == [(sha256(grant.code),)]

    token = services.redeem_code(code=grant.code, redirect_uri="http://t/cb")
    assert services.authenticate(f"Bearer {token.access_token}").pk == token.pk
    with pytest.raises(services.SandboxError):
        services.redeem_code(code=grant.code, redirect_uri="http://t/cb")


def test_empty_or_unknown_credentials_match_nothing(db):
    account = services.sign_in(platform="facebook", username="olive")
    services.issue_token(account)  # no refresh token on Facebook: an empty hash column
    assert services.authenticate("Bearer ") is None
    assert services.authenticate("Bearer nope") is None
    with pytest.raises(services.SandboxError):
        services.refresh(platform="facebook", refresh_token="")
    with pytest.raises(services.SandboxError):
        services.redeem_code(code="", redirect_uri="http://t/cb")
