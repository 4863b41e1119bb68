"""TikTok Content Posting API (Direct Post): creator info, video upload, photo posts."""

from __future__ import annotations

from connections.platforms.base import (
    AccountInfo,
    PendingPublish,
    PermanentError,
    Platform,
    PostGoneError,
    PostRequest,
    PublishResult,
    ReauthError,
    RecentPost,
    RetryableError,
    TikTokSettings,
    TokenSet,
    json_or_empty,
)

SINGLE_CHUNK_MAX = 64 * 1024 * 1024  # files up to 64 MB go as one chunk
CHUNK_SIZE = 10 * 1024 * 1024
REAUTH_CODES = {"scope_not_authorized", "scope_permission_missed"}
RETRY_LATER_CODES = {"spam_risk_too_many_posts", "spam_risk_too_many_pending_share"}
RETRYABLE_CODES = {"rate_limit_exceeded", "internal_error", "reached_active_user_cap"}


class TikTok(Platform):
    name = "tiktok"
    label = "TikTok"
    scopes = ["user.info.basic", "video.publish", "video.upload", "video.list"]
    scope_separator = ","
    uses_pkce = True
    auth_path = "/v2/auth/authorize/"
    supports_delete = False
    setting_hint = "TIKTOK_CLIENT_ID (client key) and TIKTOK_CLIENT_SECRET (developers.tiktok.com)"

    def authorization_params(self) -> dict:
        return {"client_key": self.client_id}  # TikTok's name for the client id

    # -- OAuth ---------------------------------------------------------------------------------

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        return self._token(data)

    def refresh(self, refresh_token: str) -> TokenSet:
        # The answer may carry a different refresh token: it is always stored.
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, data: dict) -> TokenSet:
        data.update(client_key=self.client_id, client_secret=self.client_secret)
        return self.token_request(self.url("api", "/v2/oauth/token/"), data=data)

    def revoke(self, connection) -> None:
        data = {
            "client_key": self.client_id,
            "client_secret": self.client_secret,
            "token": connection.access_token,
        }
        self.request("POST", self.url("api", "/v2/oauth/revoke/"), data=data)

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        fields = "open_id,union_id,avatar_url,display_name,username"
        url = self.url("api", "/v2/user/info/", fields=fields)
        user = self.request("GET", url, token=tokens.access_token).json()["data"]["user"]
        return [
            AccountInfo(
                entity_id=user["open_id"],
                username=f"@{user.get('username') or user.get('display_name', '')}",
                display_name=user.get("display_name", ""),
                avatar_url=user.get("avatar_url", ""),
            )
        ]

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PendingPublish:
        """Check creator info, then start a direct post of one video or of photos."""
        if not request.media:
            raise PermanentError("TikTok posts need a video or photos", code="no_media")
        creator = self.creator_info(connection)
        post_settings = request.tiktok or TikTokSettings()
        post_info = {
            "privacy_level": self._privacy(post_settings, creator),
            "disable_comment": post_settings.disable_comment or creator.get("comment_disabled"),
        }
        videos = [m for m in request.media if m.is_video]
        if videos:
            post_info.update(
                title=request.text,
                disable_duet=post_settings.disable_duet or creator.get("duet_disabled", False),
                disable_stitch=post_settings.disable_stitch
                or creator.get("stitch_disabled", False),
                is_aigc=post_settings.is_aigc,
            )
            publish_id = self._video(connection, videos[0], post_info)
        else:
            post_info.update(
                title=(request.title or request.text)[:90],
                description=request.text,
                auto_add_music=True,
            )
            publish_id = self._photos(connection, request.media, post_info)
        return PendingPublish(self.name, publish_id, {}, 15)

    def creator_info(self, connection) -> dict:
        url = self.url("api", "/v2/post/publish/creator_info/query/")
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        return self.call(connection, "POST", url, data=b"{}", headers=headers).json()["data"]

    def _privacy(self, post_settings: TikTokSettings, creator: dict) -> str:
        options = creator.get("privacy_level_options") or ["SELF_ONLY"]
        wanted = post_settings.privacy_level
        if wanted and wanted not in options:
            raise PermanentError(
                f"TikTok privacy level {wanted} is not available to this account "
                f"(allowed: {', '.join(options)})",
                code="privacy_level_option_mismatch",
            )
        if wanted:
            return wanted
        return "PUBLIC_TO_EVERYONE" if "PUBLIC_TO_EVERYONE" in options else options[0]

    def _video(self, connection, video, post_info: dict) -> str:
        """FILE_UPLOAD whenever we hold the bytes (PULL_FROM_URL needs a domain verified with
        TikTok); chunks of 10 MB (one chunk up to 64 MB), the last one taking the rest."""
        url = self.url("api", "/v2/post/publish/video/init/")
        if video.data is None and video.opener is None and video.url:
            body = {
                "post_info": post_info,
                "source_info": {"source": "PULL_FROM_URL", "video_url": video.url},
            }
            return self.call(connection, "POST", url, json=body).json()["data"]["publish_id"]
        size = video.byte_size
        chunk = size if size <= SINGLE_CHUNK_MAX else CHUNK_SIZE
        count = max(size // chunk, 1)
        source = {
            "source": "FILE_UPLOAD",
            "video_size": size,
            "chunk_size": chunk,
            "total_chunk_count": count,
        }
        data = self.call(
            connection, "POST", url, json={"post_info": post_info, "source_info": source}
        ).json()["data"]
        self._upload(data["upload_url"], video, chunk, count)
        return data["publish_id"]

    def _upload(self, upload_url: str, video, chunk: int, count: int) -> None:
        """PUT the chunks in order, one in memory at a time."""
        size = video.byte_size
        for index in range(count):
            first = index * chunk
            last = size - 1 if index == count - 1 else first + chunk - 1  # the last takes the rest
            headers = {
                "Content-Type": video.content_type,
                "Content-Range": f"bytes {first}-{last}/{size}",
            }
            self.request("PUT", upload_url, data=video.read_range(first, last), headers=headers)

    def _photos(self, connection, photos, post_info: dict) -> str:
        urls = [photo.public_url_or_fail(self.label) for photo in photos[:35]]
        body = {
            "media_type": "PHOTO",
            "post_mode": "DIRECT_POST",
            "post_info": post_info,
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_images": urls,
                "photo_cover_index": 0,
            },
        }
        url = self.url("api", "/v2/post/publish/content/init/")
        return self.call(connection, "POST", url, json=body).json()["data"]["publish_id"]

    def check_pending(self, connection, pending: PendingPublish) -> PublishResult | PendingPublish:
        url = self.url("api", "/v2/post/publish/status/fetch/")
        # A POST that only reads: a timeout here never leaves the post's outcome unknown.
        answer = self.call(
            connection, "POST", url, json={"publish_id": pending.handle}, read_only=True
        )
        data = answer.json()["data"]
        status = data.get("status")
        if status == "FAILED":
            reason = data.get("fail_reason", "unknown")
            message = f"TikTok could not publish: {reason}"
            if reason.endswith("_pull_failed"):
                raise RetryableError(message, code=reason)
            raise PermanentError(message, code=reason)
        if status not in ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX"):
            return pending
        ids = [str(i) for i in data.get("publicaly_available_post_id") or []]  # TikTok's spelling
        handle = connection.username.lstrip("@")
        if not ids:  # private (SELF_ONLY) posts never get a public id
            return PublishResult(pending.handle, f"https://www.tiktok.com/@{handle}")
        return PublishResult(ids[0], f"https://www.tiktok.com/@{handle}/video/{ids[0]}")

    # -- metrics, history ----------------------------------------------------------------------

    def metrics(self, connection, post_id: str) -> dict:
        """A deleted video is simply missing from video/query's ``videos`` (PostGoneError)."""
        if not post_id.isdigit():
            # A private (SELF_ONLY) post keeps its publish_id: TikTok never gives it a public
            # id, so there is nothing to ask, and its absence from video/query means nothing.
            return {"views": 0, "likes": 0, "comments": 0, "shares": 0}
        fields = "id,view_count,like_count,comment_count,share_count"
        url = self.url("api", "/v2/video/query/", fields=fields)
        body = {"filters": {"video_ids": [post_id]}}
        videos = self.call(connection, "POST", url, json=body).json()["data"].get("videos") or []
        if not videos:
            raise PostGoneError(f"TikTok video/query returned no video {post_id}", code="not_found")
        video = videos[0]
        return {
            "views": video.get("view_count", 0),
            "likes": video.get("like_count", 0),
            "comments": video.get("comment_count", 0),
            "shares": video.get("share_count", 0),
        }

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        fields = "id,title,video_description,share_url,create_time"
        url = self.url("api", "/v2/video/list/", fields=fields)
        body = {"max_count": min(limit, 20)}
        videos = self.call(connection, "POST", url, json=body).json()["data"].get("videos", [])
        return [
            RecentPost(
                str(v["id"]),
                v.get("video_description") or v.get("title", ""),
                v.get("share_url", ""),
            )
            for v in videos
        ]

    # -- errors --------------------------------------------------------------------------------

    def check_body(self, response) -> None:
        body = json_or_empty(response)
        if not isinstance(body, dict):
            return
        error = body.get("error")
        if isinstance(error, dict) and error.get("code") not in (None, "", "ok"):
            raise self.classify(response, body) or PermanentError(error.get("message", ""))
        if isinstance(error, str):  # the OAuth endpoints: {error, error_description}
            raise PermanentError(body.get("error_description") or error, code=error)

    def classify(self, response, body):
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, str):
            return PermanentError(body.get("error_description") or error, code=error)
        if not isinstance(error, dict):
            return None
        code = error.get("code", "")
        message = f"TikTok: {error.get('message') or code}"
        if code == "access_token_invalid":
            return ReauthError(message, refreshable=True, code=code)
        if code in REAUTH_CODES:
            return ReauthError(message, code=code)
        if code in RETRY_LATER_CODES:
            return RetryableError(message, retry_after=3600, code=code)
        if code in RETRYABLE_CODES or response.status_code >= 500:
            return RetryableError(message, retry_after=self.retry_after(response), code=code)
        return PermanentError(message, code=code)
