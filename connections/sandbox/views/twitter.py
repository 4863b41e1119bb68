"""Sandbox X API v2."""

from __future__ import annotations

import json
import time

from django.http import JsonResponse

from connections.sandbox import services
from connections.sandbox.models import SandboxMedia, SandboxPost
from connections.sandbox.views.common import Errors, api, open_endpoint, token_json

PROBLEMS = "https://api.x.com/2/problems/"


class TwitterErrors(Errors):
    def _problem(self, status, title, detail, kind="about:blank", headers=None):
        response = JsonResponse(
            {"title": title, "detail": detail, "type": kind, "status": status}, status=status
        )
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    def unauthorized(self):
        return self._problem(401, "Unauthorized", "Unauthorized")

    def rate_limited(self, retry_after, limit=None):
        headers = {
            "x-rate-limit-limit": str(limit or 100),
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(time.time()) + retry_after),
        }
        return self._problem(
            429, "Too Many Requests", "Too Many Requests", f"{PROBLEMS}rate-limit-exceeded", headers
        )

    def server_error(self):
        return self._problem(503, "Service Unavailable", "Service Unavailable")

    def rejected(self):
        return self._problem(
            403,
            "Forbidden",
            "You are not allowed to create a Tweet with duplicate content.",
            f"{PROBLEMS}not-authorized-for-resource",
        )

    def not_found(self):
        return self._problem(
            404, "Not Found Error", "Could not find tweet", f"{PROBLEMS}resource-not-found"
        )

    def lookup_not_found(self, tweet_id: str):
        """A lookup of a missing or deleted tweet: HTTP 200, ``errors`` and no ``data``."""
        error = {
            "value": tweet_id,
            "detail": f"Could not find tweet with id: [{tweet_id}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "id",
            "resource_id": tweet_id,
            "type": f"{PROBLEMS}resource-not-found",
        }
        return JsonResponse({"errors": [error]})


errors = TwitterErrors()


@open_endpoint
def token(request):
    data = request.POST
    try:
        if data.get("grant_type") == "refresh_token":
            issued = services.refresh(
                platform="twitter", refresh_token=data.get("refresh_token", "")
            )
        else:
            issued = services.redeem_code(
                code=data.get("code", ""),
                redirect_uri=data.get("redirect_uri", ""),
                code_verifier=data.get("code_verifier", ""),
            )
    except services.SandboxError as exc:
        return JsonResponse(
            {"error": "invalid_request", "error_description": exc.message}, status=400
        )
    return JsonResponse(token_json(issued))


@open_endpoint
def revoke(request):
    services.revoke_token(request.POST.get("token", ""))
    return JsonResponse({"revoked": True})


@api(errors)
def me(request):
    account = request.sandbox_token.account
    return JsonResponse(
        {
            "data": {
                "id": account.entity_id,
                "username": account.username,
                "name": account.display_name,
                "profile_image_url": services.picture_url(account),
            }
        }
    )


@api(errors)
def tweets(request):
    body = json.loads(request.body or b"{}")
    unknown = set(body) - {"text", "media", "reply", "reply_settings", "poll"}
    if unknown or not (body.get("text") or body.get("media")):
        return errors._problem(
            400,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
            f"{PROBLEMS}invalid-request",
        )
    media_ids = body.get("media", {}).get("media_ids", [])
    ready = [
        m
        for m in SandboxMedia.objects.filter(
            account=request.sandbox_token.account, media_id__in=media_ids
        )
        if m.state.get("complete") and not (m.is_video and m.is_processing)
    ]
    if len(ready) != len(media_ids) or len(set(media_ids)) != len(media_ids):
        return errors._problem(
            400, "Invalid Request", "Your media IDs are invalid.", f"{PROBLEMS}invalid-request"
        )
    if not fits_one_tweet(ready):
        return errors._problem(
            400,
            "Invalid Request",
            "Your Tweet cannot have more than 4 images, or more than 1 video or GIF, or mix "
            "them (a maximum of 4 items).",
            f"{PROBLEMS}invalid-request",
        )
    post = services.create_post(
        account=request.sandbox_token.account,
        kind="reply" if body.get("reply") else ("media" if media_ids else "text"),
        text=body.get("text", ""),
        media=media_ids,
        reply_to=body.get("reply", {}).get("in_reply_to_tweet_id", ""),
    )
    return JsonResponse(
        {"data": {"id": post.post_id, "text": post.text, "edit_history_tweet_ids": [post.post_id]}},
        status=201,
    )


def fits_one_tweet(media: list[SandboxMedia]) -> bool:
    """X's rule per tweet: up to 4 images, or exactly one video or GIF on its own."""
    moving = [m for m in media if m.is_video or m.content_type == "image/gif"]
    return len(media) <= 4 and (not moving or len(media) == 1)


