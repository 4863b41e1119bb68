"""LinkedIn: member profile + organization pages, Posts API, Images/Videos API, analytics."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

from connections.platforms.base import (
    AccountInfo,
    PendingPublish,
    PermanentError,
    Platform,
    PlatformError,
    PostRequest,
    PublishResult,
    ReauthError,
    RecentPost,
    RetryableError,
    TokenSet,
)

ADMIN_ROLES = {"ADMINISTRATOR", "CONTENT_ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER"}
RESERVED = "\\|{}@[]()<>#*_~"  # the "little" text format: unescaped, these truncate the post
# The organization lookup's fields; ``original~:playableStreams`` decorates the logo's image URN
# with its downloadable renditions (the page's picture, copied at connect like a profile's).
ORGANIZATION_FIELDS = "(id,localizedName,vanityName,logoV2(original,original~:playableStreams))"
WEB_URL = ("https://", "http://")  # the copy goes through dropspace.http, which vets the host
STILL_IMAGE = "com.linkedin.digitalmedia.mediaartifact.StillImage"
MEMBER_QUERY_TYPES = {
    "impressions": "IMPRESSION",
    "uniqueImpressions": "MEMBERS_REACHED",
    "likes": "REACTION",
    "comments": "COMMENT",
    "shares": "RESHARE",
}


def _stream_width(data: dict) -> int:
    return int(((data.get(STILL_IMAGE) or {}).get("storageSize") or {}).get("width") or 0)


def media_urns(content: dict | None) -> list[str]:
    """The image/video URNs a post's content refers to."""
    if not content:
        return []
    if "media" in content:
        return [content["media"]["id"]]
    return [image["id"] for image in content.get("multiImage", {}).get("images", [])]


def escape_little(text: str) -> str:
    return "".join(f"\\{char}" if char in RESERVED else char for char in text)


