"""Product Hunt has no public posting API: a guided kit for the maker to paste in."""

from __future__ import annotations

from dataclasses import dataclass, field

NEW_POST_URL = "https://www.producthunt.com/posts/new"
TAGLINE_LIMIT = 60
DESCRIPTION_LIMIT = 500

LAUNCH_DAY_TIPS = [
    "Launch at 12:01 AM Pacific time to get the full 24-hour day.",
    "Post the maker comment right after launching: why you built it and what is next.",
    "Tell your community you are live, but ask for feedback, never for upvotes.",
    "Reply to every comment during the day.",
    "Prepare a gallery: a thumbnail plus 3-5 screenshots or a short video.",
]


@dataclass
class LaunchKit:
    platform: str
    name: str
    tagline: str
    description: str
    maker_comment: str
    url: str
    submit_url: str = NEW_POST_URL
    tips: list[str] = field(default_factory=list)


def submission_kit(
    *, name: str, url: str, tagline: str, description: str, maker_comment: str
) -> LaunchKit:
    """Tagline, description and maker comment cut to Product Hunt's limits, plus tips."""
    return LaunchKit(
        platform="producthunt",
        name=name,
        tagline=tagline.strip()[:TAGLINE_LIMIT],
        description=description.strip()[:DESCRIPTION_LIMIT],
        maker_comment=maker_comment.strip(),
        url=url,
        tips=list(LAUNCH_DAY_TIPS),
    )
