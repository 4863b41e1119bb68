"""The writer: content for each platform of a launch, from Claude or, offline, from templates.

``write(brief)`` picks Claude when ``ANTHROPIC_API_KEY`` is set and the offline writer
otherwise. Both return entries that pass ``launches.rules``; a platform the writer could not
write within the limits is a failure, never content that breaks a rule.
"""

from dataclasses import dataclass, field

from django.conf import settings

from personas.voice import Voice


@dataclass(frozen=True)
class Brief:
    """What the writer knows about a launch."""

    title: str
    description: str
    platforms: tuple[str, ...]
    product_url: str = ""
    product_text: str = ""
    voice: Voice | None = None
    # Existing fields a platform's content must honour (e.g. reddit's chosen subreddits).
    existing: dict[str, dict] = field(default_factory=dict)
    # Which draft this is (the launch's regeneration count): the offline writer words each
    # draft differently, so "Regenerate" gives a new draft rather than the same text.
    variant: int = 0


@dataclass
class Written:
    """The writer's output: entries per platform and per-platform failure messages."""

    writer: str
    contents: dict[str, dict] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


class WriterError(Exception):
    pass


class WriterRateLimited(WriterError):
    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class WriterUnavailable(WriterError):
    pass


def active_writer() -> str:
    return "claude" if settings.ANTHROPIC_API_KEY else "offline"


def write(brief: Brief) -> Written:
    """Write every platform of ``brief``; raise WriterRateLimited / WriterUnavailable."""
    if active_writer() == "claude":
        from launches.writer import claude

        return claude.write(brief)
    from launches.writer import offline

    return offline.write(brief)
