"""Sandbox Meta Graph API, shared by the Facebook and Instagram sandboxes."""

from __future__ import annotations

import json
import math

import requests
from django.http import JsonResponse

from connections.sandbox import services
from connections.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from connections.sandbox.views.common import Errors, api, open_endpoint, token_json


class GraphErrors(Errors):
    def _error(self, status, message, code, subcode=None, headers=None):
        error = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "SANDBOX",
        }
        if subcode:
            error["error_subcode"] = subcode
        response = JsonResponse({"error": error}, status=status)
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    def unauthorized(self):
        return self._error(
            401,
            "Error validating access token: The session has been invalidated because the user "
            "changed their password or Facebook has changed the session for security reasons.",
            190,
            460,
        )

    def rate_limited(self, retry_after, limit=None):
        minutes = max(math.ceil(retry_after / 60), 1)
        usage = json.dumps(
            {
                "sandbox": [
                    {"type": "pages", "call_count": 100, "estimated_time_to_regain_access": minutes}
                ]
            }
        )
        return self._error(
            400,
            "(#32) Page request limit reached",
            32,
            headers={"X-Business-Use-Case-Usage": usage},
        )

    def server_error(self):
        return self._error(
            500, "An unexpected error has occurred. Please retry your request later.", 2
        )

    def rejected(self):
        return self._error(400, "(#506) Duplicate status message", 506)

    def not_found(self):
        return self._error(400, "Unsupported get request. Object does not exist", 100, 33)


errors = GraphErrors()


@open_endpoint
def access_token(request, platform, version):
    """Code -> short-lived user token; fb_exchange_token -> long-lived (60 day) token."""
    params = request.GET
    if params.get("grant_type") == "fb_exchange_token":
        short = services.authenticate(f"Bearer {params.get('fb_exchange_token', '')}")
        if short is None:
            return errors.unauthorized()
        return JsonResponse(token_json(services.issue_token(short.account)))
    try:
        issued = services.redeem_code(
            code=params.get("code", ""), redirect_uri=params.get("redirect_uri", "")
        )
    except services.SandboxError as exc:
        return errors._error(400, f"Invalid verification code format. ({exc.message})", 100)
    body = token_json(issued)
    body["expires_in"] = 3600  # short-lived user token
    return JsonResponse(body)


@api(errors)
def graph(request, platform, version, path):
    token = request.sandbox_token
    parts = path.strip("/").split("/")
    if parts[0] == "me":
        return _me(request, token, parts[1:])
    node = SandboxAccount.objects.filter(platform=platform, entity_id=parts[0]).first()
    if node is not None:
        if not services.can_act_for(token, node):
            return errors._error(403, "(#200) Requires pages_manage_posts permission", 200)
        handler = EDGES.get((request.method, parts[1] if len(parts) > 1 else ""))
        return handler(request, node) if handler else errors.not_found()
    if len(parts) == 1:
        return _object(request, token, parts[0])
    if parts[1] == "insights":
        return _insights(request, token, parts[0])
    return errors.not_found()


def _me(request, token, rest):
    account = token.account
    if not rest:
        return JsonResponse({"id": account.entity_id, "name": account.display_name})
    if rest == ["permissions"] and request.method == "DELETE":
        services.revoke_tokens(account)
        return JsonResponse({"success": True})
    if rest == ["accounts"]:
        return JsonResponse({"data": [_page_json(child) for child in account.children.all()]})
    return errors.not_found()


def _page_json(child: SandboxAccount) -> dict:
    if child.platform == "instagram":  # the Facebook page an Instagram business account hangs off
        business = {
            "id": child.entity_id,
            "username": child.username,
            "name": child.display_name,
            "profile_picture_url": services.picture_url(child),
        }
        return {
            "id": f"page-{child.entity_id}",
            "name": f"{child.display_name} page",
            "instagram_business_account": business,
        }
    page_token = services.issue_token(child, lifetime=False)  # page tokens do not expire
    return {
        "id": child.entity_id,
        "name": child.display_name,
        "access_token": page_token.access_token,
        "tasks": ["CREATE_CONTENT", "MANAGE"],
        "picture": {"data": {"url": services.picture_url(child)}},
    }


def _owned(token):
    return [token.account_id, *token.account.children.values_list("pk", flat=True)]


def _object(request, token, object_id):
    post = services.live_post(_owned(token), object_id)
    if post is not None:
        if request.method == "DELETE":
            services.delete_post(post=post)
            return JsonResponse({"success": True})
        return JsonResponse(_post_json(post, request.GET.get("fields", "")))
    container = SandboxMedia.objects.filter(account__in=_owned(token), media_id=object_id).first()
    if container is not None:
        return JsonResponse(_container_json(container))
    return errors.not_found()


