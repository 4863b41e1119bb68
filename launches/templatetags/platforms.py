"""``{% platform_logo "twitter" %}``: a platform's logo, inline, with its accessible name."""

import re
from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dropspace import wording
from launches import rules

register = template.Library()

VIEWBOX = re.compile(r'viewBox="([^"]+)"')
SHAPES = re.compile(r"<(?:path|circle|rect|polygon)\b[^>]*/>")


@cache
def logo_shapes(platform: str) -> tuple[str, str] | None:
    """(viewBox, shapes) of static/platforms/<platform>.svg, read once per process."""
    path = finders.find(f"platforms/{platform}.svg")
    if not path:
        return None
    with open(path, encoding="utf-8") as svg:
        source = svg.read()
    viewbox = VIEWBOX.search(source)
    return (viewbox.group(1) if viewbox else "0 0 24 24", "".join(SHAPES.findall(source)))


@register.simple_tag
def platform_logo(platform: str, size: int = 18, decorative: bool = False):
    """The logo as inline SVG. With its name as the image's label, or, ``decorative=True``
    beside a visible name, hidden from screen readers so the name is not read twice.
    An unknown platform gets its name's initial in a circle, never a broken image."""
    name = wording.PLATFORM_NAMES.get(platform, platform)
    label = (
        mark_safe('aria-hidden="true"')
        if decorative
        else format_html('role="img" aria-label="{}"', name)
    )
    logo = logo_shapes(platform)
    if logo is None:
        return format_html(
            '<span class="platform-logo platform-logo-unknown" {} style="--size:{}px">{}</span>',
            label,
            size,
            name[:1].upper(),
        )
    viewbox, shapes = logo
    return format_html(
        '<svg class="platform-logo platform-logo-{}" viewBox="{}" width="{}" height="{}" '
        'fill="currentColor" focusable="false" {}>{}{}</svg>',
        platform,
        viewbox,
        size,
        size,
        label,
        "" if decorative else format_html("<title>{}</title>", name),
        mark_safe(shapes),  # noqa: S308 -- shapes of an SVG file we ship, never user input
    )


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key) or {}


@register.simple_tag
def fold_text(text: str, fold: int | None = None):
    """The text as the platform's feed shows it: cut at the last whole word before ``fold``
    characters, the rest behind "…see more" (shown whole when JavaScript is off)."""
    if not fold or len(text) <= fold:
        return text
    cut = text.rfind(" ", 0, fold)
    cut = cut if cut > fold // 2 else fold
    return format_html(
        '{}<span class="pp-rest">{}</span><button type="button" class="pp-more">…see more</button>',
        text[:cut],
        text[cut:],
    )


@register.simple_tag
def char_count(text: str, limit: int | None, platform: str = "", of: str = ""):
    """The count a platform's composer shows ("212 / 280"), counted as the validators count
    (X's weighted length for tweets), and past the limit said in words, in red (.is-over).
    ``of`` names the preview part editor.js recounts as the person types."""
    if not limit:
        return ""
    used = rules.text_length(platform, text or "")
    return format_html(
        '<span class="pp-count{}" data-count-of="{}" data-limit="{}" data-count="{}">{}</span>',
        " is-over" if used > limit else "",
        of,
        limit,
        "twitter" if platform == "twitter" else "chars",
        count_words(used, limit),
    )


def count_words(used: int, limit: int) -> str:
    """editor.js says the same (countWords)."""
    if used > limit:
        return f"{used} / {limit} · {used - limit} over the limit"
    return f"{used} / {limit}"


# Which counts each platform's own composer shows: X per tweet, the caption on LinkedIn,
# Instagram and TikTok, Reddit's title (300), Product Hunt's tagline (60) and description,
# Hacker News's title (80). Facebook shows none.
SHOWN_COUNTS = {
    "twitter": {"content"},
    "linkedin": {"content"},
    "instagram": {"content"},
    "tiktok": {"content"},
    "reddit": {"title"},
    "producthunt": {"title", "content"},
    "hackernews": {"title"},
}


@register.simple_tag
def preview_count(tab: dict, part: str):
    """The count of one part ("title" or "content") of an editor tab's preview, where the
    platform shows one."""
    platform = tab["platform"]
    if part not in SHOWN_COUNTS.get(platform, ()):
        return ""
    limit = tab["title_limit"] if part == "title" else tab["limit"]
    text = (tab.get("entry") or {}).get(part) or ""
    return char_count(text, limit, platform, of=f"{platform}-{part}")


@register.simple_tag
def preview_avatar(who: dict):
    """The author's picture (our copy of the account's), else their initial in a circle."""
    if who.get("avatar"):
        return format_html(
            '<img class="pp-avatar" src="{}" alt="" width="40" height="40">', who["avatar"]
        )
    return format_html('<span class="pp-avatar" aria-hidden="true">{}</span>', who.get("initial"))
