"""The launch page's media panel: add from the library or upload, reorder, choose platforms,
and previews laid out as each platform shows media. Thin over the same services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dropspace.api.errors import ApiError
from launches import attachments, selectors, services
from launches.models import Launch, Platform
from media import selectors as media_selectors
from media import services as media_services
from media.storage import file_url, poster_url

LABELS = dict(Platform.choices)
# How each platform lays out several images (a single video is its own frame).
LAYOUTS = {
    "twitter": "grid",
    "linkedin": "grid",
    "facebook": "grid",
    "instagram": "carousel",
    "reddit": "gallery",
    "tiktok": "carousel",
}
VERTICAL_VIDEO = {"instagram", "tiktok"}  # reels and TikToks are 9:16


def panel_context(launch: Launch, user) -> dict:
    attached = {item.get("id") for item in launch.media_assets or []}
    library = [
        {"asset": asset, "thumbnail": poster_url(asset) if asset.is_video else file_url(asset)}
        for asset in media_selectors.library_for(user)[:60]
        if str(asset.pk) not in attached
    ]
    attach = launch.media_attach_platforms or []
    platforms = [p for p in launch.platforms if p in attachments.MEDIA_PLATFORMS]
    tweets = _tweet_choices(launch)
    return {
        "media_items": [
            {**_item(item), "tweet": tweets.get(item.get("id"))}
            for item in launch.media_assets or []
        ],
        "tweet_numbers": list(range(1, attachments.tweet_count(launch) + 1)) if tweets else [],
        "offers_mixed_carousel": _offers_mixed_carousel(launch),
        "mixed_carousel": attachments.mixed_carousel(launch),
        "media_library": library,
        "media_platforms": [
            {"platform": p, "label": LABELS[p], "checked": not attach or p in attach}
            for p in platforms
        ],
        "media_previews": [_preview(launch, p) for p in platforms],
        "media_mode": launch.media_mode,
    }


def _item(item: dict) -> dict:
    video = attachments.is_video(item)
    return {
        **item,
        "is_video": video,
        "thumbnail": item.get("thumbnail_url") if video else item["url"],
    }


def cover(launch: Launch, platform: str) -> str:
    """The picture a text preview shows first for ``platform`` ("" without media): the first
    image, or a video's poster."""
    items = attachments.media_for(launch, platform)
    return _item(items[0])["thumbnail"] or "" if items else ""


def _preview(launch: Launch, platform: str) -> dict:
    items = [_item(item) for item in attachments.media_for(launch, platform)]
    preview = {
        "platform": platform,
        "label": LABELS[platform],
        "layout": _layout(platform, items),
        "items": items,
    }
    if platform == "twitter" and attachments.tweet_count(launch) > 1:
        preview["tweets"] = _tweet_previews(launch, items)
    return preview


def _layout(platform: str, items: list[dict]) -> str:
    """A video alone is its own frame; several items take the platform's layout (a mixed
    Instagram carousel stays a carousel)."""
    if len(items) == 1 and items[0]["is_video"]:
        return "vertical" if platform in VERTICAL_VIDEO else "video"
    if platform != "instagram" and any(item["is_video"] for item in items):
        return "vertical" if platform in VERTICAL_VIDEO else "video"
    return LAYOUTS[platform]


def _tweet_previews(launch: Launch, items: list[dict]) -> list[dict]:
    """X's thread, tweet by tweet, each with the media it carries."""
    by_id = {item["id"]: item for item in items}
    chosen = attachments.thread_media(launch) or [[item["id"] for item in items]]
    tweets = []
    for number in range(1, attachments.tweet_count(launch) + 1):
        ids = chosen[number - 1] if number <= len(chosen) else []
        media = [by_id[i] for i in ids if i in by_id]
        layout = _layout("twitter", media)
        tweets.append({"label": f"Tweet {number}", "items": media, "layout": layout})
    return tweets


def _tweet_choices(launch: Launch) -> dict[str, int]:
    """Which tweet (1, 2...) each attached asset goes on; 0 is "not on X". Empty when X posts
    no thread with this launch's media (nothing to choose)."""
    if (
        "twitter" not in launch.platforms
        or not attachments.gets_media(launch, "twitter")
        # One tweet: nothing to choose, unless a choice from a longer thread is left to undo.
        or (attachments.tweet_count(launch) < 2 and not attachments.thread_media(launch))
    ):
        return {}
    chosen = attachments.thread_media(launch) or [
        [item["id"] for item in attachments.media_for(launch, "twitter")]
    ]
    on = {asset_id: number for number, ids in enumerate(chosen, 1) for asset_id in ids}
    return {item.get("id"): on.get(item.get("id"), 0) for item in launch.media_assets or []}


