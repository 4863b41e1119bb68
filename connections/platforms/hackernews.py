"""Hacker News has no posting API: build the prefilled submit link for a manual post."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

SUBMIT_URL = "https://news.ycombinator.com/submitlink"
TITLE_LIMIT = 80

TIPS = [
    "Post as yourself; 'Show HN: ' titles are for things people can try right now.",
    "Keep the title plain: no superlatives, no emoji, at most 80 characters.",
    "Be around for the first hours to answer comments.",
]


@dataclass
class SubmissionKit:
    platform: str
    title: str
    submit_url: str
    text: str = ""
    tips: list[str] = field(default_factory=list)


def submission_kit(*, title: str, url: str, text: str = "") -> SubmissionKit:
    """The HN submitlink URL prefilled with the title and URL (the user presses submit)."""
    title = title.strip()[:TITLE_LIMIT]
    query = urlencode({"u": url, "t": title})
    return SubmissionKit("hackernews", title, f"{SUBMIT_URL}?{query}", text, list(TIPS))
