from developer.models import ApiKey
from dropspace.api.errors import ApiError, Code


def api_keys_visible_to(user):
    """Every key the user owns, revoked ones included (they show in the list with revoked_at)."""
    return ApiKey.objects.filter(owner=user)


def get_active_api_key_for_user(user, key_id) -> ApiKey:
    """The user's non-revoked key, or 404 SERVER_003 (also for a stranger's key)."""
    api_key = api_keys_visible_to(user).filter(pk=key_id, revoked_at__isnull=True).first()
    if api_key is None:
        raise ApiError(Code.SERVER_003, "api key not found")
    return api_key
