"""State changes of connections: the OAuth connect flow, token refresh, disconnect, health."""

from __future__ import annotations

import json
import logging
import secrets
import time
from contextlib import contextmanager
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from billing import services as billing
from connections import avatars
from connections.models import MULTI_ACCOUNT_PLATFORMS, Connection
from connections.platforms import adapter_for, get_adapter, uses_sandbox
from connections.platforms.base import (
    AccountInfo,
    PlatformError,
    ReauthError,
    RetryableError,
    TokenSet,
    new_code_verifier,
)
from dropspace import crypto
from dropspace.api.errors import ApiError

log = logging.getLogger(__name__)

SESSION_KEY = "connections_oauth"
CHOICE_KEY = "connections_choice"
STATE_TTL_SECONDS = 15 * 60
REFRESH_LOCK_WAIT_SECONDS = 30


class ConnectError(Exception):
    """A connect attempt failed in a way the user should read (denied, bad state...)."""


# --- the connect flow --------------------------------------------------------------------------


def begin_connect(
    *, session, owner, platform: str, redirect_uri: str, official: bool = False
) -> str:
    """Remember state (+ PKCE verifier) in the server-side session; return the consent URL.

    Connecting one's own account must be in the person's plan (official accounts are the
    operator's).
    """
    if not official:
        try:
            billing.ensure_can_connect_own_account(account=owner, platform=platform)
        except ApiError as exc:
            raise ConnectError(exc.message) from None
    sandbox = uses_sandbox(platform)
    adapter = get_adapter(platform, sandbox=sandbox)
    if not adapter.client_id:
        raise ConnectError(f"{adapter.label} is not configured: set {adapter.setting_hint}")
    state = secrets.token_urlsafe(32)
    verifier = new_code_verifier() if adapter.uses_pkce else ""
    pending = {key: value for key, value in session.get(SESSION_KEY, {}).items() if _fresh(value)}
    pending[state] = {
        "platform": platform,
        "verifier": verifier,
        "sandbox": sandbox,
        "official": official,
        "created": time.time(),
    }
    session[SESSION_KEY] = pending
    return adapter.authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=verifier)


def _fresh(pending: dict) -> bool:
    return time.time() - pending.get("created", 0) < STATE_TTL_SECONDS


def complete_connect(
    *, session, user, platform: str, params: dict, redirect_uri: str
) -> list[Connection] | None:
    """Handle the platform's redirect back. Returns the saved connections, or None when the
    user must first choose among several accounts (see ``choose_accounts``)."""
    pending = session.get(SESSION_KEY, {}).pop(params.get("state", ""), None)
    session.modified = True
    if pending is None or pending["platform"] != platform or not _fresh(pending):
        raise ConnectError(
            "This sign-in link is invalid or has expired (state mismatch). Try again."
        )
    if params.get("error"):
        reason = params.get("error_description") or params["error"]
        raise ConnectError(f"The connection was not authorized: {reason}.")
    if not params.get("code"):
        raise ConnectError("The platform did not return an authorization code. Try again.")
    adapter = get_adapter(platform, sandbox=pending["sandbox"])
    try:
        tokens = adapter.exchange_code(
            code=params["code"], redirect_uri=redirect_uri, code_verifier=pending["verifier"]
        )
        accounts = adapter.accounts(tokens)
    except PlatformError as exc:
        raise ConnectError(f"{adapter.label} refused the connection: {exc.message}") from exc
    if not accounts:
        raise ConnectError(f"No {adapter.label} account that can be posted to was found.")
    owner = None if pending["official"] and user.is_staff else user
    if len(accounts) == 1:
        return [_save(owner, platform, pending["sandbox"], tokens, accounts[0])]
    _remember_choice(session, platform, pending, tokens, accounts, official=owner is None)
    return None


def _remember_choice(session, platform, pending, tokens, accounts, *, official) -> None:
    # Several accounts (Facebook pages, LinkedIn profile + pages): keep them, tokens included,
    # encrypted in the session until the user picks. Page tokens never sit there in clear.
    blob = {
        "platform": platform,
        "sandbox": pending["sandbox"],
        "official": official,
        "tokens": asdict(tokens),
        "accounts": [asdict(account) for account in accounts],
    }
    session[CHOICE_KEY] = crypto.encrypt(json.dumps(blob))


