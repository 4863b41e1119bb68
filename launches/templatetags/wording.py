"""Template filters that show stored values in a person's words (launches.wording)."""

from django import template

from dropspace import wording

register = template.Library()


@register.filter
def platform_name(value: str) -> str:
    """``producthunt`` -> "Product Hunt"."""
    return wording.PLATFORM_NAMES.get(value, value)


@register.filter
def choice_name(value: str) -> str:
    """A privacy level, TikTok setting or metric: ``urlClicks`` -> "Link clicks"."""
    return wording.choice_name(value)


@register.filter
def ratio(value) -> str:
    """A share (0..1) as a percentage; any other number as it is."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.0%}" if 0 <= number <= 1 else f"{number:g}"


@register.filter
def account_kind(value: str) -> str:
    """A connection's account type: ``organization`` -> "Company page"."""
    return wording.ACCOUNT_KINDS.get(value, str(value).capitalize())


@register.filter
def split(value: str) -> list[str]:
    """Space-separated words (an OAuth scope) as a list."""
    return str(value or "").split()


@register.filter
def post_status(value: str) -> str:
    """A post's status: ``manual`` -> "Post it yourself"."""
    return wording.POST_STATUS_NAMES.get(value, str(value).capitalize())
