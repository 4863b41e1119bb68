"""A posting log -> the adapter's PostRequest (text, thread, title, subreddits, media)."""

from connections.platforms.base import (
    Media,
    PostRequest,
    PublishedItem,
    Subreddit,
    TikTokSettings,
)
from launches.models import Launch, PostingLog
from launches.publishing.targets import asset_is_video, media_for


def post_request(launch: Launch, log: PostingLog) -> PostRequest:
    entry = launch.platform_contents.get(log.platform) or {}
    thread = list(entry.get("thread") or [])
    return PostRequest(
        text=thread[0] if thread else entry.get("content", ""),
        thread=thread[1:],
        title=entry.get("title", ""),
        media=[_media(asset) for asset in media_for(launch, log.platform)],
        subreddits=[_subreddit(target) for target in entry.get("subreddits") or []],
        tiktok=_tiktok(entry.get("tiktok_settings")) if log.platform == "tiktok" else None,
        already_published=published_items(log),
    )


def published_items(log: PostingLog) -> list[PublishedItem]:
    """What earlier attempts published (tweets of a thread, subreddits): a retry resumes."""
    return [PublishedItem(**item) for item in log.published_items]


def items_to_json(items: list[PublishedItem]) -> list[dict]:
    return [
        {"post_id": item.post_id, "post_url": item.post_url, "target": item.target}
        for item in items
    ]


def published_fields(items: list[dict]) -> dict:
    """The log fields recording what went out: the full items and, as the other apps read
    them (deletion), the plain ids in thread_post_ids."""
    return {"published_items": items, "thread_post_ids": [item["post_id"] for item in items]}


def _media(asset: dict) -> Media:
    kind = asset.get("content_type") or asset.get("mime_type") or ""
    if not kind:
        kind = "video/mp4" if asset_is_video(asset) else "image/jpeg"
    return Media(
        content_type=kind,
        url=asset.get("url", ""),
        alt_text=asset.get("alt_text", ""),
        filename=asset.get("filename", "upload"),
    )


def _subreddit(target: dict) -> Subreddit:
    return Subreddit(
        name=target["name"],
        title=target.get("title", ""),
        flair_id=target.get("flair_id", ""),
        flair_text=target.get("flair_text", ""),
    )


def _tiktok(settings: dict | None) -> TikTokSettings:
    settings = settings or {}
    return TikTokSettings(
        privacy_level=settings.get("privacy_level", ""),
        disable_comment=settings.get("allow_comments") is False,
        disable_duet=settings.get("allow_duet") is False,
        disable_stitch=settings.get("allow_stitch") is False,
    )
