"""Reddit OAuth API: permanent refresh tokens, self/link/image/video submissions with flair."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from requests_toolbelt import MultipartEncoder

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
    json_or_empty,
    retry_after_header,
)

RATELIMIT_CODES = {"RATELIMIT", "SUBREDDIT_RATELIMIT"}
WAIT = re.compile(r"(\d+)\s*(second|minute|hour)")
UNITS = {"second": 1, "minute": 60, "hour": 3600}


class Reddit(Platform):
    name = "reddit"
    label = "Reddit"
    scopes = ["identity", "submit", "read", "edit", "flair", "history"]
    auth_path = "/api/v1/authorize"
    setting_hint = (
        "REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (a 'web app' at reddit.com/prefs/apps)"
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Reddit throttles or bans generic user agents: every call sends ours.
        self.session.headers["User-Agent"] = settings.REDDIT_USER_AGENT

    def authorization_params(self) -> dict:
        return {"duration": "permanent"}  # a refresh token that does not expire

    # -- OAuth ---------------------------------------------------------------------------------

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return self.token_request(self._token_url, data=data, auth=self._basic)

    def refresh(self, refresh_token: str) -> TokenSet:
        # Reusable and never rotated: the answer has no refresh token and the stored one stays.
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self.token_request(self._token_url, data=data, auth=self._basic)

    @property
    def _token_url(self) -> str:
        return self.url("auth", "/api/v1/access_token")

    @property
    def _basic(self) -> tuple[str, str]:
        return (self.client_id, self.client_secret)

    def revoke(self, connection) -> None:
        data = {"token": connection.refresh_token, "token_type_hint": "refresh_token"}
        self.request("POST", self.url("auth", "/api/v1/revoke_token"), data=data, auth=self._basic)

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        me = self.request("GET", self.url("api", "/api/v1/me"), token=tokens.access_token).json()
        return [
            AccountInfo(
                entity_id=me["id"],
                username=f"u/{me['name']}",
                display_name=me["name"],
                avatar_url=(me.get("icon_img") or "").split("?")[0],
                extra={"name": me["name"]},
            )
        ]

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PublishResult | PendingPublish:
        """One submission per subreddit (self, link or image/video), resuming after the
        subreddits in ``request.already_published``."""
        if not request.subreddits:
            raise PermanentError("choose at least one subreddit", code="no_subreddit")
        items = list(request.already_published)
        done = {item.target.lower() for item in items}
        uploaded = self._upload_media(connection, request)
        titles: dict[str, str] = {}
        for subreddit in request.subreddits:
            if subreddit.name.lower() in done:
                continue
            data = self._submission(request, subreddit, uploaded)
            titles[data["sr"]] = data["title"]
            try:
                items.append(self._submit(connection, data))
            except PlatformError as exc:
                exc.published = items  # the subreddits already done: a retry skips them
                raise
        return self._result_or_pending(items, titles)

    def _submission(self, request, subreddit, uploaded: Uploaded) -> dict:
        data = {
            "sr": subreddit.name.removeprefix("r/"),
            "title": (subreddit.title or request.title or request.text)[:300],
            "api_type": "json",
            "sendreplies": "true",
        }
        if subreddit.flair_id:
            data["flair_id"] = subreddit.flair_id
        if subreddit.flair_text:
            data["flair_text"] = subreddit.flair_text
        if uploaded.gallery:
            data["items"] = [{"media_id": asset_id, "caption": ""} for asset_id in uploaded.gallery]
            data.update(show_error_list=True, sendreplies=True)  # JSON: real booleans
            if request.text:
                data["text"] = request.text
        elif uploaded.url:
            data.update(kind="video" if uploaded.poster else "image", url=uploaded.url)
            if uploaded.poster:
                data["video_poster_url"] = uploaded.poster
        elif request.link:
            data.update(kind="link", url=request.link)
        else:
            data.update(kind="self", text=request.text)
        return data

    def _submit(self, connection, data: dict) -> PublishedItem:
        if "items" in data:  # a gallery: its own endpoint, with a JSON body
            url = self.url("api", "/api/submit_gallery_post.json")
            answer = self.call(connection, "POST", url, json=data).json()
        else:
            answer = self.call(connection, "POST", self.url("api", "/api/submit"), data=data).json()
        result = answer.get("json", {}).get("data", {})
        post_id = result.get("id") or post_id_from(result.get("url", ""))
        if post_id:
            return PublishedItem(post_id, result.get("url", ""), data["sr"])
        # Media submissions answer with a websocket URL only: find the post in our listing.
        return self._find_submitted(connection, data["sr"], data["title"])

    def _find_submitted(self, connection, subreddit: str, title: str) -> PublishedItem:
        name = connection.extra.get("name") or connection.display_name
        url = self.url("api", f"/user/{name}/submitted", sort="new", limit=10)
        listing = self.call(connection, "GET", url).json()
        for child in listing.get("data", {}).get("children", []):
            post = child["data"]
            if post.get("subreddit", "").lower() == subreddit.lower() and post["title"] == title:
                return PublishedItem(
                    post["id"], f"https://www.reddit.com{post['permalink']}", subreddit
                )
        # Accepted but not listed yet: the id comes later (see check_pending).
        return PublishedItem("", f"https://www.reddit.com/user/{name}/submitted", subreddit)

    def _result_or_pending(self, items, titles: dict) -> PublishResult | PendingPublish:
        if all(item.post_id for item in items):
            return PublishResult(items[0].post_id, items[0].post_url, items)
        state = {"items": [asdict(item) for item in items], "titles": titles}
        return PendingPublish(self.name, "submitted-listing", state, 15)

    def check_pending(self, connection, pending: PendingPublish) -> PublishResult | PendingPublish:
        """Media submissions that were not in the user's listing yet: look again, once."""
        items = [PublishedItem(**item) for item in pending.state["items"]]
        titles = pending.state["titles"]
        found = [
            item
            if item.post_id
            else self._find_submitted(connection, item.target, titles[item.target])
            for item in items
        ]
        return self._result_or_pending(found, titles)

    def _upload_media(self, connection, request: PostRequest) -> Uploaded:
        """Upload once for every subreddit: a video with its poster, one image, or every
        image of a gallery (2-20)."""
        videos = [m for m in request.media if m.is_video]
        images = [m for m in request.media if not m.is_video]
        if videos:
            poster = videos[0].thumbnail or (images[0] if images else None)
            if poster is None:
                raise PermanentError("Reddit videos need a thumbnail image", code="no_poster")
            url, _ = self._upload(connection, videos[0])
            return Uploaded(url=url, poster=self._upload(connection, poster)[0])
        if len(images) == 1:
            return Uploaded(url=self._upload(connection, images[0])[0])
        if images:
            return Uploaded(gallery=[self._upload(connection, m)[1] for m in images[:20]])
        return Uploaded()

    def _upload(self, connection, media) -> tuple[str, str]:
        """The upload lease, then the file to its S3 form: (media URL, asset id)."""
        data = {"filepath": media.filename, "mimetype": media.content_type}
        lease = self.call(
            connection, "POST", self.url("api", "/api/media/asset.json"), data=data
        ).json()
        args = lease["args"]
        action = args["action"]
        if action.startswith("//"):
            action = f"{urlsplit(self.hosts['api']).scheme}:{action}"
        fields = {field["name"]: field["value"] for field in args["fields"]}
        with media.reader() as handle:
            # Streamed from storage block by block (S3 needs the length: the encoder knows
            # it), the lease's fields first and the file last, as S3's POST form requires.
            body = MultipartEncoder(
                fields=[*fields.items(), ("file", (media.filename, handle, media.content_type))]
            )
            headers = {"Content-Type": body.content_type}
            self.request("POST", action, data=body, headers=headers)  # S3: 201 + XML, no token
        return f"{action}/{fields['key']}", lease.get("asset", {}).get("asset_id", "")

    # -- delete, metrics, history --------------------------------------------------------------

    def delete(self, connection, post_id: str) -> None:
        data = {"id": fullname(post_id)}  # Reddit answers 200 {} for a post already deleted
        self.delete_post_at(connection, "POST", self.url("api", "/api/del"), data=data)

    def metrics(self, connection, post_id: str) -> dict:
        url = self.url("api", "/api/info", id=fullname(post_id))
        children = self.call_about_post(connection, "GET", url).json()["data"]["children"]
        if not children:
            raise PostGoneError(f"Reddit has no post {fullname(post_id)}", code="not_found")
        post = children[0]["data"]
        gone = removal(post)
        if gone:
            raise PostGoneError(gone, code=post.get("removed_by_category") or "deleted")
        return {
            "score": post.get("score", 0),
            "upvotes": post.get("ups", 0),
            "upvoteRatio": post.get("upvote_ratio", 0),
            "comments": post.get("num_comments", 0),
        }

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        name = connection.extra.get("name") or connection.display_name
        url = self.url("api", f"/user/{name}/submitted", sort="new", limit=min(limit, 100))
        children = self.call(connection, "GET", url).json()["data"]["children"]
        return [
            RecentPost(
                c["data"]["id"],
                "\n\n".join(filter(None, [c["data"]["title"], c["data"].get("selftext", "")])),
                f"https://www.reddit.com{c['data']['permalink']}",
            )
            for c in children
        ]

    # -- errors --------------------------------------------------------------------------------

    def check_body(self, response) -> None:
        body = json_or_empty(response)
        errors = body.get("json", {}).get("errors") if isinstance(body, dict) else None
        if not errors:
            return
        code, message = errors[0][0], errors[0][1] if len(errors[0]) > 1 else errors[0][0]
        if code in RATELIMIT_CODES:
            raise RetryableError(f"Reddit: {message}", retry_after=parse_wait(message), code=code)
        raise PermanentError(f"Reddit rejected the post: {message}", code=code)

    def classify(self, response, body):
        status = response.status_code
        if status == 401:
            return ReauthError("Reddit rejected the token", refreshable=True, code="401")
        if status == 429:
            wait = retry_after_header(response.headers.get("X-Ratelimit-Reset"))
            return RetryableError("Reddit rate limit", retry_after=wait, code="429")
        if status == 403:
            return PermanentError(
                "Reddit refused (banned, private subreddit or missing scope)", code="403"
            )
        return None


@dataclass
class Uploaded:
    """What was uploaded for a submission: a media URL (+ a video's poster) or gallery ids."""

    url: str = ""
    poster: str = ""
    gallery: list[str] = field(default_factory=list)


def post_id_from(url: str) -> str:
    """The id in a permalink (/r/<sr>/comments/<id>/...)."""
    match = re.search(r"/comments/([a-z0-9]+)", url)
    return match.group(1) if match else ""


def removal(post: dict) -> str:
    """Why Reddit no longer shows a submission ("" when it does): a deleted one keeps its
    listing entry with author "[deleted]"; a removed one names ``removed_by_category``."""
    category = post.get("removed_by_category")
    if category:
        return f"Reddit: the post was removed ({category})"
    if post.get("author") == "[deleted]":
        return "Reddit: the post was deleted by its author"
    return ""


def fullname(post_id: str) -> str:
    return post_id if post_id.startswith("t3_") else f"t3_{post_id}"


def parse_wait(message: str) -> float | None:
    """'you are doing that too much. try again in 9 minutes.' -> 540."""
    match = WAIT.search(message)
    return float(match.group(1)) * UNITS[match.group(2)] if match else None
