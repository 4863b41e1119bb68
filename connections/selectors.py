"""Reads of connections; the one place their tenant scoping lives."""

from __future__ import annotations

from django.utils import timezone

from connections.models import Connection, Platform
from connections.platforms import GUIDED, adapter_class, is_configured, uses_sandbox
from dropspace.api.errors import ApiError, Code
from media.storage import public_media_problem


def connections_visible_to(user):
    """The user's own connected accounts (disconnected ones are gone from every list)."""
    return Connection.objects.filter(owner=user, is_active=True).order_by("platform", "created_at")


def get_connection_for_user(user, connection_id) -> Connection:
    """The user's connection, or 404 SERVER_003 (also for a stranger's id)."""
    connection = connections_visible_to(user).filter(pk=connection_id).first()
    if connection is None:
        raise ApiError(Code.SERVER_003, "connection not found")
    return connection


def official_connections():
    """Instance-wide accounts operators set up in the admin (owner empty)."""
    return Connection.objects.filter(owner__isnull=True, is_active=True)


def connection_for_posting(*, user, platform: str, official: bool = False) -> Connection | None:
    """The account a launch posts through on ``platform``: the user's own, or the official one.

    LinkedIn/Facebook may have several: the first personal profile / page wins unless the caller
    picks a specific connection id itself.
    """
    source = official_connections() if official else connections_visible_to(user)
    return source.filter(platform=platform).order_by("created_at").first()


def is_available(connection: Connection) -> bool:
    """Active and not past expiry (a refresh token can renew it): no live check."""
    not_expired = connection.expires_at is None or connection.expires_at > timezone.now()
    return connection.is_active and (not_expired or bool(connection.refresh_token))


def dropspace_status() -> list[dict]:
    """Each auto-post platform, in canonical order, with its official account if usable."""
    officials = {}
    for connection in official_connections().order_by("created_at"):
        if is_available(connection):
            officials.setdefault(connection.platform, connection)
    rows = []
    for platform in Platform.values:
        connection = officials.get(platform)
        row = {"platform": platform, "connected": connection is not None}
        if connection is not None and connection.account_name:
            row["account_name"] = connection.account_name
        rows.append(row)
    return rows


def platform_overview(user) -> list[dict]:
    """Everything the Connections page shows per platform."""
    mine = list(connections_visible_to(user))
    officials = list(official_connections())
    rows = []
    for platform in Platform:
        adapter = adapter_class(platform.value)
        rows.append(
            {
                "platform": platform.value,
                "label": adapter.label,
                "configured": is_configured(platform.value),
                "sandbox": uses_sandbox(platform.value),
                "setting_hint": adapter.setting_hint,
                "multi_account": platform.value in ("linkedin", "facebook"),
                # Instagram and TikTok photos fetch media from a public URL: say so up front.
                "media_problem": public_media_problem()
                if platform.value in ("instagram", "tiktok") and is_configured(platform.value)
                else "",
                "connections": [c for c in mine if c.platform == platform.value],
                "officials": [c for c in officials if c.platform == platform.value],
            }
        )
    return rows


def guided_platforms() -> list[str]:
    return list(GUIDED)
