"""A launch's media: which assets, in which order, on which platforms, in which mode.

The request fields (spec): ``media`` (inline items, ingested now) or ``media_assets`` (assets
already in the person's library, by id) — mutually exclusive, replacing the launch's media
entirely; ``media_attach_platforms`` and ``media_mode``, inferred when not given. The launch
keeps the ordered assets as ``LaunchMedia`` rows (what the library's "used by" reads) and the
spec-shaped list in ``Launch.media_assets`` (what the API returns and publishing reads).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from launches import rules
from launches.models import AUTO_POST_PLATFORMS, Launch
from media import selectors as media_selectors
from media import services as media_services
from media.models import LaunchMedia, MediaAsset
from media.storage import file_url, poster_url

MAX_IMAGES = 9
MAX_VIDEOS = 1
MODES = ("images", "video")
# The platforms that post media; the guided ones (Product Hunt...) get the files in their kit.
MEDIA_PLATFORMS = AUTO_POST_PLATFORMS
# How many images each platform takes in one post (the spec's distribution caps, and X's 4).
IMAGE_CAPS = {
    "twitter": 4,
    "linkedin": 20,
    "facebook": 10,
    "instagram": 10,
    "reddit": 20,
    "tiktok": 35,
}
UNSET = object()


@dataclass
class MediaChange:
    """What a create or update asks for. ``assets`` is None when the media itself is kept."""

    assets: list[MediaAsset] | None = None
    new: list[MediaAsset] = field(default_factory=list)  # ingested for this request
    attach: list[str] | None = None
    mode: str | None = None

    def discard(self) -> None:
        """The request failed after ingesting: remove what it stored."""
        media_services.discard_assets(self.new)


def shape_problems(*, media, media_assets, attach, mode) -> list[dict]:
    """The request's media fields on their own (before anything is fetched)."""
    problems = []
    if media is not None and media_assets is not None:
        message = "media and media_assets are mutually exclusive; send one"
        problems.append(rules.problem("media_assets", message))
    items = media if media is not None else media_assets
    if items is not None and len(items) > MAX_IMAGES + MAX_VIDEOS:
        message = f"at most {MAX_IMAGES + MAX_VIDEOS} media items ({MAX_IMAGES} images + 1 video)"
        problems.append(rules.problem("media" if media is not None else "media_assets", message))
    if mode is not None and mode not in MODES:
        problems.append(rules.problem("media_mode", 'media_mode must be "images" or "video"'))
    return problems


def resolve(*, owner, media=None, media_assets=None, attach=None, mode=None) -> MediaChange:
    """Fetch or look up the assets (``media`` is ingested: the only slow step)."""
    change = MediaChange(attach=attach, mode=mode)
    if media_assets is not None:
        ids = [item["id"] for item in media_assets]
        change.assets = media_selectors.owned_assets(owner, ids)
    elif media is not None:
        change.new = media_services.ingest_items(owner=owner, items=media)
        change.assets = list(change.new)
    return change


def apply(launch: Launch, change: MediaChange) -> list[dict]:
    """Put the change on the (unsaved) launch; return the problems it has (400 SERVER_002)."""
    if change.assets is not None:
        before = {item.get("id") for item in launch_items(launch)}
        launch.media_assets = [asset_item(asset) for asset in change.assets]
        prune_thread_media(launch, removed=before - {str(asset.pk) for asset in change.assets})
        problems = count_problems(change.assets)
        if problems:
            return problems
    has_media = bool(launch.media_assets)
    if change.mode is not None:
        launch.media_mode = change.mode
    elif change.assets is not None:
        launch.media_mode = inferred_mode(launch.media_assets) if has_media else ""
    if change.attach is not None:
        launch.media_attach_platforms = list(change.attach)
    elif change.assets is not None:
        launch.media_attach_platforms = (
            [p for p in launch.platforms if p in MEDIA_PLATFORMS] if has_media else []
        )
    return attach_problems(launch)


def count_problems(assets: list[MediaAsset]) -> list[dict]:
    videos = sum(1 for a in assets if a.is_video)
    problems = []
    if videos > MAX_VIDEOS:
        problems.append(rules.problem("media", "at most 1 video per launch"))
    if len(assets) - videos > MAX_IMAGES:
        problems.append(rules.problem("media", f"at most {MAX_IMAGES} images per launch"))
    return problems


