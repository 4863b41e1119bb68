"""Sandbox TikTok: OAuth v2, user info, creator info, direct post (video upload, photos)."""

from __future__ import annotations

import json
import re

from django.http import HttpResponse, JsonResponse

from connections.sandbox import services
from connections.sandbox.models import SandboxMedia, SandboxPost
from connections.sandbox.views.common import Errors, api, open_endpoint, token_json

PRIVACY_OPTIONS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]


def envelope(data: dict, status: int = 200, code: str = "ok", message: str = "") -> JsonResponse:
    error = {"code": code, "message": message, "log_id": "SANDBOX"}
    return JsonResponse({"data": data, "error": error}, status=status)


class TikTokErrors(Errors):
    def unauthorized(self):
        return envelope(
            {},
            401,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        )

    def rate_limited(self, retry_after, limit=None):
        response = envelope({}, 429, "rate_limit_exceeded", "API rate limit was exceeded.")
        response["Retry-After"] = str(retry_after)
        return response

    def server_error(self):
        return envelope({}, 500, "internal_error", "Something went wrong. Please try again later.")

    def rejected(self):
        return envelope({}, 400, "spam_risk_text", "The text of the post was flagged as spam.")

    def not_found(self):
        return envelope({}, 400, "invalid_params", "The publish_id or video id is unknown.")


errors = TikTokErrors()


@open_endpoint
def token(request):
    data = request.POST
    if not data.get("client_key") or not data.get("client_secret"):
        return JsonResponse(
            {
                "error": "invalid_client",
                "error_description": "client_key missing",
                "log_id": "SANDBOX",
            }
        )
    try:
        if data.get("grant_type") == "refresh_token":
            issued = services.refresh(
                platform="tiktok", refresh_token=data.get("refresh_token", "")
            )
        else:
            issued = services.redeem_code(
                code=data.get("code", ""),
                redirect_uri=data.get("redirect_uri", ""),
                code_verifier=data.get("code_verifier", ""),
            )
    except services.SandboxError as exc:
        # TikTok answers OAuth errors with HTTP 200 and {error, error_description}.
        return JsonResponse(
            {"error": "invalid_grant", "error_description": exc.message, "log_id": "SANDBOX"}
        )
    body = token_json(issued, open_id=issued.account.entity_id, refresh_expires_in=365 * 86400)
    body["scope"] = body["scope"].replace(" ", ",")
    return JsonResponse(body)


@open_endpoint
def revoke(request):
    services.revoke_token(request.POST.get("token", ""))
    return JsonResponse({})


@api(errors)
def user_info(request):
    account = request.sandbox_token.account
    user = {
        "open_id": account.entity_id,
        "union_id": account.entity_id,
        "avatar_url": services.picture_url(account),
        "display_name": account.display_name,
        "username": account.username,
    }
    return envelope({"user": user})


@api(errors)
def creator_info(request):
    account = request.sandbox_token.account
    return envelope(
        {
            "creator_avatar_url": "",
            "creator_username": account.username,
            "creator_nickname": account.display_name,
            "privacy_level_options": PRIVACY_OPTIONS,
            "comment_disabled": False,
            "duet_disabled": False,
            "stitch_disabled": False,
            "max_video_post_duration_sec": 600,
        }
    )


def _check_post_info(info: dict) -> JsonResponse | None:
    if info.get("privacy_level") not in PRIVACY_OPTIONS:
        return envelope(
            {},
            400,
            "privacy_level_option_mismatch",
            "privacy_level is not one of the creator's options",
        )
    return None


@api(errors)
def video_init(request):
    body = json.loads(request.body or b"{}")
    problem = _check_post_info(body.get("post_info", {}))
    if problem:
        return problem
    source = body.get("source_info", {})
    problem = _check_chunks(source) if source.get("source") == "FILE_UPLOAD" else None
    if problem:
        return envelope({}, 400, "invalid_params", problem)
    state = {
        "kind": "video",
        "caption": body["post_info"].get("title", ""),
        "privacy": body["post_info"]["privacy_level"],
        "source": source.get("source"),
        "chunk_size": int(source.get("chunk_size") or 0),
        "chunks": int(source.get("total_chunk_count") or 0),
    }
    media = SandboxMedia.objects.create(
        account=request.sandbox_token.account,
        media_id=f"v_pub_file~v2-1.{services.numeric_id()}",
        size=int(source.get("video_size", 0)),
        content_type="video/mp4",
        state=state,
    )
    if source.get("source") == "PULL_FROM_URL":
        services.pull(media=media, url=source.get("video_url", ""))
        media.received = media.size
    data = {"publish_id": media.media_id}
    if source.get("source") == "FILE_UPLOAD":
        data["upload_url"] = request.build_absolute_uri(f"/sandbox/tiktok/api/upload/{media.pk}/")
    return envelope(data)


