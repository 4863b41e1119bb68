"""Posting logs in the states analytics and deletion start from (no publishing engine needed)."""

from datetime import timedelta

from django.utils import timezone

from launches.models import PostingLog
from tests.launches.factories import LaunchFactory, PostingLogFactory

X_API = "https://api.x.com/2/tweets"
GRAPH = "https://graph.facebook.com/v25.0"
LINKEDIN_POSTS = "https://api.linkedin.com/rest/posts"
REDDIT_API = "https://oauth.reddit.com"
TIKTOK_API = "https://open.tiktokapis.com"

POST_IDS = {
    "twitter": "1800000000000000001",
    "linkedin": "urn:li:share:7000000000000000001",
    "facebook": "123_456",
    "instagram": "17900000000000001",
    "reddit": "abc123",
    "tiktok": "7300000000000000001",
}
POST_URLS = {
    "twitter": "https://x.com/olive/status/1800000000000000001",
    "linkedin": "https://www.linkedin.com/feed/update/urn:li:share:7000000000000000001",
    "facebook": "https://www.facebook.com/123/posts/456",
    "instagram": "https://www.instagram.com/p/17900000000000001/",
    "reddit": "https://www.reddit.com/r/SideProject/comments/abc123/acme/",
    "tiktok": "https://www.tiktok.com/@olive/video/7300000000000000001",
}


def launch_with_posts(owner, make_connection, platforms, **launch_fields) -> tuple:
    """A completed launch with one published post per platform, each through its connection."""
    launch = LaunchFactory(
        owner=owner, platforms=platforms, status="completed", platform_contents={}, **launch_fields
    )
    logs = [published(launch, platform, make_connection(platform)) for platform in platforms]
    return launch, logs


def published(launch, platform: str, connection=None, **fields) -> PostingLog:
    defaults = {
        "launch": launch,
        "platform": platform,
        "target_key": platform,
        "connection_id": connection.pk if connection else None,
        "status": PostingLog.Status.SUCCESS,
        "attempt_count": 1,
        "post_id": POST_IDS.get(platform, ""),
        "post_url": POST_URLS.get(platform, ""),
        "posted_at": timezone.now() - timedelta(hours=1),
    }
    return PostingLogFactory(**{**defaults, **fields})
