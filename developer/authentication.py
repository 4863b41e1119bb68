"""API-key authentication: ``Authorization: Bearer ds_live_...``."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from developer.models import KEY_PREFIX, ApiKey, hash_key

LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key per minute
_UNSET = object()


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def resolve_api_key(request) -> ApiKey | None:
    """The active key the request carries, or None. Looked up once per request."""
    cached = getattr(request, "_dropspace_api_key", _UNSET)
    if cached is not _UNSET:
        return cached
    api_key = active_api_key(bearer_token(request))
    request._dropspace_api_key = api_key
    return api_key


def active_api_key(token: str | None) -> ApiKey | None:
    """The active key whose raw value is ``token`` (its last use recorded), or None."""
    api_key = None
    if token and token.startswith(KEY_PREFIX):
        api_key = (
            ApiKey.objects.select_related("owner")
            .filter(key_hash=hash_key(token), revoked_at__isnull=True, owner__is_active=True)
            .first()
        )
    if api_key is not None:
        _touch_last_used(api_key)
    return api_key


def _touch_last_used(api_key: ApiKey) -> None:
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        if bearer_token(request._request) is None:
            raise exceptions.NotAuthenticated(
                "missing API key: send Authorization: Bearer ds_live_..."
            )
        api_key = resolve_api_key(request._request)
        if api_key is None:
            raise exceptions.AuthenticationFailed("invalid or revoked API key")
        return api_key.owner, api_key

    def authenticate_header(self, request):
        return 'Bearer realm="dropspace"'
