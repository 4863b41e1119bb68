"""Earlier versions of a launch's content per platform, so a regeneration can be undone.

``Launch.content_history`` is ``{platform: [{"entry": {...}, "at": iso}, ...]}``, newest last,
at most ``KEPT_PER_PLATFORM`` each. Pure functions over that dict; the services save it.
"""

from django.utils import timezone

from launches import rules

KEPT_PER_PLATFORM = 5


def remember(history: dict, contents: dict, platforms) -> dict:
    """``history`` with the current entry of each of ``platforms`` kept (those with text)."""
    now = timezone.now().isoformat()
    kept = {platform: list(versions) for platform, versions in (history or {}).items()}
    for platform in platforms:
        entry = contents.get(platform)
        if not rules.has_content(entry):
            continue
        versions = kept.setdefault(platform, [])
        versions.append({"entry": entry, "at": now})
        del versions[:-KEPT_PER_PLATFORM]
    return kept


def latest(history: dict, platform: str) -> dict | None:
    versions = (history or {}).get(platform) or []
    return versions[-1] if versions else None


def without_latest(history: dict, platform: str) -> dict:
    kept = {p: list(versions) for p, versions in (history or {}).items()}
    if kept.get(platform):
        kept[platform].pop()
    if platform in kept and not kept[platform]:
        del kept[platform]
    return kept


def edited_by_person(contents: dict, platforms) -> list[str]:
    """The platforms whose text a person wrote or edited (a regeneration would replace it)."""
    return [
        platform
        for platform in platforms
        if (contents.get(platform) or {}).get("generated_by") == "user"
        and rules.has_content(contents.get(platform))
    ]
