"""A posting log -> the adapter's PostRequest (text, thread, title, subreddits, media)."""

from connections.platforms.base import (
    Media,
    PostRequest,
    PublishedItem,
    Subreddit,
    TikTokSettings,
)
from launches import attachments
from launches.models import Launch, PostingLog
from launches.publishing.targets import asset_is_video, media_for
from media import selectors as media_selectors
from media.storage import file_url, poster_url, public_media_problem


def post_request(launch: Launch, log: PostingLog, *, sandbox: bool = False) -> PostRequest:
    entry = launch.platform_contents.get(log.platform) or {}
    thread = list(entry.get("thread") or [])
    items = media_for(launch, log.platform)
    return PostRequest(
        text=thread[0] if thread else entry.get("content", ""),
        thread=thread[1:],
        title=entry.get("title", ""),
        media=_media_list(launch, items, sandbox=sandbox),
        subreddits=[_subreddit(target) for target in entry.get("subreddits") or []],
        tiktok=_tiktok(entry.get("tiktok_settings")) if log.platform == "tiktok" else None,
        thread_media=_thread_media(launch, items) if log.platform == "twitter" else [],
        already_published=published_items(log),
        already_uploaded=log.uploaded_media or {},
    )


def _thread_media(launch: Launch, items: list[dict]) -> list[list[int]]:
    """Each tweet's media as indexes into the request's media (X, when the person chose)."""
    position = {item.get("id"): index for index, item in enumerate(items)}
    return [
        [position[asset_id] for asset_id in ids if asset_id in position]
        for ids in attachments.thread_media(launch)
    ]


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


def _media_list(launch: Launch, items: list[dict], *, sandbox: bool) -> list[Media]:
    """The one place adapters get media from: bytes (streamed from storage) and, when the
    files are publicly reachable (or the account is a sandbox one, which fetches from this
    server), their URLs."""
    assets = {
        str(asset.pk): asset
        for asset in media_selectors.assets_visible_to(launch.owner).filter(
            pk__in=[item.get("id") for item in items if item.get("id")]
        )
    }
    unreachable = "" if sandbox else public_media_problem()
    return [_media(item, assets.get(str(item.get("id"))), unreachable) for item in items]


def _media(item: dict, asset, unreachable: str) -> Media:
    if asset is None:  # an item without a stored file (an external URL only)
        kind = item.get("mime_type") or ("video/mp4" if asset_is_video(item) else "image/jpeg")
        return Media(content_type=kind, url=item.get("url", ""), filename="upload")
    media = Media(
        content_type=asset.mime_type,
        url="" if unreachable else file_url(asset),
        alt_text=asset.alt_text,
        filename=asset.filename,
        size=asset.size,
        opener=lambda: media_selectors.open_file(asset),
        unreachable=unreachable,
    )
    if asset.poster_name:
        media.thumbnail = Media(
            content_type="image/jpeg",
            url="" if unreachable else poster_url(asset),
            filename=f"{asset.filename.rsplit('.', 1)[0]}-poster.jpg",
            opener=lambda: media_selectors.open_file(asset, poster=True),
            unreachable=unreachable,
        )
    return media


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