def pending_choice(*, session) -> dict | None:
    """The accounts waiting to be chosen (without tokens), for the choose page."""
    blob = _load_choice(session)
    if blob is None:
        return None
    accounts = [
        {key: account[key] for key in ("entity_id", "account_type", "username", "display_name")}
        for account in blob["accounts"]
    ]
    return {"platform": blob["platform"], "sandbox": blob["sandbox"], "accounts": accounts}


def _load_choice(session) -> dict | None:
    raw = session.get(CHOICE_KEY)
    return json.loads(crypto.decrypt(raw)) if raw else None


def choose_accounts(*, session, user, entity_ids: list[str]) -> list[Connection]:
    """Save the accounts the user picked from the pending choice."""
    blob = _load_choice(session)
    if blob is None:
        raise ConnectError("There is nothing to choose any more. Connect again.")
    chosen = [AccountInfo(**a) for a in blob["accounts"] if a["entity_id"] in set(entity_ids)]
    if not chosen:
        raise ConnectError("Choose at least one account.")
    if blob["platform"] not in MULTI_ACCOUNT_PLATFORMS:
        chosen = chosen[:1]  # one account per platform, except LinkedIn and Facebook
    session.pop(CHOICE_KEY, None)
    owner = None if blob["official"] and user.is_staff else user
    tokens = TokenSet(**blob["tokens"])
    return [_save(owner, blob["platform"], blob["sandbox"], tokens, a) for a in chosen]


def _save(owner, platform: str, sandbox: bool, tokens: TokenSet, account: AccountInfo):
    return save_connection(
        owner=owner, platform=platform, sandbox=sandbox, tokens=tokens, account=account
    )


def save_connection(
    *, owner, platform: str, sandbox: bool, tokens: TokenSet, account: AccountInfo
) -> Connection:
    """Create or update the connection for this account. A reconnect replaces the tokens but
    never overwrites a stored refresh token with an empty one."""
    with transaction.atomic():
        if platform not in MULTI_ACCOUNT_PLATFORMS:
            _retire_other_accounts(owner, platform, keep=account.entity_id)
        connection = (
            Connection.objects.select_for_update()
            .filter(owner=owner, platform=platform, entity_id=account.entity_id)
            .first()
        ) or Connection(owner=owner, platform=platform, entity_id=account.entity_id)
        connection.account_type = account.account_type
        connection.username = account.username
        connection.display_name = account.display_name
        connection.avatar_url = account.avatar_url[:1000]
        connection.extra = {**connection.extra, **account.extra}
        connection.is_sandbox = sandbox
        connection.scopes = tokens.scopes
        if account.access_token:  # a page's own token: it does not expire with the user's
            connection.access_token = account.access_token
            connection.expires_at = None
        else:
            connection.access_token = tokens.access_token
            connection.expires_at = tokens.expires_at
        _store_refresh_token(connection, tokens)
        connection.is_active = True
        connection.clear_error()
        connection.save()
    # After the commit: the picture download holds no row lock (and its failure undoes nothing).
    avatars.refresh_avatar(connection)
    return connection


def _retire_other_accounts(owner, platform: str, *, keep: str) -> None:
    others = Connection.objects.filter(owner=owner, platform=platform, is_active=True)
    for other in others.exclude(entity_id=keep):
        _deactivate(other)
        transaction.on_commit(lambda other=other: avatars.forget_avatar(other))


def _store_refresh_token(connection: Connection, tokens: TokenSet) -> None:
    if tokens.refresh_token:
        connection.refresh_token = tokens.refresh_token
        connection.refresh_expires_at = tokens.refresh_expires_at


def _deactivate(connection: Connection) -> None:
    connection.is_active = False
    connection.access_token = ""
    connection.refresh_token = ""
    connection.expires_at = None
    connection.save()


def disconnect_connection(*, connection: Connection) -> Connection:
    """Revoke the token at the platform where possible, then forget it."""
    try:
        adapter_for(connection).revoke(connection)
    except PlatformError as exc:  # revoking is a courtesy: the local token goes either way
        log.info("revoking %s failed: %s", connection.pk, exc)
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        _deactivate(locked)
    avatars.forget_avatar(locked)
    return locked


# --- refresh and health ------------------------------------------------------------------------


