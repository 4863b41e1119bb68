"""Changes a person makes to their own account."""

from django.core.exceptions import ValidationError

from accounts.models import User, validate_timezone
from dropspace.api.errors import ApiError, Code

NAME_MAX_LENGTH = User._meta.get_field("name").max_length


def update_profile(*, user: User, name: str, timezone: str) -> User:
    """Set the display name and the IANA timezone every page shows dates in."""
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ApiError(Code.SERVER_002, f"name: at most {NAME_MAX_LENGTH} characters")
    try:
        validate_timezone(timezone)
    except ValidationError:
        raise ApiError(
            Code.SERVER_002, f"timezone: {timezone!r} is not an IANA timezone (e.g. Europe/Paris)"
        ) from None
    user.name = name
    user.timezone = timezone
    user.save(update_fields=["name", "timezone"])
    return user


def lock_for_limit_check(user: User) -> None:
    """Lock the person's row until the transaction ends.

    Per-person limits (API keys, personas, webhook endpoints, launches per month) count rows
    and then insert one; two concurrent requests would both pass the count. Taking this lock
    first makes such checks run one at a time per person. Call it inside transaction.atomic().
    """
    User.objects.select_for_update().filter(pk=user.pk).first()


def adopt_browser_timezone(*, user: User, timezone: str) -> bool:
    """Use the browser's timezone (sent on sign-up and on the first login) while the account
    still has the default; a timezone the person chose on their profile is never replaced."""
    if user.timezone != User._meta.get_field("timezone").default or not timezone:
        return False
    try:
        validate_timezone(timezone)
    except ValidationError:
        return False
    user.timezone = timezone
    user.save(update_fields=["timezone"])
    return True
