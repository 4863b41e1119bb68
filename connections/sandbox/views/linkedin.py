"""Sandbox LinkedIn: OAuth, userinfo, organization ACLs, Images/Videos/Posts API, statistics."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from django.http import HttpResponse, JsonResponse

from connections.sandbox import services
from connections.sandbox.models import SandboxAccount, SandboxMedia, SandboxPost
from connections.sandbox.views.common import Errors, api, open_endpoint, token_json

PART_SIZE = 4 * 1024 * 1024


class LinkedInErrors(Errors):
    def _error(self, status, message, code="", service_code=0):
        body = {"status": status, "message": message}
        if code:
            body["code"] = code
        if service_code:
            body["serviceErrorCode"] = service_code
        return JsonResponse(body, status=status)

    def unauthorized(self):
        return self._error(
            401,
            "The token used in the request has been revoked by the user",
            "REVOKED_ACCESS_TOKEN",
            65601,
        )

    def rate_limited(self, retry_after, limit=None):
        response = self._error(
            429,
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        )
        response["Retry-After"] = str(retry_after)
        return response

    def server_error(self):
        return self._error(500, "Internal Server Error")

    def rejected(self):
        return self._error(422, "Content is a duplicate of urn:li:share:1", "DUPLICATE_POST")

    def not_found(self):
        return self._error(404, "Not Found", "NOT_FOUND")


errors = LinkedInErrors()


def urn_of(account: SandboxAccount) -> str:
    kind = "organization" if account.account_type == "organization" else "person"
    return f"urn:li:{kind}:{account.entity_id}"


def accounts_of(token) -> list[SandboxAccount]:
    return [token.account, *token.account.children.all()]


@open_endpoint
def access_token(request):
    data = request.POST
    if not data.get("client_id") or not data.get("client_secret"):
        return JsonResponse({"error": "invalid_client"}, status=401)
    try:
        if data.get("grant_type") == "refresh_token":
            issued = services.refresh(
                platform="linkedin", refresh_token=data.get("refresh_token", "")
            )
        else:
            issued = services.redeem_code(
                code=data.get("code", ""), redirect_uri=data.get("redirect_uri", "")
            )
    except services.SandboxError as exc:
        return JsonResponse(
            {"error": "invalid_grant", "error_description": exc.message}, status=400
        )
    return JsonResponse(token_json(issued, refresh_token_expires_in=365 * 86400))


@open_endpoint
def revoke(request):
    services.revoke_token(request.POST.get("token", ""))
    return HttpResponse(status=200)


@api(errors)
def userinfo(request):
    account = request.sandbox_token.account
    return JsonResponse(
        {
            "sub": account.entity_id,
            "name": account.display_name,
            "picture": services.picture_url(account),
            "email_verified": True,
        }
    )


@api(errors)
def organization_acls(request):
    orgs = request.sandbox_token.account.children.filter(account_type="organization")
    elements = [
        {
            "role": "ADMINISTRATOR",
            "state": "APPROVED",
            "organization": urn_of(org),
            "roleAssignee": urn_of(request.sandbox_token.account),
        }
        for org in orgs
    ]
    return JsonResponse({"elements": elements, "paging": {"count": len(elements), "start": 0}})


@api(errors)
def organization(request, org_id):
    org = request.sandbox_token.account.children.filter(entity_id=org_id).first()
    if org is None:
        return errors.not_found()
    logo = services.picture_url(org)
    return JsonResponse(
        {
            "id": int(org_id) if org_id.isdigit() else org_id,
            "localizedName": org.display_name,
            "vanityName": org.username,
            # As LinkedIn answers the ``original~:playableStreams`` projection: the image URN
            # and its renditions, each with its size and a download URL.
            "logoV2": {
                "original": f"urn:li:image:{org.entity_id}",
                "original~": {
                    "elements": [
                        {
                            "authorizationMethod": "PUBLIC",
                            "data": {
                                "com.linkedin.digitalmedia.mediaartifact.StillImage": {
                                    "storageSize": {"width": 200, "height": 200},
                                    "mediaType": "image/png",
                                }
                            },
                            "identifiers": [
                                {
                                    "identifier": logo,
                                    "identifierType": "EXTERNAL_URL",
                                    "mediaType": "image/png",
                                }
                            ],
                        }
                    ]
                },
            },
        }
    )


@api(errors)
def images(request):
    media = SandboxMedia.objects.create(
        account=request.sandbox_token.account,
        media_id=f"urn:li:image:{services.numeric_id()}",
        content_type="image/jpeg",
        state={"kind": "image"},
    )
    upload = request.build_absolute_uri(f"/sandbox/linkedin/api/upload/{media.pk}")
    return JsonResponse(
        {"value": {"uploadUrl": upload, "image": media.media_id, "uploadUrlExpiresAt": 0}}
    )


@api(errors)
def videos(request):
    body = json.loads(request.body or b"{}")
    account = request.sandbox_token.account
    if request.GET.get("action") == "finalizeUpload":
        final = body.get("finalizeUploadRequest", {})
        media = SandboxMedia.objects.filter(account=account, media_id=final.get("video")).first()
        parts = media.state.get("parts") if media else None
        if (
            media is None
            or len(final.get("uploadedPartIds", [])) != parts
            or media.state.get("next_part") != parts
        ):
            return errors._error(400, "uploadedPartIds do not match the upload", "ILLEGAL_ARGUMENT")
        services.complete_upload(media=media)  # joins the parts; processing starts now
        return HttpResponse(status=200)
    size = int(body.get("initializeUploadRequest", {}).get("fileSizeBytes", 0))
    parts = max((size + PART_SIZE - 1) // PART_SIZE, 1)
    media = SandboxMedia.objects.create(
        account=account,
        media_id=f"urn:li:video:{services.numeric_id()}",
        size=size,
        content_type="video/mp4",
        state={"kind": "video", "parts": parts},
    )
    upload = request.build_absolute_uri(f"/sandbox/linkedin/api/upload/{media.pk}")
    instructions = [
        {
            "uploadUrl": f"{upload}?part={n}",
            "firstByte": n * PART_SIZE,
            "lastByte": min((n + 1) * PART_SIZE, size) - 1,
        }
        for n in range(parts)
    ]
    return JsonResponse(
        {"value": {"video": media.media_id, "uploadInstructions": instructions, "uploadToken": ""}}
    )


@api(errors)
def upload(request, media_pk):
    media = SandboxMedia.objects.filter(pk=media_pk, account=request.sandbox_token.account).first()
    if media is None or request.method != "PUT":
        return errors.not_found()
    if media.state.get("kind") == "image":  # the Images API: the whole file in one PUT
        services.store_whole(media=media, data=request.body)
    else:
        index = int(request.GET.get("part", 0))
        last = min((index + 1) * PART_SIZE, media.size) - 1
        try:
            services.receive_part(
                media=media,
                index=index,
                data=request.body,
                expected_size=last - index * PART_SIZE + 1,
            )
        except services.SandboxError as exc:
            return errors._error(400, exc.message, "ILLEGAL_ARGUMENT")
    response = HttpResponse(status=201)
    response["ETag"] = f"etag-{media.pk}-{request.GET.get('part', 0)}"
    return response


@api(errors)
def posts(request):
    token = request.sandbox_token
    if request.method == "GET":
        author = request.GET.get("author", "")
        found = [a for a in accounts_of(token) if urn_of(a) == author]
        items = SandboxPost.objects.filter(account__in=found, deleted_at__isnull=True)[
            : int(request.GET.get("count", 10))
        ]
        return JsonResponse(
            {"elements": [{"id": p.post_id, "commentary": p.text, "author": author} for p in items]}
        )
    body = json.loads(request.body or b"{}")
    author = [a for a in accounts_of(token) if urn_of(a) == body.get("author")]
    if not author:
        return errors._error(403, "Not enough permissions to post as this author", "ACCESS_DENIED")
    if re.search(r"(?<!\\)[\[\]{}()<>#*_~|@]", body.get("commentary", "")):
        return errors._error(
            422, "commentary has unescaped reserved characters", "UNPROCESSABLE_ENTITY"
        )
    content = body.get("content", {})
    media = (
        [content["media"]["id"]]
        if "media" in content
        else [i["id"] for i in content.get("multiImage", {}).get("images", [])]
    )
    if media and _media_status_of(token, media) != {"AVAILABLE"}:
        return errors._error(400, "media is not AVAILABLE yet", "ILLEGAL_ARGUMENT")
    post = services.create_post(
        account=author[0],
        post_id=f"urn:li:share:{services.numeric_id()}",
        text=body.get("commentary", ""),
        kind="media" if media else ("link" if "article" in content else "text"),
        media=media,
        link=content.get("article", {}).get("source", ""),
    )
    response = HttpResponse(status=201)
    response["x-restli-id"] = post.post_id
    return response


@api(errors)
def post(request, urn):
    token = request.sandbox_token
    found = services.live_post([a.pk for a in accounts_of(token)], urn)
    if request.method == "DELETE":
        if found:
            services.delete_post(post=found)
        return HttpResponse(status=204)  # idempotent, as LinkedIn's
    return JsonResponse({"id": urn, "commentary": found.text}) if found else errors.not_found()


def _share_urn(value: str) -> str:
    # Rest.li wants the URN percent-encoded inside List(...) / (share:...): decode it first.
    match = re.search(r"urn:li:(share|ugcPost):\d+", unquote(value))
    return match.group(0) if match else ""


@api(errors)
def share_statistics(request):
    urn = _share_urn(request.GET.get("shares", "") or request.GET.get("ugcPosts", ""))
    found = services.live_post([a.pk for a in accounts_of(request.sandbox_token)], urn)
    if found is None:
        return errors.not_found()  # a deleted (or unknown) post
    stats = {
        "impressionCount": found.metric("impressions", 20),
        "uniqueImpressionsCount": found.metric("unique", 15),
        "clickCount": found.metric("clicks", 0.8),
        "likeCount": found.metric("likes", 0.6),
        "commentCount": found.metric("comments", 0.1),
        "shareCount": found.metric("shares", 0.05),
    }
    impressions = stats["impressionCount"] or 1
    stats["engagement"] = round(
        (stats["clickCount"] + stats["likeCount"] + stats["commentCount"] + stats["shareCount"])
        / impressions,
        4,
    )
    return JsonResponse({"elements": [{"share": urn, "totalShareStatistics": stats}]})


METRIC_TYPE_KEY = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"
MEMBER_METRICS = {
    "IMPRESSION": ("impressions", 20),
    "MEMBERS_REACHED": ("unique", 15),
    "REACTION": ("likes", 0.6),
    "COMMENT": ("comments", 0.1),
    "RESHARE": ("shares", 0.05),
}


@api(errors)
def member_analytics(request):
    urn = _share_urn(request.GET.get("entity", ""))
    found = services.live_post([request.sandbox_token.account_id], urn)
    if found is None:
        return errors.not_found()  # a deleted (or unknown) post
    name, rate = MEMBER_METRICS.get(request.GET.get("queryType", ""), ("other", 0))
    count = found.metric(name, rate)
    return JsonResponse(
        {
            "elements": [
                {
                    "count": count,
                    "metricType": {METRIC_TYPE_KEY: request.GET.get("queryType")},
                }
            ]
        }
    )


def _status(media: SandboxMedia) -> str:
    if not media.state.get("complete"):
        return "WAITING_UPLOAD"
    return "PROCESSING" if media.is_video and media.is_processing else "AVAILABLE"


def _media_status_of(token, urns: list[str]) -> set[str]:
    found = SandboxMedia.objects.filter(account__in=accounts_of(token), media_id__in=urns)
    statuses = {_status(media) for media in found}
    return statuses if found.count() == len(set(urns)) else {"MISSING"}


@api(errors)
def media_status(request, urn):
    """GET /rest/images/{urn} and /rest/videos/{urn}: WAITING_UPLOAD, PROCESSING, AVAILABLE."""
    media = SandboxMedia.objects.filter(
        account__in=accounts_of(request.sandbox_token), media_id=urn
    ).first()
    if media is None:
        return errors.not_found()
    return JsonResponse({"id": urn, "status": _status(media)})
