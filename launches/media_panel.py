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
    return {
        "media_items": [_item(item) for item in launch.media_assets or []],
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
    layout = LAYOUTS[platform]
    if any(item["is_video"] for item in items):
        layout = "vertical" if platform in VERTICAL_VIDEO else "video"
    return {"platform": platform, "label": LABELS[platform], "layout": layout, "items": items}


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
    try:
        services.update_launch(launch=launch, by=request.user, changes=changes)
    except ApiError as exc:
        for item in exc.details or [{"message": exc.message}]:
            messages.error(request, item["message"])
    else:
        messages.success(request, "Media saved.")
    return redirect(f"{reverse('launches:detail', args=[launch.pk])}#launch-media")


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