class LinkedIn(Platform):
    name = "linkedin"
    label = "LinkedIn"
    scopes = [
        "openid",
        "profile",
        "w_member_social",
        "r_member_postAnalytics",
        "w_organization_social",
        "r_organization_social",
        "rw_organization_admin",
    ]
    auth_path = "/oauth/v2/authorization"
    setting_hint = (
        "LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET (an app on linkedin.com/developers)"
    )

    def rest_headers(self) -> dict:
        return {
            "LinkedIn-Version": settings.LINKEDIN_API_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    # -- OAuth ---------------------------------------------------------------------------------

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        return self._token(grant_type="authorization_code", code=code, redirect_uri=redirect_uri)

    def refresh(self, refresh_token: str) -> TokenSet:
        # Only partner apps get refresh tokens; it does not rotate and lives 365 days from consent.
        return self._token(grant_type="refresh_token", refresh_token=refresh_token)

    def _token(self, **data) -> TokenSet:
        data.update(client_id=self.client_id, client_secret=self.client_secret)
        return self.token_request(self.url("auth", "/oauth/v2/accessToken"), data=data)

    def revoke(self, connection) -> None:
        data = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "token": connection.access_token,
        }
        self.request("POST", self.url("auth", "/oauth/v2/revoke"), data=data)

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        token = tokens.access_token
        me = self.request("GET", self.url("api", "/v2/userinfo"), token=token).json()
        person = f"urn:li:person:{me['sub']}"
        profile = AccountInfo(
            entity_id=person,
            username=me.get("name", ""),
            display_name=me.get("name", ""),
            avatar_url=me.get("picture", ""),
            extra={"author": person, "person": person},
        )
        return [profile, *self._organizations(token, person)]

    def _organizations(self, token: str, person: str) -> list[AccountInfo]:
        url = self.url("api", "/rest/organizationAcls", q="roleAssignee", state="APPROVED")
        try:
            acls = self.request("GET", url, token=token, headers=self.rest_headers()).json()
        except PermanentError:  # no organization scopes granted: profile only
            return []
        pages = []
        for acl in acls.get("elements", []):
            if acl.get("role") not in ADMIN_ROLES:
                continue
            org_urn = acl["organization"]
            org_id = org_urn.rsplit(":", 1)[-1]
            org = self.request(
                "GET",
                self.url("api", f"/rest/organizations/{org_id}", projection=ORGANIZATION_FIELDS),
                token=token,
                headers=self.rest_headers(),
            ).json()
            name = org.get("localizedName", org_id)
            pages.append(
                AccountInfo(
                    entity_id=org_urn,
                    account_type="organization",
                    username=org.get("vanityName", name),
                    display_name=name,
                    avatar_url=self._logo_url(token, org.get("logoV2") or {}),
                    extra={"author": org_urn, "person": person},
                )
            )
        return pages

    def _logo_url(self, token: str, logo: dict) -> str:
        """The company page's logo: the largest of the decorated ``original~`` streams, else
        the image URN looked up in the Images API ("" without a logo; a failed lookup is never
        worth a failed connect, the page shows its initial)."""
        streams = (logo.get("original~") or {}).get("elements") or []
        urls = [
            (stream.get("data") or {}, identifier.get("identifier", ""))
            for stream in streams
            for identifier in stream.get("identifiers") or []
            if identifier.get("identifier", "").startswith(WEB_URL)
        ]
        if urls:
            return max(urls, key=lambda pair: _stream_width(pair[0]))[1]
        urn = logo.get("original") or ""
        if not urn.startswith("urn:li:image:"):
            return ""
        try:
            image = self.request(
                "GET",
                self.url("api", f"/rest/images/{quote(urn, safe='')}"),
                token=token,
                headers=self.rest_headers(),
            ).json()
        except PlatformError:  # a 403 on the Images API must not fail the whole connect
            return ""
        url = image.get("downloadUrl") or ""
        return url if url.startswith(WEB_URL) else ""

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PublishResult | PendingPublish:
        """Post as the profile or the organization (``connection.entity_id`` is the author).

        Media is uploaded first; the post is created once LinkedIn says every image or video
        is AVAILABLE (checked by ``check_pending``, never by sleeping here)."""
        author = connection.entity_id
        body = {
            "author": author,
            "commentary": escape_little(request.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = self._content(connection, request, author)
        if content:
            body["content"] = content
        urns = media_urns(content)
        if urns:
            return PendingPublish(self.name, urns[0], {"body": body, "media": urns}, 3)
        return self._create_post(connection, body)

    def check_pending(self, connection, pending: PendingPublish) -> PublishResult | PendingPublish:
        for urn in pending.state["media"]:
            status = self._media_status(connection, urn)
            if status == "PROCESSING_FAILED":
                raise PermanentError(f"LinkedIn could not process {urn}", code="media_failed")
            if status != "AVAILABLE":
                return PendingPublish(self.name, urn, pending.state, 3)
        return self._create_post(connection, pending.state["body"])

    def _media_status(self, connection, urn: str) -> str:
        """The image's or video's status. A member token may not read /rest/images (Postiz
        saw 403s): then the upload is taken as done, as LinkedIn accepted it."""
        kind = "videos" if ":video:" in urn else "images"
        url = self.url("api", f"/rest/{kind}/{quote(urn, safe='')}")
        try:
            answer = self.request(
                "GET", url, token=connection.access_token, headers=self.rest_headers()
            )
        except ReauthError as exc:
            if exc.code != "403":
                raise
            return "AVAILABLE"
        return answer.json().get("status", "")

    def _create_post(self, connection, body: dict) -> PublishResult:
        response = self.call(
            connection,
            "POST",
            self.url("api", "/rest/posts"),
            json=body,
            headers=self.rest_headers(),
        )
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            raise PermanentError("LinkedIn accepted the post but returned no id", code="no_id")
        return PublishResult(urn, f"https://www.linkedin.com/feed/update/{urn}")

    def _content(self, connection, request: PostRequest, author: str) -> dict | None:
        videos = [m for m in request.media if m.is_video]
        images = [m for m in request.media if not m.is_video]
        if videos:
            return {"media": {"id": self._upload_video(connection, videos[0], author)}}
        if len(images) == 1:
            urn = self._upload_image(connection, images[0], author)
            return {"media": {"id": urn, "altText": images[0].alt_text}}
        if images:
            ids = [
                {"id": self._upload_image(connection, image, author), "altText": image.alt_text}
                for image in images[:20]
            ]
            return {"multiImage": {"images": ids}}
        if request.link:
            return {"article": {"source": request.link, "title": request.title or request.link}}
        return None

    def _upload_image(self, connection, media, author: str) -> str:
        url = self.url("api", "/rest/images", action="initializeUpload")
        payload = {"initializeUploadRequest": {"owner": author}}
        value = self.call(
            connection, "POST", url, json=payload, headers=self.rest_headers()
        ).json()["value"]
        self.call(connection, "PUT", value["uploadUrl"], data=media.bytes_or_fail())
        return value["image"]

    def _upload_video(self, connection, media, author: str) -> str:
        init = {
            "initializeUploadRequest": {
                "owner": author,
                "fileSizeBytes": media.byte_size,
                "uploadCaptions": False,
                "uploadThumbnail": False,
            }
        }
        url = self.url("api", "/rest/videos", action="initializeUpload")
        value = self.call(connection, "POST", url, json=init, headers=self.rest_headers()).json()[
            "value"
        ]
        etags = []
        for part in value["uploadInstructions"]:
            chunk = media.read_range(part["firstByte"], part["lastByte"])  # one part in memory
            headers = {"Content-Type": "application/octet-stream"}
            put = self.call(connection, "PUT", part["uploadUrl"], data=chunk, headers=headers)
            etags.append(put.headers.get("ETag", ""))
        finalize = {
            "finalizeUploadRequest": {
                "video": value["video"],
                "uploadToken": value.get("uploadToken", ""),
                "uploadedPartIds": etags,
            }
        }
        url = self.url("api", "/rest/videos", action="finalizeUpload")
        self.call(connection, "POST", url, json=finalize, headers=self.rest_headers())
        return value["video"]

    # -- delete, metrics, history --------------------------------------------------------------

    def delete(self, connection, post_id: str) -> None:
        url = self.url("api", f"/rest/posts/{quote(post_id, safe='')}")
        # LinkedIn itself answers 204 for a post already deleted; a 404 counts as deleted too.
        self.delete_post_at(connection, "DELETE", url, headers=self.rest_headers())

    def metrics(self, connection, post_id: str) -> dict:
        """The statistics endpoints answer 404 for a post that no longer exists (PostGoneError);
        an empty ``elements`` is a post with no numbers yet."""
        if connection.account_type == "organization":
            return self._organization_metrics(connection, post_id)
        return self._member_metrics(connection, post_id)

    def _organization_metrics(self, connection, post_id: str) -> dict:
        kind = "ugcPosts" if ":ugcPost:" in post_id else "shares"
        url = self.url(
            "api",
            "/rest/organizationalEntityShareStatistics",
            q="organizationalEntity",
            organizationalEntity=connection.entity_id,
            **{kind: f"List({quote(post_id, safe='')})"},
        )
        elements = self.call_about_post(connection, "GET", url, headers=self.rest_headers()).json()
        stats = (elements.get("elements") or [{}])[0].get("totalShareStatistics", {})
        return {
            "impressions": stats.get("impressionCount", 0),
            "uniqueImpressions": stats.get("uniqueImpressionsCount", 0),
            "likes": stats.get("likeCount", 0),
            "comments": stats.get("commentCount", 0),
            "shares": stats.get("shareCount", 0),
            "clicks": stats.get("clickCount", 0),
            "engagement": stats.get("engagement", 0),
        }

    def _member_metrics(self, connection, post_id: str) -> dict:
        kind = "ugc" if ":ugcPost:" in post_id else "share"
        metrics = {}
        for name, query_type in MEMBER_QUERY_TYPES.items():
            url = self.url(
                "api",
                "/rest/memberCreatorPostAnalytics",
                q="entity",
                entity=f"({kind}:{quote(post_id, safe='')})",
                queryType=query_type,
                aggregation="TOTAL",
            )
            data = self.call_about_post(connection, "GET", url, headers=self.rest_headers()).json()
            metrics[name] = (data.get("elements") or [{}])[0].get("count", 0)
        reach = metrics["impressions"] or 0
        interactions = metrics["likes"] + metrics["comments"] + metrics["shares"]
        metrics["clicks"] = 0  # not reported for member posts
        metrics["engagement"] = round(interactions / reach, 4) if reach else 0
        return metrics

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        url = self.url(
            "api", "/rest/posts", q="author", author=connection.entity_id, count=min(limit, 100)
        )
        data = self.call(connection, "GET", url, headers=self.rest_headers()).json()
        return [
            RecentPost(
                post["id"],
                post.get("commentary", ""),
                f"https://www.linkedin.com/feed/update/{post['id']}",
            )
            for post in data.get("elements", [])[:limit]
        ]

    # -- errors --------------------------------------------------------------------------------

    def classify(self, response, body):
        message = body.get("message", "") if isinstance(body, dict) else ""
        message = message or response.text[:300]
        status = response.status_code
        if status == 401:
            return ReauthError(f"LinkedIn rejected the token: {message}", refreshable=True)
        if status == 403:
            return ReauthError(
                f"LinkedIn denied access (missing permission or role): {message}", code="403"
            )
        if status == 422 or (status == 400 and "ILLEGAL_ARGUMENT" in response.text):
            return PermanentError(f"LinkedIn rejected the post: {message}", code=str(status))
        if status == 404:
            return PermanentError(f"LinkedIn: {message}", code="404")
        if status == 429:
            # Daily windows that reset at midnight UTC; LinkedIn sends no reset header.
            return RetryableError(
                f"LinkedIn rate limit: {message}",
                retry_after=self.retry_after(response),
                code="429",
            )
        return None
