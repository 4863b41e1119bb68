"""Sandbox Reddit: OAuth (Basic auth, permanent refresh tokens), submit, media lease, S3, info."""

from __future__ import annotations

import base64
import json
import re
import time

from django.http import HttpResponse, JsonResponse
from django.utils.text import slugify

from connections.sandbox import services
from connections.sandbox.models import SandboxMedia, SandboxPost
from connections.sandbox.views.common import Errors, api, open_endpoint, token_json


class RedditErrors(Errors):
    def unauthorized(self):
        return JsonResponse({"message": "Unauthorized", "error": 401}, status=401)

    def rate_limited(self, retry_after, limit=None):
        response = JsonResponse({"message": "Too Many Requests", "error": 429}, status=429)
        response["X-Ratelimit-Reset"] = str(retry_after)
        response["X-Ratelimit-Remaining"] = "0"
        response["X-Ratelimit-Used"] = str(limit or 100)
        return response

    def server_error(self):
        return JsonResponse({"message": "Internal Server Error", "error": 500}, status=500)

    def rejected(self):
        # Reddit reports submit failures inside an HTTP 200.
        return submit_errors(["ALREADY_SUB", "that link has already been submitted", "url"])

    def not_found(self):
        return JsonResponse({"message": "Not Found", "error": 404}, status=404)


errors = RedditErrors()


def submit_errors(*errors_list) -> JsonResponse:
    return JsonResponse({"json": {"errors": [list(e) for e in errors_list]}})


def _client_ok(request) -> bool:
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return False
    client_id, _, secret = base64.b64decode(value or b"").decode().partition(":")
    return bool(client_id and secret)


@open_endpoint
def access_token(request):
    if not _client_ok(request):
        return JsonResponse({"message": "Unauthorized", "error": 401}, status=401)
    data = request.POST
    try:
        if data.get("grant_type") == "refresh_token":
            issued = services.refresh(
                platform="reddit", refresh_token=data.get("refresh_token", "")
            )
            body = token_json(issued)
            body.pop("refresh_token", None)  # Reddit keeps the same refresh token
            return JsonResponse(body)
        issued = services.redeem_code(
            code=data.get("code", ""), redirect_uri=data.get("redirect_uri", "")
        )
    except services.SandboxError:
        return JsonResponse({"error": "invalid_grant"}, status=400)
    return JsonResponse(token_json(issued))


@open_endpoint
def revoke_token(request):
    services.revoke_token(request.POST.get("token", ""))
    return HttpResponse(status=204)


@api(errors)
def me(request):
    account = request.sandbox_token.account
    return JsonResponse(
        {
            "name": account.username,
            "id": account.entity_id,
            "icon_img": services.picture_url(account),
        }
    )


def _permalink(post: SandboxPost) -> str:
    return f"/r/{post.target}/comments/{post.post_id}/{slugify(post.title)[:40]}/"


@api(errors)
def submit(request):
    data = request.POST
    account = request.sandbox_token.account
    subreddit = data.get("sr", "")
    if not subreddit or subreddit.lower() in {"doesnotexist", "nosuchsub"}:
        return submit_errors(["SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr"])
    if not data.get("title") or len(data["title"]) > 300:
        return submit_errors(["TOO_LONG", "this is too long (max: 300)", "title"])
    kind = data.get("kind", "self")
    if kind == "video" and not data.get("video_poster_url"):
        return submit_errors(["NO_POSTER", "a video needs a poster image", "video_poster_url"])
    media = []
    if kind in ("image", "video", "videogif"):
        media = _uploaded(account, [data.get("url", ""), data.get("video_poster_url", "")])
        if not media:
            return submit_errors(["NO_MEDIA", "that media was never uploaded", "url"])
    post = services.create_post(
        media=media,
        account=account,
        post_id=services.base36_id(),
        kind=kind,
        text=data.get("text", ""),
        title=data["title"],
        link=data.get("url", ""),
        target=subreddit,
        extra={"flair": data.get("flair_text") or data.get("flair_id", "")},
    )
    if kind in ("image", "video", "videogif"):
        # Media posts only get a websocket URL back; the id shows up in the user's listing.
        return JsonResponse(
            {
                "json": {
                    "errors": [],
                    "data": {
                        "websocket_url": f"wss://ws-sandbox.redditmedia.com/{post.post_id}",
                        "user_submitted_page": f"https://www.reddit.com/user/{account.username}/submitted/",
                    },
                }
            }
        )
    url = f"https://www.reddit.com{_permalink(post)}"
    return JsonResponse(
        {
            "json": {
                "errors": [],
                "data": {"url": url, "id": post.post_id, "name": f"t3_{post.post_id}"},
            }
        }
    )


def _uploaded(account, urls: list[str]) -> list[str]:
    """The media ids behind uploaded media URLs (.../s3/sandbox/<media_id>/<file>)."""
    ids = [m.group(1) for url in urls if (m := re.search(r"/s3/sandbox/([a-z0-9]+)/", url or ""))]
    found = SandboxMedia.objects.filter(account=account, media_id__in=ids, storage_name__gt="")
    return [media_id for media_id in ids if media_id in {m.media_id for m in found}]