def attach_problems(launch: Launch) -> list[dict]:
    outside = [p for p in launch.media_attach_platforms if p not in launch.platforms]
    if outside:
        message = f"media_attach_platforms must be a subset of platforms ({', '.join(outside)})"
        return [rules.problem("media_attach_platforms", message)]
    return []


def inferred_mode(items: list[dict]) -> str:
    return "video" if any(is_video(item) for item in items) else "images"


def link(launch: Launch, change: MediaChange) -> None:
    """Store the launch's assets in order (in the caller's transaction)."""
    if change.assets is None:
        return
    LaunchMedia.objects.filter(launch=launch).delete()
    LaunchMedia.objects.bulk_create(
        LaunchMedia(launch=launch, asset=asset, position=index)
        for index, asset in enumerate(change.assets)
    )


def asset_item(asset: MediaAsset) -> dict:
    """An asset in the spec's ``media_assets`` shape."""
    item = {
        "id": str(asset.pk),
        "type": asset.kind,
        "url": file_url(asset),
        "filename": asset.filename,
        "size": asset.size,
        "mime_type": asset.mime_type,
        "width": asset.width,
        "height": asset.height,
        "source": asset.source,
    }
    if asset.is_video:
        item["duration"] = asset.duration
        if asset.poster_name:
            item["thumbnail_url"] = poster_url(asset)
    if asset.fal_request_id:
        item["fal_request_id"] = asset.fal_request_id
    if asset.alt_text:
        item["alt_text"] = asset.alt_text
    return item


def prune_attach(launch: Launch) -> None:
    """Platforms removed from the launch stop getting its media."""
    launch.media_attach_platforms = [
        p for p in launch.media_attach_platforms or [] if p in launch.platforms
    ]


# --- distribution -----------------------------------------------------------------------------


def is_video(item: dict) -> bool:
    kind = item.get("mime_type") or item.get("content_type") or item.get("type") or ""
    return kind.startswith("video")


def media_for(launch: Launch, platform: str) -> list[dict]:
    """The items ``platform`` posts: per the launch's mode (the video, or the images up to the
    platform's cap), and only on the platforms media is attached to (all when none listed).

    Two per-platform choices go past the launch-wide mode: X's ``thread_media`` (exactly the
    assets it names, tweet by tweet) and Instagram's ``mixed_carousel`` (images and the video
    together, in the launch's order)."""
    if not gets_media(launch, platform):
        return []
    items = launch_items(launch)
    if platform == "twitter" and thread_media(launch):
        by_id = {item["id"]: item for item in items if item.get("id")}
        return [by_id[i] for tweet in thread_media(launch) for i in tweet if i in by_id]
    if platform == "instagram" and mixed_carousel(launch):
        return items[: IMAGE_CAPS["instagram"]]
    videos = [item for item in items if is_video(item)]
    images = [item for item in items if not is_video(item)]
    mode = launch.media_mode or (inferred_mode(items) if items else "")
    if mode == "video":
        return videos[:MAX_VIDEOS]
    return images[: IMAGE_CAPS.get(platform, MAX_IMAGES + MAX_VIDEOS)]


def gets_media(launch: Launch, platform: str) -> bool:
    attach = launch.media_attach_platforms
    return not attach or platform in attach


def launch_items(launch: Launch) -> list[dict]:
    return [item for item in launch.media_assets or [] if isinstance(item, dict)]


def is_gif(item: dict) -> bool:
    return (item.get("mime_type") or "") == "image/gif"


# --- per-platform choices: X media per tweet, Instagram mixed carousel -----------------------


def thread_media(launch: Launch) -> list[list[str]]:
    """``platform_contents.twitter.thread_media``: the asset ids each tweet carries ([] when the
    person did not choose: all of X's media goes on the first tweet)."""
    entry = (launch.platform_contents or {}).get("twitter") or {}
    value = entry.get("thread_media")
    return value if isinstance(value, list) else []