def _post_json(post: SandboxPost, fields: str) -> dict:
    data = {
        "id": post.post_id,
        "permalink": post.extra.get("permalink", ""),
        "permalink_url": post.extra.get("permalink", ""),
    }
    if "reactions" in fields:
        data["reactions"] = {"data": [], "summary": {"total_count": post.metric("reactions", 0.8)}}
        data["comments"] = {"data": [], "summary": {"total_count": post.metric("comments", 0.1)}}
        data["shares"] = {"count": post.metric("shares", 0.05)}
    return data


def _container_json(container: SandboxMedia) -> dict:
    state = container.state
    if state.get("published_id"):
        status = "PUBLISHED"
    elif state.get("error"):
        status = "ERROR"
    else:
        status = "IN_PROGRESS" if _processing(container) else "FINISHED"
    return {"id": container.media_id, "status_code": status, "status": state.get("error", status)}


def _feed(request, page):
    data = request.POST
    kind = "photos" if data.get("attached_media") else ("link" if data.get("link") else "text")
    media = [m["media_fbid"] for m in json.loads(data.get("attached_media") or "[]")]
    return JsonResponse(
        _create(
            page, kind=kind, text=data.get("message", ""), link=data.get("link", ""), media=media
        )
    )


def _create(page, **fields) -> dict:
    post_id = f"{page.entity_id}_{services.numeric_id()}"
    permalink = f"https://www.facebook.com/{post_id}"
    services.create_post(account=page, post_id=post_id, extra={"permalink": permalink}, **fields)
    return {"id": post_id, "permalink_url": permalink}


def _received(request, page, *, url_field: str, kind: str) -> SandboxMedia:
    """The photo or video the Graph API was given: pulled from its URL, or the upload."""
    media = SandboxMedia.objects.create(
        account=page, media_id=services.numeric_id(), state={"kind": kind}
    )
    upload = request.FILES.get("source")
    if upload is not None:
        services.store_whole(media=media, data=upload.read(), content_type=upload.content_type)
    else:
        services.pull(media=media, url=request.POST[url_field])
    return media


def _photos(request, page):
    data = request.POST
    if not (data.get("url") or request.FILES.get("source")):
        return errors._error(400, "(#324) Requires upload file", 324)
    photo = _received(request, page, url_field="url", kind="photo")
    if data.get("published") == "false":
        return JsonResponse({"id": photo.media_id})
    created = _create(page, kind="photo", text=data.get("message", ""), media=[photo.media_id])
    return JsonResponse({"id": photo.media_id, "post_id": created["id"]})


def _videos(request, page):
    data = request.POST
    phase = data.get("upload_phase")
    if phase:
        return RESUMABLE.get(phase, _unknown_phase)(request, page)
    if not (data.get("file_url") or request.FILES.get("source")):
        return errors._error(400, "(#100) file_url or source is required", 100)
    video = _received(request, page, url_field="file_url", kind="video")
    _post_video(page, video, data.get("description", ""))
    return JsonResponse({"id": video.media_id})


def _post_video(page, video: SandboxMedia, description: str) -> None:
    services.create_post(
        account=page, post_id=video.media_id, kind="video", text=description, media=[video.media_id]
    )


# Resumable upload: Facebook hands out the byte range of each chunk; the uploader must send
# exactly that range, in order, then finish. (Facebook sizes chunks itself; here 1 MB.)
RESUMABLE_CHUNK_BYTES = 1024 * 1024


def _upload_start(request, page):
    size = int(request.POST.get("file_size") or 0)
    if size <= 0:
        return errors._error(400, "(#100) file_size is required for upload_phase=start", 100)
    video = SandboxMedia.objects.create(
        account=page,
        media_id=services.numeric_id(),
        size=size,
        content_type="video/mp4",
        state={"kind": "video", "session": services.numeric_id()},
    )
    return JsonResponse(
        {
            "video_id": video.media_id,
            "upload_session_id": video.state["session"],
            **_next_range(video),
        }
    )


def _next_range(video: SandboxMedia) -> dict:
    first = video.received
    return {
        "start_offset": str(first),
        "end_offset": str(min(first + RESUMABLE_CHUNK_BYTES, video.size)),
    }


def _session(request, page) -> SandboxMedia | None:
    session = request.POST.get("upload_session_id", "")
    return SandboxMedia.objects.filter(account=page, state__session=session).first()


def _upload_transfer(request, page):
    video = _session(request, page)
    chunk = request.FILES.get("video_file_chunk")
    if video is None or chunk is None:
        return errors._error(400, "(#100) upload_session_id and video_file_chunk are required", 100)
    expected = _next_range(video)
    if request.POST.get("start_offset") != expected["start_offset"]:
        # Facebook's answer to a chunk sent from the wrong place: the range it wants.
        return errors._error(
            400,
            f"(#6000) Start offset {request.POST.get('start_offset')} is wrong; "
            f"expected {expected['start_offset']}",
            6000,
            1363037,
        )
    wanted = int(expected["end_offset"]) - int(expected["start_offset"])
    try:
        services.receive_part(
            media=video,
            index=video.state.get("next_part", 0),
            data=chunk.read(),
            expected_size=wanted,
        )
    except services.SandboxError as exc:
        return errors._error(400, f"(#6000) {exc.message}", 6000, 1363019)
    return JsonResponse(_next_range(video))