def _offers_mixed_carousel(launch: Launch) -> bool:
    """When Instagram could post the images and the video together, or the choice is on (so
    it can be turned off after the video or the images were removed)."""
    if "instagram" not in launch.platforms:
        return False
    items = attachments.launch_items(launch)
    both = any(attachments.is_video(item) for item in items) and any(
        not attachments.is_video(item) for item in items
    )
    return attachments.mixed_carousel(launch) or (
        both and attachments.gets_media(launch, "instagram")
    )


@login_required
@require_POST
def launch_media(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    order = _order(request.POST, [item["id"] for item in launch.media_assets or []])
    for upload in request.FILES.getlist("files"):
        try:
            order.append(str(media_services.ingest_upload(owner=request.user, file=upload).pk))
        except ApiError as exc:
            messages.error(request, f"{upload.name}: {exc.message}")
    changes = {"media_assets": [{"id": asset_id} for asset_id in order]}
    attach = [p for p in request.POST.getlist("attach") if p in launch.platforms]
    changes["media_attach_platforms"] = attach or None
    if request.POST.get("media_mode") in attachments.MODES:
        changes["media_mode"] = request.POST["media_mode"]
    contents = _platform_choices(launch, request.POST, order)
    if contents:
        changes["platform_contents"] = contents
    try:
        services.update_launch(launch=launch, by=request.user, changes=changes)
    except ApiError as exc:
        for item in exc.details or [{"message": exc.message}]:
            messages.error(request, item["message"])
    else:
        messages.success(request, "Media saved.")
    return redirect(f"{reverse('launches:detail', args=[launch.pk])}#launch-media")


def _platform_choices(launch: Launch, post, order: list[str]) -> dict:
    """The per-platform media choices the form sends: each asset's tweet on X (stored only
    when it differs from X's default, everything on the first tweet) and Instagram's mixed
    carousel."""
    contents = {}
    if any(key.startswith("tweet-") for key in post):
        tweets = attachments.tweet_count(launch)
        groups: list[list[str]] = [[] for _ in range(tweets)]
        for asset_id in order:
            number = post.get(f"tweet-{asset_id}", "")
            if number.isdigit() and 1 <= int(number) <= tweets:
                groups[int(number) - 1].append(asset_id)
        while groups and not groups[-1]:
            groups.pop()
        default = [item["id"] for item in _default_x_media(launch, post, order)]
        chosen = [] if groups == ([default] if default else []) else groups
        if chosen or attachments.thread_media(launch):
            contents["twitter"] = {"thread_media": chosen}
    if "mixed_carousel_shown" in post and "instagram" in launch.platforms:
        contents["instagram"] = {"mixed_carousel": post.get("mixed_carousel") == "on"}
    return contents


def _default_x_media(launch: Launch, post, order: list[str]) -> list[dict]:
    """What X would post without a choice: the form's order and mode, no thread_media."""
    twitter = {**(launch.platform_contents.get("twitter") or {})}
    twitter.pop("thread_media", None)
    items = {item.get("id"): item for item in attachments.launch_items(launch)}
    plain = Launch(
        platforms=launch.platforms,
        platform_contents={**launch.platform_contents, "twitter": twitter},
        media_assets=[items[i] for i in order if i in items],
        media_attach_platforms=launch.media_attach_platforms,
        media_mode=post.get("media_mode") or launch.media_mode,
    )
    return attachments.media_for(plain, "twitter")


def _order(post, current: list[str]) -> list[str]:
    """The asset order the form asks for: kept, moved, removed, then added from the library."""
    order = [i for i in post.getlist("asset") if i in current] or list(current)
    remove = post.get("remove")
    if remove in order:
        order.remove(remove)
    move = post.get("move", "")
    asset_id, _, direction = move.partition(":")
    if asset_id in order:
        index = order.index(asset_id)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
    order += [i for i in post.getlist("add") if i not in order]
    return order