@api(errors)
def tweet(request, tweet_id):
    post = services.live_post([request.sandbox_token.account_id], tweet_id)
    if post is None and request.method == "DELETE":
        return errors.not_found()
    if post is None:
        return errors.lookup_not_found(tweet_id)
    if request.method == "DELETE":
        services.delete_post(post=post)
        return JsonResponse({"data": {"deleted": True}})
    return JsonResponse({"data": tweet_json(post, metrics=True)})


def tweet_json(post: SandboxPost, metrics: bool = False) -> dict:
    data = {"id": post.post_id, "text": post.text, "created_at": post.created_at.isoformat()}
    if metrics:
        data["public_metrics"] = {
            "retweet_count": post.metric("retweets", 0.2),
            "reply_count": post.metric("replies", 0.1),
            "like_count": post.metric("likes", 1.0),
            "quote_count": post.metric("quotes", 0.05),
            "bookmark_count": post.metric("bookmarks", 0.1),
            "impression_count": post.metric("impressions", 25),
        }
        data["non_public_metrics"] = {
            "impression_count": post.metric("impressions", 25),
            "url_link_clicks": post.metric("clicks", 0.5),
            "user_profile_clicks": post.metric("profile", 0.2),
        }
    return data


@api(errors)
def user_tweets(request, user_id):
    posts = SandboxPost.objects.filter(
        account=request.sandbox_token.account, deleted_at__isnull=True, reply_to=""
    )[: int(request.GET.get("max_results", 10))]
    return JsonResponse(
        {"data": [tweet_json(p) for p in posts], "meta": {"result_count": len(posts)}}
    )


@api(errors)
def media_upload(request):
    account = request.sandbox_token.account
    if request.method == "GET":  # command=STATUS
        media = SandboxMedia.objects.filter(
            account=account, media_id=request.GET.get("media_id")
        ).first()
        if media is None:
            return errors.not_found()
        return JsonResponse({"data": {"id": media.media_id, "processing_info": processing(media)}})
    if "media" not in request.FILES:
        return errors._problem(
            400, "Invalid Request", "media is required", f"{PROBLEMS}invalid-request"
        )
    upload = request.FILES["media"]
    media = SandboxMedia.objects.create(
        account=account, media_id=services.numeric_id(), state={"ready": True}
    )
    services.store_whole(media=media, data=upload.read(), content_type=upload.content_type)
    return JsonResponse(
        {
            "data": {
                "id": media.media_id,
                "media_key": f"3_{media.media_id}",
                "expires_after_secs": 86400,
            }
        }
    )


def processing(media: SandboxMedia) -> dict:
    if media.is_processing:
        return {"state": "in_progress", "check_after_secs": 2, "progress_percent": 50}
    return {"state": "succeeded", "progress_percent": 100}


@api(errors)
def media_initialize(request):
    body = json.loads(request.body or b"{}")
    media = SandboxMedia.objects.create(
        account=request.sandbox_token.account,
        media_id=services.numeric_id(),
        size=int(body.get("total_bytes", 0)),
        content_type=body.get("media_type", ""),
    )
    return JsonResponse(
        {
            "data": {
                "id": media.media_id,
                "media_key": f"7_{media.media_id}",
                "expires_after_secs": 86400,
            }
        }
    )


@api(errors)
def media_append(request, media_id):
    media = SandboxMedia.objects.filter(
        account=request.sandbox_token.account, media_id=media_id
    ).first()
    if media is None or "media" not in request.FILES:
        return errors.not_found()
    try:
        index = int(request.POST.get("segment_index", ""))
        services.receive_part(media=media, index=index, data=request.FILES["media"].read())
    except (ValueError, services.SandboxError) as exc:
        detail = getattr(exc, "message", "segment_index must be an integer 0-999")
        return errors._problem(400, "Invalid Request", detail, f"{PROBLEMS}invalid-request")
    return JsonResponse({"data": {"expires_at": int(time.time()) + 86400}})


@api(errors)
def media_finalize(request, media_id):
    media = SandboxMedia.objects.filter(
        account=request.sandbox_token.account, media_id=media_id
    ).first()
    if media is None:
        return errors.not_found()
    if media.received != media.size:
        return errors._problem(
            400,
            "Invalid Request",
            "segments do not add up to total_bytes",
            f"{PROBLEMS}invalid-request",
        )
    services.complete_upload(media=media)  # joins the segments; processing starts now
    data = {
        "id": media.media_id,
        "media_key": f"7_{media.media_id}",
        "size": media.size,
        "expires_after_secs": 86400,
    }
    if media.is_video:
        data["processing_info"] = processing(media)
    return JsonResponse({"data": data})