def _upload_finish(request, page):
    video = _session(request, page)
    if video is None:
        return errors._error(400, "(#100) upload_session_id is unknown", 100)
    if video.received != video.size:
        return errors._error(
            400, f"(#6000) {video.received} of {video.size} bytes were uploaded", 6000, 1363040
        )
    services.complete_upload(media=video)
    _post_video(page, video, request.POST.get("description", ""))
    return JsonResponse({"success": True})


def _unknown_phase(request, page):
    return errors._error(400, "(#100) upload_phase must be start, transfer or finish", 100)


RESUMABLE = {"start": _upload_start, "transfer": _upload_transfer, "finish": _upload_finish}


def _posts(request, page):
    posts = SandboxPost.objects.filter(account=page, deleted_at__isnull=True)[
        : int(request.GET.get("limit", 25))
    ]
    rows = [
        {
            "id": p.post_id,
            "message": p.text,
            "permalink_url": p.extra.get("permalink", ""),
            "permalink": p.extra.get("permalink", ""),
            "caption": p.text,
            "created_time": p.created_at.isoformat(),
        }
        for p in posts
    ]
    return JsonResponse({"data": rows})


def _ig_media(request, account):
    """A container: Instagram fetches image_url/video_url now (cURL, as Meta does)."""
    data = request.POST
    media_type = data.get("media_type", "IMAGE")
    children: list[str] = []
    if media_type == "CAROUSEL":
        children = [c for c in data.get("children", "").split(",") if c]
        if not 2 <= len(children) <= 10:
            return errors._error(400, "carousel needs 2-10 children", 100, 2207028)
        found = SandboxMedia.objects.filter(account=account, media_id__in=children)
        if found.count() != len(children) or any(_processing(c) for c in found):
            return errors._error(400, "carousel children are not ready", 100, 2207026)
    elif not (data.get("image_url") or data.get("video_url")):
        return errors._error(400, "image_url or video_url is required", 100, 2207023)
    container = SandboxMedia.objects.create(
        account=account,
        media_id=services.numeric_id(),
        content_type="video/mp4" if data.get("video_url") else "",
        state={
            "media_type": media_type,
            "caption": data.get("caption", ""),
            "children": children,
            "child": data.get("is_carousel_item") == "true",
        },
    )
    if not children:
        try:
            services.pull(media=container, url=data.get("image_url") or data["video_url"])
        except (services.SandboxError, requests.RequestException):
            return errors._error(400, "Media download has failed.", 9004, 2207052)
    return JsonResponse({"id": container.media_id})


def _processing(container: SandboxMedia) -> bool:
    """Videos (reels, video carousel items) take a few seconds; images are ready at once."""
    return container.is_processing and container.state.get("media_type") in ("REELS", "VIDEO")


def _ig_publish(request, account):
    container = SandboxMedia.objects.filter(
        account=account, media_id=request.POST.get("creation_id")
    ).first()
    if container is None:
        return errors.not_found()
    if _processing(container):
        return errors._error(400, "Media ID is not available", 9007, 2207027)
    if container.state.get("published_id"):
        return errors._error(400, "The media has already been published", 100)
    kind = {"REELS": "reel", "CAROUSEL": "carousel"}.get(container.state["media_type"], "image")
    media_id = services.numeric_id()
    path = "reel" if kind == "reel" else "p"
    services.create_post(
        account=account,
        post_id=media_id,
        kind=kind,
        text=container.state["caption"],
        media=container.state.get("children") or [container.media_id],
        extra={"permalink": f"https://www.instagram.com/{path}/{media_id}/"},
    )
    container.state = {**container.state, "published_id": media_id}
    container.save(update_fields=["state"])
    return JsonResponse({"id": media_id})


def _insights(request, token, media_id):
    post = services.live_post(_owned(token), media_id)
    if post is None:
        return errors.not_found()
    rates = {"views": 30, "reach": 20, "likes": 1.5, "comments": 0.2, "shares": 0.1, "saved": 0.3}
    values = {name: post.metric(name, rate) for name, rate in rates.items()}
    values["total_interactions"] = (
        values["likes"] + values["comments"] + values["shares"] + values["saved"]
    )
    wanted = request.GET.get("metric", "").split(",")
    rows = [
        {"name": name, "period": "lifetime", "values": [{"value": values[name]}]}
        for name in wanted
        if name in values
    ]
    return JsonResponse({"data": rows})


EDGES = {
    ("POST", "feed"): _feed,
    ("POST", "photos"): _photos,
    ("POST", "videos"): _videos,
    ("GET", "posts"): _posts,
    ("POST", "media"): _ig_media,
    ("GET", "media"): _posts,
    ("POST", "media_publish"): _ig_publish,
}