@api(errors)
def content_init(request):
    body = json.loads(request.body or b"{}")
    problem = _check_post_info(body.get("post_info", {}))
    if problem:
        return problem
    if body.get("media_type") != "PHOTO" or not body.get("source_info", {}).get("photo_images"):
        return envelope({}, 400, "invalid_params", "photo_images is required")
    info = body["post_info"]
    state = {
        "kind": "photo",
        "caption": info.get("description", "") or info.get("title", ""),
        "privacy": info["privacy_level"],
        "photos": body["source_info"]["photo_images"],
    }
    account = request.sandbox_token.account
    photos = []
    for url in state["photos"]:  # TikTok pulls every photo now
        photo = SandboxMedia.objects.create(
            account=account, media_id=f"photo-{services.numeric_id()}", state={"kind": "photo"}
        )
        services.pull(media=photo, url=url)
        photos.append(photo.media_id)
    state["photos"] = photos
    media = SandboxMedia.objects.create(
        account=account, media_id=f"p_pub_url~v2.{services.numeric_id()}", state=state
    )
    return envelope({"publish_id": media.media_id})


@open_endpoint
def upload(request, media_pk):
    """The FILE_UPLOAD target: Content-Range chunks in order; 206 until the last one."""
    media = SandboxMedia.objects.filter(pk=media_pk).first()
    match = re.match(r"bytes (\d+)-(\d+)/(\d+)", request.headers.get("Content-Range", ""))
    if media is None or request.method != "PUT" or not match:
        return HttpResponse(status=400)
    first, last, total = (int(group) for group in match.groups())
    index = media.state.get("next_part", 0)
    chunk, chunks = media.state.get("chunk_size", 0), media.state.get("chunks", 1)
    expected_last = total - 1 if index == chunks - 1 else first + chunk - 1
    if (
        first != media.received
        or total != media.size
        or len(request.body) != last - first + 1
        or first != index * chunk
        or last != expected_last
    ):
        return HttpResponse(status=416)  # out of order, or not the announced chunk size
    services.receive_part(media=media, index=index, data=request.body)
    if media.received == media.size:
        services.complete_upload(media=media)  # processing starts when the last byte arrives
        return HttpResponse(status=201)
    return HttpResponse(status=206)


def _check_chunks(source: dict) -> str:
    """TikTok's rules: chunks of 5-64 MB (a file under 5 MB is one chunk), the count is
    floor(size / chunk_size) and the last chunk takes the rest (up to 128 MB)."""
    size, chunk = int(source.get("video_size") or 0), int(source.get("chunk_size") or 0)
    count = int(source.get("total_chunk_count") or 0)
    if size <= 0 or chunk <= 0:
        return "video_size and chunk_size are required"
    if size < 5 * MB and (chunk != size or count != 1):
        return "a video under 5 MB is uploaded as one chunk"
    if size >= 5 * MB and not (5 * MB <= chunk <= 64 * MB) and chunk != size:
        return "chunk_size must be 5-64 MB"
    if count != max(size // chunk, 1):
        return "total_chunk_count must be floor(video_size / chunk_size)"
    if size - (count - 1) * chunk > 128 * MB:
        return "the last chunk may be at most 128 MB"
    return ""


MB = 1024 * 1024


@api(errors)
def status_fetch(request):
    body = json.loads(request.body or b"{}")
    media = SandboxMedia.objects.filter(
        account=request.sandbox_token.account, media_id=body.get("publish_id")
    ).first()
    if media is None:
        return errors.not_found()
    if media.state.get("source") == "FILE_UPLOAD" and media.received < media.size:
        return envelope({"status": "PROCESSING_UPLOAD", "uploaded_bytes": media.received})
    if media.is_processing:
        return envelope({"status": "PROCESSING_DOWNLOAD"})
    post_id = media.state.get("post_id") or _publish(media)
    public = [int(post_id)] if media.state["privacy"] != "SELF_ONLY" else []
    return envelope({"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": public})


def _publish(media: SandboxMedia) -> str:
    post = services.create_post(
        account=media.account,
        kind=media.state["kind"],
        text=media.state["caption"],
        media=media.state.get("photos", [media.media_id]),
        extra={"privacy": media.state["privacy"]},
    )
    media.state = {**media.state, "post_id": post.post_id}
    media.save(update_fields=["state"])
    return post.post_id


def _video_json(post: SandboxPost) -> dict:
    return {
        "id": post.post_id,
        "title": post.text[:90],
        "video_description": post.text,
        "share_url": f"https://www.tiktok.com/@{post.account.username}/video/{post.post_id}",
        "create_time": int(post.created_at.timestamp()),
        "view_count": post.metric("views", 40),
        "like_count": post.metric("likes", 3),
        "comment_count": post.metric("comments", 0.3),
        "share_count": post.metric("shares", 0.2),
    }


@api(errors)
def video_query(request):
    body = json.loads(request.body or b"{}")
    ids = body.get("filters", {}).get("video_ids", [])[:20]
    posts = SandboxPost.objects.filter(
        account=request.sandbox_token.account,
        post_id__in=[str(i) for i in ids],
        deleted_at__isnull=True,
    )
    return envelope({"videos": [_video_json(p) for p in posts]})


@api(errors)
def video_list(request):
    body = json.loads(request.body or b"{}")
    posts = SandboxPost.objects.filter(
        account=request.sandbox_token.account, deleted_at__isnull=True
    )[: int(body.get("max_count", 20))]
    return envelope({"videos": [_video_json(p) for p in posts], "cursor": 0, "has_more": False})
