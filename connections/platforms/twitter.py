"""X (Twitter) API v2: OAuth 2.0 + PKCE, tweets and threads, media upload, metrics."""

from __future__ import annotations

import contextlib
import time
from dataclasses import asdict

from connections.platforms.base import (
    AccountInfo,
    PendingPublish,
    PermanentError,
    Platform,
    PlatformError,
    PostGoneError,
    PostRequest,
    PublishedItem,
    PublishResult,
    ReauthError,
    RecentPost,
    RetryableError,
    TokenSet,
    retry_after_epoch,
)

CHUNK_SIZE = 1024 * 1024  # the docs' 1 MB APPEND segments
PROBLEM = "https://api.x.com/2/problems/"
# An uploaded media id is reused by a retry only while X keeps it at least this much longer:
# the retry may wait for a rate limit, and a tweet naming an expired id is rejected.
MEDIA_REUSE_MARGIN_SECS = 15 * 60
# Body strings X uses for content it will never accept (a retry cannot help).
CONTENT_REJECTIONS = (
    "duplicate content",
    "not permitted to perform this action",
    "maximum of 4 items",
    "invalid URL",
    "longer than 2 minutes",
    "user-suspended",
)


class Twitter(Platform):
    name = "twitter"
    label = "X"
    scopes = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"]
    uses_pkce = True
    auth_path = "/i/oauth2/authorize"
    setting_hint = (
        "TWITTER_CLIENT_ID and TWITTER_CLIENT_SECRET (an OAuth 2.0 app on developer.x.com)"
    )

    # -- OAuth ---------------------------------------------------------------------------------

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        return self.token_request(self.url("api", "/2/oauth2/token"), data=data, auth=self._basic)

    def refresh(self, refresh_token: str) -> TokenSet:
        # Single-use: the answer carries a new refresh token; the old one is dead from now on.
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.token_request(self.url("api", "/2/oauth2/token"), data=data, auth=self._basic)

    @property
    def _basic(self) -> tuple[str, str]:
        return (self.client_id, self.client_secret)

    def revoke(self, connection) -> None:
        token = connection.refresh_token or connection.access_token
        data = {"token": token, "client_id": self.client_id}
        self.request("POST", self.url("api", "/2/oauth2/revoke"), data=data, auth=self._basic)

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        url = self.url("api", "/2/users/me", **{"user.fields": "username,name,profile_image_url"})
        user = self.request("GET", url, token=tokens.access_token).json()["data"]
        return [
            AccountInfo(
                entity_id=user["id"],
                username=f"@{user['username']}",
                display_name=user.get("name", ""),
                avatar_url=user.get("profile_image_url", ""),
                extra={"handle": user["username"]},
            )
        ]

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PublishResult | PendingPublish:
        """Post a tweet or a thread (each item replies to the previous); resume after
        ``request.already_published``. Each tweet carries its own media (``thread_media``;
        by default all of it on the first tweet). Every asset a tweet still to post needs is
        uploaded once, before the first of them goes out (or reused from
        ``request.already_uploaded`` while X still holds it); a video still processing
        returns a pending handle, and the tweets are posted when it is ready. A failure
        carries what was uploaded (``error.uploaded``) so the retry does not upload it again."""
        texts = self._texts(request)
        done = list(request.already_published)
        groups = tweet_media_groups(request, len(texts))
        needed = sorted({index for group in groups[len(done) :] for index in group})
        uploads = dict(request.already_uploaded)
        with reporting_uploads(uploads):
            uploaded, pending_video = self._upload_all(connection, request.media, needed, uploads)
            tweet_media = [
                [uploaded[i] for i in group] if position >= len(done) else []
                for position, group in enumerate(groups)
            ]
            if pending_video:
                state = {
                    "texts": texts,
                    "tweet_media": tweet_media,
                    "done": [asdict(item) for item in done],
                    "uploaded": uploads,
                }
                return PendingPublish(self.name, pending_video["id"], state, pending_video["after"])
            return self._post_texts(connection, texts, tweet_media, done)

    def check_pending(self, connection, pending: PendingPublish) -> PublishResult | PendingPublish:
        info = self._media_status(connection, pending.handle)
        state = info.get("state")
        if state == "failed":
            error = info.get("error", {}).get("message", "media processing failed")
            raise PermanentError(f"X could not process the video: {error}", code="media_failed")
        if state != "succeeded":
            pending.check_after = int(info.get("check_after_secs", 5))
            return pending
        stored = pending.state
        # Rows stored before per-tweet media kept one list for the first tweet.
        tweet_media = stored.get("tweet_media") or [stored.get("media_ids", [])]
        done = [PublishedItem(**item) for item in stored.get("done", [])]
        uploads = stored.get("uploaded", {})
        for record in uploads.values():
            if record["media_id"] == pending.handle:
                record["ready"] = True  # a retry may attach it at once
        with reporting_uploads(uploads):
            return self._post_texts(connection, stored["texts"], tweet_media, done)

    def _texts(self, request: PostRequest) -> list[str]:
        first = request.text
        if request.link and request.link not in first:
            first = f"{first}\n\n{request.link}".strip()
        return [first, *request.thread]

    def _post_texts(self, connection, texts, tweet_media, done) -> PublishResult:
        items = list(done)
        for index in range(len(done), len(texts)):
            body: dict = {"text": texts[index]}
            media_ids = tweet_media[index] if index < len(tweet_media) else []
            if media_ids:
                body["media"] = {"media_ids": media_ids}
            if items:
                body["reply"] = {"in_reply_to_tweet_id": items[-1].post_id}
            try:
                data = self.call(connection, "POST", self.url("api", "/2/tweets"), json=body)
            except PlatformError as exc:
                exc.published = items  # what went out, so a retry resumes after it
                raise
            tweet_id = data.json()["data"]["id"]
            items.append(PublishedItem(tweet_id, self.post_url(connection, tweet_id)))
        return PublishResult(items[0].post_id, items[0].post_url, items)

    def post_url(self, connection, tweet_id: str) -> str:
        handle = connection.extra.get("handle") or connection.username.lstrip("@") or "i"
        return f"https://x.com/{handle}/status/{tweet_id}"

    # -- media ---------------------------------------------------------------------------------

    def _upload_all(
        self, connection, media, needed: list[int], uploads: dict[str, dict]
    ) -> tuple[dict, dict | None]:
        """Upload ``media[i]`` for each needed index, once, unless ``uploads`` (filled in as
        it goes) holds an id X still keeps for it: ``{index: media id}``, and the video still
        processing, if any."""
        ids, pending = {}, None
        for index in needed:
            item = media[index]
            record = uploads.get(str(index))
            if not reusable(record, item):
                record = self._upload(connection, item)
                uploads[str(index)] = record
            if not record["ready"]:
                pending = {"id": record["media_id"], "after": record.get("check_after", 5)}
            ids[index] = record["media_id"]
        return ids, pending

    def _upload(self, connection, item) -> dict:
        """Upload one asset: its record (``upload_record``)."""
        if not item.is_video:
            data = self._upload_image(connection, item)
            return upload_record(
                item, data["id"], ready=True, expires_after=data.get("expires_after_secs")
            )
        started, finalized = self._upload_chunked(connection, item)
        processing = finalized.get("processing_info")
        record = upload_record(
            item,
            started["id"],
            ready=not processing or processing.get("state") == "succeeded",
            expires_after=finalized.get("expires_after_secs", started.get("expires_after_secs")),
        )
        if processing:
            record["check_after"] = int(processing.get("check_after_secs", 5))
        return record

    def _upload_image(self, connection, media) -> dict:
        files = {"media": (media.filename, media.bytes_or_fail(), media.content_type)}
        data = {
            "media_category": "tweet_gif" if media.content_type == "image/gif" else "tweet_image"
        }
        response = self.call(
            connection, "POST", self.url("api", "/2/media/upload"), data=data, files=files
        )
        return response.json()["data"]

    def _upload_chunked(self, connection, media) -> tuple[dict, dict]:
        """INITIALIZE, APPEND every segment, FINALIZE: both answers' ``data``."""
        init = {
            "media_type": media.content_type,
            "total_bytes": media.byte_size,
            "media_category": "tweet_video",
        }
        url = self.url("api", "/2/media/upload/initialize")
        started = self.call(connection, "POST", url, json=init).json()["data"]
        media_id = started["id"]
        # Streamed: one 1 MB segment in memory at a time, in order (segment_index 0..999).
        for index, (_, chunk) in enumerate(media.chunks(CHUNK_SIZE)):
            self.call(
                connection,
                "POST",
                self.url("api", f"/2/media/upload/{media_id}/append"),
                data={"segment_index": str(index)},
                files={"media": (media.filename, chunk, "application/octet-stream")},
            )
        url = self.url("api", f"/2/media/upload/{media_id}/finalize")
        finalized = self.call(connection, "POST", url).json().get("data", {})
        return started, finalized

    def _media_status(self, connection, media_id: str) -> dict:
        url = self.url("api", "/2/media/upload", command="STATUS", media_id=media_id)
        return self.call(connection, "GET", url).json()["data"].get("processing_info", {})

    # -- delete, metrics, history --------------------------------------------------------------

    def delete(self, connection, post_id: str) -> None:
        self.delete_post_at(connection, "DELETE", self.url("api", f"/2/tweets/{post_id}"))

    def metrics(self, connection, post_id: str) -> dict:
        fields = "public_metrics,non_public_metrics"
        url = self.url("api", f"/2/tweets/{post_id}", **{"tweet.fields": fields})
        body = self.call_about_post(connection, "GET", url).json()
        if "data" not in body:
            raise lookup_error(body)
        tweet = body["data"]
        public = tweet.get("public_metrics", {})
        private = tweet.get("non_public_metrics", {})
        return {
            "likes": public.get("like_count", 0),
            "retweets": public.get("retweet_count", 0),
            "replies": public.get("reply_count", 0),
            "quotes": public.get("quote_count", 0),
            "bookmarks": public.get("bookmark_count", 0),
            "impressions": public.get("impression_count", private.get("impression_count", 0)),
            "urlClicks": private.get("url_link_clicks", 0),
            "profileClicks": private.get("user_profile_clicks", 0),
        }

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        params = {
            "max_results": max(5, min(limit, 100)),
            "tweet.fields": "created_at",
            "exclude": "retweets,replies",
        }
        url = self.url("api", f"/2/users/{connection.entity_id}/tweets", **params)
        tweets = self.call(connection, "GET", url).json().get("data", [])
        return [
            RecentPost(tweet["id"], tweet["text"], self.post_url(connection, tweet["id"]))
            for tweet in tweets[:limit]
        ]

    # -- errors --------------------------------------------------------------------------------

    def classify(self, response, body):
        problem = body.get("type", "") if isinstance(body, dict) else ""
        detail = (body.get("detail") or body.get("title") or "") if isinstance(body, dict) else ""
        detail = detail or response.text[:300]
        status = response.status_code
        if status == 429 or problem in (f"{PROBLEM}rate-limit-exceeded", f"{PROBLEM}usage-capped"):
            wait = retry_after_epoch(response.headers.get("x-rate-limit-reset"))
            return RetryableError(f"X rate limit: {detail}", retry_after=wait, code="429")
        if "Unsupported Authentication" in detail:
            return ReauthError(f"X rejected the token: {detail}")
        if status == 401:
            return ReauthError(f"X rejected the token: {detail}", refreshable=True, code="401")
        if status in (400, 403) and any(text in detail for text in CONTENT_REJECTIONS):
            return PermanentError(f"X rejected the post: {detail}", code=str(status))
        if status == 404:
            return PermanentError(f"X: {detail or 'not found'}", code="404")
        return None