def tweet_count(launch: Launch) -> int:
    entry = (launch.platform_contents or {}).get("twitter") or {}
    return len(entry.get("thread") or []) or 1


def thread_media_problems(launch: Launch, *, asked: bool = False) -> list[dict]:
    """Whether each tweet's media exists on the launch and fits X's rule: up to 4 images, or
    one video or GIF, per tweet. ``asked``: the request sets thread_media, so a choice X
    would ignore (its media detached) is refused too; otherwise X simply posts no media."""
    chosen = thread_media(launch)
    if not chosen or "twitter" not in launch.platforms:
        return []
    field = "platform_contents.twitter.thread_media"
    if not gets_media(launch, "twitter"):
        message = "X does not get this launch's media (add twitter to media_attach_platforms)"
        return [rules.problem(field, message)] if asked else []
    by_id = {item.get("id"): item for item in launch_items(launch)}
    tweets = tweet_count(launch)
    problems = []
    for index, ids in enumerate(chosen):
        where = f"{field}.{index}"
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            message = f"media {unknown[0]} is not one of this launch's media_assets"
            problems.append(rules.problem(where, message))
            continue
        if ids and index >= tweets:
            message = f"tweet {index + 1} has media but the thread has {tweets} tweet(s)"
            problems.append(rules.problem(where, message))
        moving = [by_id[i] for i in ids if is_video(by_id[i]) or is_gif(by_id[i])]
        if moving and len(ids) > 1:
            message = f"tweet {index + 1}: X takes up to 4 images, or 1 video or GIF, per tweet"
            problems.append(rules.problem(where, message))
    return problems


def prune_thread_media(launch: Launch, *, removed: set) -> None:
    """Assets taken off the launch leave the tweets they were on (ids never attached are
    left for thread_media_problems to name)."""
    chosen = thread_media(launch)
    if not chosen or not removed:
        return
    pruned = [[i for i in ids if i not in removed] for ids in chosen]
    entry = launch.platform_contents["twitter"]
    if any(pruned):
        entry["thread_media"] = pruned
    else:
        del entry["thread_media"]


def mixed_carousel(launch: Launch) -> bool:
    """``platform_contents.instagram.mixed_carousel``: the images and the video go out together
    as one carousel (the video a carousel item) instead of the launch-wide mode's choice."""
    entry = (launch.platform_contents or {}).get("instagram") or {}
    return entry.get("mixed_carousel") is True


# --- generated media ---------------------------------------------------------------------------

EDITABLE = {
    Launch.Status.DRAFT,
    Launch.Status.MANUAL,
    Launch.Status.TRIGGER,
    Launch.Status.SCHEDULED,
}


def add_generated(launch_id, asset: MediaAsset, *, attach_to: list[str] | None = None) -> bool:
    """Put a finished AI file on its launch (in the caller's transaction); False when the launch
    can no longer change (it stays in the library).

    A video replaces the launch's video (one per launch); an image joins the images while there
    is room. ``attach_to`` (generate_ai_videos) adds those platforms and makes the launch post
    its video there; otherwise a launch without media attaches it to its media platforms.
    """
    launch = Launch.objects.select_for_update().filter(pk=launch_id).first()
    if launch is None or launch.status not in EDITABLE:
        return False
    assets = media_selectors.launch_assets(launch)
    if asset.is_video:
        assets = [a for a in assets if not a.is_video]
    elif sum(1 for a in assets if not a.is_video) >= MAX_IMAGES:
        return False
    had_media = bool(assets)
    assets.append(asset)
    change = MediaChange(assets=assets)
    launch.media_assets = [asset_item(a) for a in assets]
    if attach_to:
        launch.media_mode = "video" if asset.is_video else launch.media_mode or "images"
        launch.media_attach_platforms = list(
            dict.fromkeys([*(launch.media_attach_platforms or []), *attach_to])
        )
    elif not had_media:
        launch.media_mode = inferred_mode(launch.media_assets)
        launch.media_attach_platforms = [p for p in launch.platforms if p in MEDIA_PLATFORMS]
    link(launch, change)
    launch.save(
        update_fields=["media_assets", "media_mode", "media_attach_platforms", "updated_at"]
    )
    return True