def refresh_connection(*, connection: Connection, spent_token: str | None = None) -> Connection:
    """Refresh the connection's tokens under a lock, updating ``connection`` in place.

    X refresh tokens are single-use: two workers refreshing at once would spend the same one and
    kill the token family. The lock serialises them; a worker that waited finds the token
    already replaced (its ``spent_token`` is no longer current) and just uses the new one.
    Raises ReauthError (and marks the connection needs_reauth) when the refresh fails for good.
    """
    with _refresh_lock(connection.pk) as locked:
        failure = _apply_refresh(locked, spent_token)
    _copy_tokens(locked, connection)
    if failure is not None:
        raise ReauthError(locked.last_error) from failure
    return connection


@contextmanager
def _refresh_lock(pk):
    """PostgreSQL: the row lock (select_for_update), held across the token request.

    SQLite has no row locks: a write transaction held during the HTTP call would block every
    other writer, including the sandbox answering that very call. There a cache lock (atomic
    ``add``) serialises refreshers instead, and the row is written in one short statement.
    """
    if db_connection.features.has_select_for_update:
        with transaction.atomic():
            yield Connection.objects.select_for_update().get(pk=pk)
        return
    key = f"connections:refresh:{pk}"
    deadline = time.monotonic() + REFRESH_LOCK_WAIT_SECONDS
    while not cache.add(key, "1", timeout=REFRESH_LOCK_WAIT_SECONDS * 2):
        if time.monotonic() > deadline:
            raise RetryableError("another worker is refreshing this connection's token")
        time.sleep(0.05)
    try:
        yield Connection.objects.get(pk=pk)
    finally:
        cache.delete(key)


def _apply_refresh(locked: Connection, spent_token: str | None) -> ReauthError | None:
    if spent_token is not None and locked.access_token != spent_token:
        return None  # another worker refreshed while we waited: its token is the current one
    adapter = adapter_for(locked)
    try:
        if not locked.refresh_token:
            raise ReauthError(f"{adapter.label} gave no refresh token")
        tokens = adapter.refresh(locked.refresh_token)
    except ReauthError as exc:
        locked.record_error(Connection.Health.NEEDS_REAUTH, reauth_message(adapter, exc))
        locked.save()
        return exc
    locked.access_token = tokens.access_token
    locked.expires_at = tokens.expires_at
    _store_refresh_token(locked, tokens)
    if tokens.scopes:
        locked.scopes = tokens.scopes
    locked.clear_error()
    locked.save()
    return None


def _copy_tokens(source: Connection, target: Connection) -> None:
    for name in ("access_token", "refresh_token", "expires_at", "scopes", "health", "last_error"):
        setattr(target, name, getattr(source, name))
    target.last_error_at = source.last_error_at


def reauth_message(adapter, exc: PlatformError) -> str:
    return (
        f"{adapter.label} access expired or was revoked ({exc.message}). "
        "Reconnect the account in Settings -> Connections."
    )


def record_platform_error(*, connection: Connection, error: PlatformError) -> Connection:
    """Reflect a failed platform call on the connection's health (reauth or error)."""
    if isinstance(error, ReauthError):
        message = reauth_message(adapter_for(connection), error)
        health = Connection.Health.NEEDS_REAUTH
    else:
        message, health = error.message, Connection.Health.ERROR
    Connection.objects.filter(pk=connection.pk).update(
        health=health, last_error=message, last_error_at=timezone.now()
    )
    connection.record_error(health, message)
    return connection


def mark_connection_healthy(*, connection: Connection) -> Connection:
    if connection.health != Connection.Health.HEALTHY:
        Connection.objects.filter(pk=connection.pk).update(
            health=Connection.Health.HEALTHY, last_error="", last_error_at=None
        )
        connection.clear_error()
    return connection


def refresh_expiring_connections() -> int:
    """Refresh every active connection whose token expires soon; returns how many refreshed."""
    horizon = timezone.now() + timedelta(minutes=settings.CONNECTION_REFRESH_AHEAD_MINUTES)
    due = (
        Connection.objects.filter(is_active=True, expires_at__lte=horizon)
        .exclude(refresh_token="")
        .exclude(health=Connection.Health.NEEDS_REAUTH)
    )
    refreshed = 0
    for connection in due:
        try:
            refresh_connection(connection=connection, spent_token=connection.access_token)
            refreshed += 1
        except PlatformError as exc:  # one bad account must not stop the others
            log.warning("refreshing connection %s failed: %s", connection.pk, exc)
    return refreshed