@contextlib.contextmanager
def reporting_uploads(uploads: dict[str, dict]):
    """A failure from here on carries the media uploaded so far, for the engine to keep."""
    try:
        yield
    except PlatformError as exc:
        exc.uploaded = uploads
        raise


def upload_record(item, media_id: str, *, ready: bool, expires_after) -> dict:
    """What a retry needs to reuse an upload: the id, when X drops it (an answer without
    ``expires_after_secs`` is never reused: no guessing), which file it was."""
    return {
        "media_id": str(media_id),
        "expires_at": int(time.time()) + int(expires_after) if expires_after else 0,
        "filename": item.filename,
        "size": item.byte_size,
        "ready": ready,
    }


def reusable(record: dict | None, item) -> bool:
    """An earlier upload of this very file that X keeps long enough for the tweet to go out."""
    if not record:
        return False
    same_file = record.get("filename") == item.filename and record.get("size") == item.byte_size
    left = record.get("expires_at", 0) - time.time()
    return same_file and left > MEDIA_REUSE_MARGIN_SECS


def tweet_media_groups(request: PostRequest, tweets: int) -> list[list[int]]:
    """Which of ``request.media`` each tweet carries: as chosen, or all on the first tweet."""
    if request.thread_media:
        chosen = [list(group) for group in request.thread_media[:tweets]]
        return chosen + [[] for _ in range(tweets - len(chosen))]
    everything = list(range(len(request.media)))
    return [everything] + [[] for _ in range(tweets - 1)]


def lookup_error(body: dict) -> PermanentError:
    """A lookup answered 200 with ``errors`` and no ``data`` (a deleted tweet: "Not Found Error",
    type resource-not-found); other errors (a protected or suspended author) are permanent."""
    errors = body.get("errors") or [{}]
    first = errors[0]
    detail = first.get("detail") or first.get("title") or "X returned no tweet"
    if first.get("title") == "Not Found Error" or first.get("type", "").endswith(
        "/resource-not-found"
    ):
        return PostGoneError(f"X: {detail}", code="404")
    return PermanentError(f"X: {detail}", code=first.get("title", ""))
