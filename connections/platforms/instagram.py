"""Instagram professional accounts (Facebook Login): container -> status -> publish."""

from __future__ import annotations

from connections.platforms.base import (
    AccountInfo,
    PendingPublish,
    PermanentError,
    PostRequest,
    PublishResult,
    RecentPost,
    RetryableError,
    TokenSet,
)
from connections.platforms.graph import GraphPlatform

# Container error subcodes worth another attempt (download timeouts, fetch failures).
RETRYABLE_SUBCODES = {"2207003", "2207032", "2207052", "2207053"}
INSIGHTS = "views,reach,likes,comments,shares,saved,total_interactions"


class Instagram(GraphPlatform):
    name = "instagram"
    label = "Instagram"
    scopes = [
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_insights",
        "pages_show_list",
        "pages_read_engagement",
        "business_management",
    ]
    supports_delete = False
    setting_hint = (
        "INSTAGRAM_CLIENT_ID and INSTAGRAM_CLIENT_SECRET (a Meta app with Instagram Graph API)"
    )

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        """The Instagram business/creator accounts linked to the user's pages."""
        fields = "id,name,instagram_business_account{id,username,name,profile_picture_url}"
        url = self.graph("/me/accounts", fields=fields)
        pages = self.request("GET", url, token=tokens.access_token).json().get("data", [])
        found = []
        for page in pages:
            account = page.get("instagram_business_account")
            if account:
                found.append(
                    AccountInfo(
                        entity_id=account["id"],
                        account_type="business",
                        username=f"@{account.get('username', account['id'])}",
                        display_name=account.get("name", ""),
                        avatar_url=account.get("profile_picture_url", ""),
                        extra={"page_id": page["id"]},
                    )
                )
        return found

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PendingPublish:
        """Create the containers (image, reel, or carousel children first); publishing
        happens in check_pending once Instagram has fetched and processed the media."""
        if not request.media:
            raise PermanentError("Instagram posts need an image or a video", code="no_media")
        urls = [media.public_url_or_fail(self.label) for media in request.media[:10]]
        if len(request.media) == 1:
            data = {**self._item(request.media[0], urls[0], carousel=False)}
            data["caption"] = request.text
            container = self._container(connection, data)
            return PendingPublish(self.name, container, {"stage": "publish"}, 10)
        children = [
            self._container(connection, self._item(media, url, carousel=True))
            for media, url in zip(request.media[:10], urls, strict=True)
        ]
        state = {"stage": "children", "children": children, "caption": request.text}
        return PendingPublish(self.name, children[0], state, 5)

    def _item(self, media, url: str, *, carousel: bool) -> dict:
        if media.is_video:
            data = {"media_type": "VIDEO" if carousel else "REELS", "video_url": url}
            if not carousel:
                data["share_to_feed"] = "true"
        else:
            data = {"image_url": url}
            if media.alt_text:
                data["alt_text"] = media.alt_text
        if carousel:
            data["is_carousel_item"] = "true"
        return data

    def _container(self, connection, data: dict) -> str:
        url = self.graph(f"/{connection.entity_id}/media")
        return self.call(connection, "POST", url, data=data).json()["id"]

    def _status(self, connection, container_id: str) -> dict:
        url = self.graph(f"/{container_id}", fields="status_code,status")
        return self.call(connection, "GET", url).json()

    def check_pending(self, connection, pending: PendingPublish) -> PublishResult | PendingPublish:
        if pending.state.get("stage") == "children":
            return self._check_children(connection, pending)
        container = self._status(connection, pending.handle)
        status = container.get("status_code")
        if status == "IN_PROGRESS":
            return pending
        if status == "PUBLISHED":  # published by an earlier attempt: never publish twice
            return self._latest(connection)
        if status != "FINISHED":
            raise self._container_error(status, container.get("status", ""))
        url = self.graph(f"/{connection.entity_id}/media_publish")
        media_id = self.call(connection, "POST", url, data={"creation_id": pending.handle}).json()[
            "id"
        ]
        return PublishResult(media_id, self._permalink(connection, media_id))

    def _check_children(self, connection, pending: PendingPublish) -> PendingPublish:
        """Carousel items must be FINISHED before the parent container can be made."""
        for child in pending.state["children"]:
            container = self._status(connection, child)
            status = container.get("status_code")
            if status == "IN_PROGRESS":
                return PendingPublish(self.name, child, pending.state, 5)
            if status != "FINISHED":
                raise self._container_error(status, container.get("status", ""))
        data = {
            "media_type": "CAROUSEL",
            "children": ",".join(pending.state["children"]),
            "caption": pending.state["caption"],
        }
        parent = self._container(connection, data)
        return PendingPublish(self.name, parent, {"stage": "publish"}, 5)

    def _container_error(self, status: str, detail: str):
        message = f"Instagram could not prepare the media ({status}): {detail}"
        if any(code in detail for code in RETRYABLE_SUBCODES):
            return RetryableError(message, code=status)
        return PermanentError(message, code=status or "ERROR")

    def _permalink(self, connection, media_id: str) -> str:
        url = self.graph(f"/{media_id}", fields="permalink")
        return self.call(connection, "GET", url).json().get("permalink", "")

    def _latest(self, connection) -> PublishResult:
        url = self.graph(f"/{connection.entity_id}/media", fields="id,permalink", limit=1)
        latest = self.call(connection, "GET", url).json()["data"][0]
        return PublishResult(latest["id"], latest.get("permalink", ""))

    def classify(self, response, body):
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and "viewers" in (error.get("message") or ""):
            # Code 10 normally means a missing permission, but on insights it means the post
            # has too few viewers for numbers yet: not a reason to ask for a reconnect.
            return PermanentError(error["message"], code="not_enough_viewers")
        return super().classify(response, body)

    # -- metrics, history ----------------------------------------------------------------------

    def metrics(self, connection, post_id: str) -> dict:
        url = self.graph(f"/{post_id}/insights", metric=INSIGHTS)
        try:
            data = self.call_about_post(connection, "GET", url).json().get("data", [])
        except PermanentError as exc:
            if exc.code != "not_enough_viewers":  # includes PostGoneError: the media is gone
                raise
            data = []
        values = {row["name"]: (row.get("values") or [{}])[0].get("value", 0) for row in data}
        return {
            "views": values.get("views", 0),
            "engagement": values.get("total_interactions", 0),
            "saved": values.get("saved", 0),
            "likes": values.get("likes", 0),
            "comments": values.get("comments", 0),
            "shares": values.get("shares", 0),
        }

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        url = self.graph(
            f"/{connection.entity_id}/media",
            fields="id,caption,permalink,timestamp",
            limit=min(limit, 100),
        )
        media = self.call(connection, "GET", url).json().get("data", [])
        return [
            RecentPost(m["id"], m.get("caption", ""), m.get("permalink", ""))
            for m in media
            if m.get("caption")
        ]