@api(errors)
def submit_gallery(request):
    """POST /api/submit_gallery_post.json: a JSON body with 2-20 uploaded images."""
    body = json.loads(request.body or b"{}")
    account = request.sandbox_token.account
    items = body.get("items") or []
    if not body.get("sr") or not body.get("title"):
        return submit_errors(["BAD_REQUEST", "sr and title are required", "sr"])
    if not 2 <= len(items) <= 20:
        return submit_errors(["BAD_GALLERY", "a gallery has 2 to 20 items", "items"])
    found = SandboxMedia.objects.filter(
        account=account, media_id__in=[i.get("media_id") for i in items], storage_name__gt=""
    )
    if found.count() != len(items):
        return submit_errors(["NO_MEDIA", "an item was never uploaded", "items"])
    post = services.create_post(
        account=account,
        post_id=services.base36_id(),
        kind="gallery",
        text=body.get("text", ""),
        title=body["title"],
        target=body["sr"],
        media=[item["media_id"] for item in items],
    )
    url = f"https://www.reddit.com{_permalink(post)}"
    return JsonResponse({"json": {"errors": [], "data": {"url": url, "id": post.post_id}}})


@api(errors)
def media_asset(request):
    media = SandboxMedia.objects.create(
        account=request.sandbox_token.account,
        media_id=services.base36_id(),
        content_type=request.POST.get("mimetype", ""),
        state={"filepath": request.POST.get("filepath", "")},
    )
    action = "//" + request.get_host() + "/sandbox/reddit/api/s3"
    fields = [
        {"name": "key", "value": f"sandbox/{media.media_id}/{media.state['filepath']}"},
        {"name": "acl", "value": "public-read"},
        {"name": "Content-Type", "value": media.content_type},
    ]
    return JsonResponse(
        {
            "args": {"action": action, "fields": fields},
            "asset": {"asset_id": media.media_id, "websocket_url": ""},
        }
    )


@open_endpoint
def s3_upload(request):
    if not request.META.get("CONTENT_LENGTH"):  # S3's POST form takes no chunked bodies
        return HttpResponse(
            "<Error><Code>MissingContentLength</Code></Error>",
            status=411,
            content_type="application/xml",
        )
    if "file" not in request.FILES or not request.POST.get("key"):
        return HttpResponse(
            "<Error><Code>InvalidArgument</Code></Error>",
            status=400,
            content_type="application/xml",
        )
    match = re.match(r"sandbox/([a-z0-9]+)/", request.POST["key"])
    media = SandboxMedia.objects.filter(media_id=match.group(1) if match else "").first()
    if media is None:
        return HttpResponse(
            "<Error><Code>AccessDenied</Code></Error>", status=403, content_type="application/xml"
        )
    upload = request.FILES["file"]
    services.store_file(media=media, upload=upload, content_type=media.content_type)
    location = f"https://sandbox-s3.example/{request.POST['key']}"
    return HttpResponse(
        f"<PostResponse><Location>{location}</Location><Key>{request.POST['key']}</Key></PostResponse>",
        status=201,
        content_type="application/xml",
    )


@api(errors)
def delete(request):
    post = services.live_post(
        [request.sandbox_token.account_id], request.POST.get("id", "").removeprefix("t3_")
    )
    if post is not None:
        services.delete_post(post=post)
    return JsonResponse({})


def _thing(post: SandboxPost) -> dict:
    ups = post.metric("ups", 2)
    ratio = 0.7 + (post.metric("ratio", 0) % 30) / 100
    return {
        "kind": "t3",
        "data": {
            "id": post.post_id,
            "name": f"t3_{post.post_id}",
            "title": post.title,
            "selftext": post.text,
            "subreddit": post.target,
            "permalink": _permalink(post),
            "url": post.link or f"https://www.reddit.com{_permalink(post)}",
            "score": int(ups * (2 * ratio - 1)),
            "ups": ups,
            "upvote_ratio": round(ratio, 2),
            "num_comments": post.metric("comments", 0.3),
            "created_utc": post.created_at.timestamp(),
            "author": post.account.username,
            "removed_by_category": None,
        },
    }


def _deleted_thing(post: SandboxPost) -> dict:
    """A submission its author deleted: Reddit keeps it in listings by id, with the author and
    body blanked and ``removed_by_category`` "deleted"."""
    thing = _thing(post)
    thing["data"].update(author="[deleted]", selftext="[deleted]", removed_by_category="deleted")
    return thing


@api(errors)
def info(request):
    ids = [i.removeprefix("t3_") for i in request.GET.get("id", "").split(",") if i]
    # By id, deleted submissions still answer (blanked); unknown ids are simply left out.
    posts = SandboxPost.objects.filter(
        account=request.sandbox_token.account, post_id__in=ids
    ).select_related("account")
    children = [_deleted_thing(p) if p.deleted_at else _thing(p) for p in posts]
    return JsonResponse({"kind": "Listing", "data": {"children": children, "after": None}})


@api(errors)
def submitted(request, username):
    posts = SandboxPost.objects.filter(
        account=request.sandbox_token.account, deleted_at__isnull=True
    ).select_related("account")[: int(request.GET.get("limit", 25))]
    return JsonResponse(
        {
            "kind": "Listing",
            "data": {
                "children": [_thing(p) for p in posts],
                "after": None,
                "dist": len(posts),
                "before": None,
                "modhash": str(int(time.time())),
            },
        }
    )
