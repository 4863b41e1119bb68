"""The platform adapter interface, its data types and the shared HTTP mechanics.

An adapter translates between dropspace and one platform's HTTP API. It holds no business
logic: the publishing engine decides *whether* to publish and what to record.

How the publishing engine calls an adapter::

    from connections.platforms import adapter_for
    from connections.platforms.base import Media, PostRequest, PublishResult, PendingPublish

    adapter = adapter_for(connection)             # bound to the real API or the sandbox
    outcome = adapter.publish(connection, PostRequest(text="...", media=[Media(...)]))
    while isinstance(outcome, PendingPublish):   # Instagram containers, TikTok processing
        # store outcome.to_dict(); check again after outcome.check_after seconds (no sleeping)
        outcome = adapter.check_pending(connection, PendingPublish.from_dict(stored))
    outcome.post_id, outcome.post_url, outcome.items   # PublishResult

    adapter.delete(connection, post_id)            # DeleteNotSupported on Instagram / TikTok
    adapter.metrics(connection, post_id)           # {"likes": 3, ...} in the spec's field names
                                                   # PostGoneError when the post no longer exists
    adapter.recent_posts(connection, limit=20)     # [RecentPost], for persona writing samples

Every failure is one of three classes (all subclasses of ``PlatformError``):

- ``RetryableError(retry_after=seconds|None)``: 5xx, network trouble, rate limits. Retry later.
  ``PlatformTimeout`` (a subclass) means the request may have reached the platform: the outcome
  of a create call is unknown, so do not blindly repeat it.
- ``PermanentError(reason, code)``: the platform rejected the content; never auto-retry.
  ``DeleteNotSupported`` is one (code ``DELETE_NOT_SUPPORTED``).
  ``PostGoneError`` is one too: the platform says this post no longer exists (deleted or
  removed there). ``metrics`` raises it, in the platform's own words (``reason``), so callers
  can tell "gone" from "unavailable"; ``delete`` treats it as already deleted.
- ``ReauthError``: the token is revoked or can no longer be refreshed. The connection has
  already been marked ``needs_reauth`` when this reaches the caller from an account call.

A failure in the middle of a multi-item publish (a thread, several subreddits) carries
``error.published``: the items that did go out. Pass them back as
``PostRequest.already_published`` on the retry and the adapter continues after the last one
instead of posting anything twice. Likewise ``error.uploaded``: media the attempt uploaded
(X media ids, with when X drops them); pass it back as ``PostRequest.already_uploaded`` and
the retry attaches those ids instead of uploading the files again.

Calls that use a connection refresh its token first when it is about to expire, and on a
401 "token expired" refresh once and replay the request (``Platform.call``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils import timezone
from requests_oauthlib import OAuth2Session

# --- errors ------------------------------------------------------------------------------------


class PlatformError(Exception):
    """A platform call failed. ``published`` lists items that went out before the failure."""

    def __init__(self, message: str, *, code: str = "", published: list | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.published: list[PublishedItem] = published or []
        # Media uploaded before the failure ({media index: upload record}; X), for a retry.
        self.uploaded: dict[str, dict] = {}


class RetryableError(PlatformError):
    """Transient: 5xx, network, rate limit. ``retry_after`` is in seconds when the platform said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PlatformTimeout(RetryableError):
    """No answer in time: the request may or may not have been applied by the platform.
    ``may_have_applied`` is False only when it certainly was not: the connection was never
    made, or the request only read (a GET, or a POST the adapter marked ``read_only``)."""

    def __init__(self, message: str, *, may_have_applied: bool = True, **kwargs):
        super().__init__(message, **kwargs)
        self.may_have_applied = may_have_applied


class PermanentError(PlatformError):
    """The platform refused for good (content rejected...); ``reason`` is its own message."""

    def __init__(self, reason: str, *, code: str = "", **kwargs):
        super().__init__(reason, code=code, **kwargs)
        self.reason = reason


class DeleteNotSupported(PermanentError):
    def __init__(self, platform: str):
        super().__init__(
            f"{platform} does not support deleting posts through its API; delete it in the app",
            code="DELETE_NOT_SUPPORTED",
        )


class PostGoneError(PermanentError):
    """The platform says this post no longer exists: deleted or removed on the platform."""


class ReauthError(PlatformError):
    """The token is expired, revoked or lacks a permission: the user must reconnect.

    ``refreshable`` means a refresh grant may fix it (an expired access token).
    """

    def __init__(self, message: str, *, refreshable: bool = False, **kwargs):
        super().__init__(message, **kwargs)
        self.refreshable = refreshable


# --- data types --------------------------------------------------------------------------------


@dataclass
class TokenSet:
    """What a token endpoint returned, normalised."""

    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None
    refresh_expires_in: int | None = None
    scopes: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def expires_at(self) -> datetime | None:
        return timezone.now() + timedelta(seconds=self.expires_in) if self.expires_in else None

    @property
    def refresh_expires_at(self) -> datetime | None:
        if not self.refresh_expires_in:
            return None
        return timezone.now() + timedelta(seconds=self.refresh_expires_in)


@dataclass
class AccountInfo:
    """One account the token can post as (a profile, page, organization or business account).

    ``access_token`` is set when the account has its own token (a Facebook page token).
    """

    entity_id: str
    account_type: str = "personal"
    username: str = ""
    display_name: str = ""
    avatar_url: str = ""
    access_token: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Media:
    """One image or video to publish.

    ``url`` is set when the file is publicly reachable (platforms that pull media: Instagram,
    TikTok photos, Facebook by URL); the bytes are for platforms that upload (X, LinkedIn,
    Reddit, TikTok video): ``data`` in memory, or ``opener`` returning a fresh readable file of
    ``size`` bytes, so a large video is streamed in chunks instead of held in memory.
    ``unreachable`` says why there is no public URL (shown when a platform needs one).
    ``thumbnail`` is a video's poster frame (Reddit needs one).
    """

    content_type: str
    url: str = ""
    data: bytes | None = None
    alt_text: str = ""
    filename: str = "upload"
    size: int = 0
    opener: Callable[[], BinaryIO] | None = None
    unreachable: str = ""
    thumbnail: Media | None = None

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")

    @property
    def byte_size(self) -> int:
        return len(self.data) if self.data is not None else self.size

    def bytes_or_fail(self) -> bytes:
        """The whole file in memory (images; fine up to their 5 MB cap)."""
        if self.data is not None:
            return self.data
        if self.opener is None:
            raise PermanentError(f"media bytes are required to upload {self.filename}")
        with self.opener() as handle:
            return handle.read()

    def chunks(self, size: int):
        """``(offset, bytes)`` pieces of at most ``size`` bytes, read one at a time."""
        if self.data is not None:
            for start in range(0, len(self.data), size):
                yield start, self.data[start : start + size]
            return
        if self.opener is None:
            raise PermanentError(f"media bytes are required to upload {self.filename}")
        with self.opener() as handle:
            offset = 0
            while piece := handle.read(size):
                yield offset, piece
                offset += len(piece)

    @contextlib.contextmanager
    def reader(self):
        """A readable, seekable file of the media, for uploads that stream it (a multipart
        encoder reading it block by block, resumable chunks): never the whole file at once."""
        if self.data is not None:
            yield io.BytesIO(self.data)
            return
        if self.opener is None:
            raise PermanentError(f"media bytes are required to upload {self.filename}")
        with self.opener() as handle:
            yield handle

    def read_range(self, first: int, last: int) -> bytes:
        """Bytes ``first``..``last`` inclusive (one upload part)."""
        if self.data is not None:
            return self.data[first : last + 1]
        if self.opener is None:
            raise PermanentError(f"media bytes are required to upload {self.filename}")
        with self.opener() as handle:
            handle.seek(first)
            return handle.read(last - first + 1)

    def public_url_or_fail(self, platform: str) -> str:
        if not self.url:
            why = self.unreachable or "no public URL was given"
            raise PermanentError(
                f"{platform} fetches media from a public URL: {why}", code="media_not_public"
            )
        return self.url


@dataclass
class Subreddit:
    """A Reddit target: one submission per subreddit, each with its own title and flair."""

    name: str
    title: str = ""
    flair_id: str = ""
    flair_text: str = ""


@dataclass
class TikTokSettings:
    privacy_level: str = ""  # empty: PUBLIC_TO_EVERYONE when allowed, else the first option
    disable_comment: bool = False
    disable_duet: bool = False
    disable_stitch: bool = False
    is_aigc: bool = False


@dataclass
class PublishedItem:
    """One thing that went out: a tweet of a thread, one subreddit's submission..."""

    post_id: str
    post_url: str = ""
    target: str = ""  # the subreddit, for Reddit


@dataclass
class PostRequest:
    """What to publish. Each adapter uses the fields its platform supports.

    - ``text``: the post (first tweet of a thread; Reddit self-post body; caption elsewhere).
    - ``thread``: further tweets, each a reply to the previous one (X).
    - ``title``: Reddit default title, TikTok photo title, link title.
    - ``link``: a link post (Reddit link, Facebook link, LinkedIn article).
    - ``media``: images (up to the platform's limit) or one video.
    - ``subreddits``: Reddit targets.
    - ``tiktok``: TikTok post settings (privacy level...).
    - ``thread_media``: which of ``media`` each tweet carries (indexes into ``media``, one
      list per tweet, X). Empty: all of ``media`` goes on the first tweet.
    - ``already_published``: items a previous attempt published (resume, never re-post).
    - ``already_uploaded``: media a previous attempt uploaded, as its ``error.uploaded``
      (X): reused while the platform still holds it, instead of uploading it again.
    """

    text: str = ""
    thread: list[str] = field(default_factory=list)
    title: str = ""
    link: str = ""
    media: list[Media] = field(default_factory=list)
    subreddits: list[Subreddit] = field(default_factory=list)
    tiktok: TikTokSettings | None = None
    thread_media: list[list[int]] = field(default_factory=list)
    already_published: list[PublishedItem] = field(default_factory=list)
    already_uploaded: dict[str, dict] = field(default_factory=dict)


@dataclass
class PublishResult:
    """A published post: ``post_id``/``post_url`` of the main item plus every item."""

    post_id: str
    post_url: str
    items: list[PublishedItem] = field(default_factory=list)


@dataclass
class PendingPublish:
    """Work the platform finishes later. Store ``to_dict()``; call ``check_pending`` later."""

    platform: str
    handle: str
    state: dict = field(default_factory=dict)
    check_after: int = 30

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PendingPublish:
        return cls(**data)


@dataclass
class RecentPost:
    post_id: str
    text: str
    url: str = ""
    created_at: datetime | None = None


# --- the adapter -------------------------------------------------------------------------------


class Platform:
    """Base adapter: the interface (methods raising NotImplementedError) plus HTTP mechanics."""

    name = ""
    label = ""
    scopes: list[str] = []
    scope_separator = " "
    uses_pkce = False
    supports_delete = True
    auth_path = ""  # on the "auth" host
    setting_hint = ""  # what an operator registers, shown when not configured

    def __init__(self, *, sandbox: bool = False):
        self.sandbox = sandbox
        if sandbox:
            base = f"{settings.SANDBOX_BASE_URL}/{self.name}"
            self.hosts = {key: f"{base}/{key}" for key in settings.PLATFORM_HOSTS[self.name]}
            self.client_id, self.client_secret = f"sandbox-{self.name}", "sandbox-secret"
        else:
            self.hosts = dict(settings.PLATFORM_HOSTS[self.name])
            credentials = settings.PLATFORM_CREDENTIALS[self.name]
            self.client_id = credentials["client_id"]
            self.client_secret = credentials["client_secret"]
        self.session = requests.Session()

    def url(self, host: str, path: str, **params) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.hosts[host]}{path}{query}"

    # -- OAuth ---------------------------------------------------------------------------------

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str = "") -> str:
        """The platform's consent page URL (PKCE S256 challenge when the platform uses it)."""
        oauth = OAuth2Session(
            self.client_id,
            redirect_uri=redirect_uri,
            scope=self.scope_separator.join(self.scopes),
        )
        extra = self.authorization_params()
        if self.uses_pkce:
            extra.update(code_challenge=pkce_challenge(code_verifier), code_challenge_method="S256")
        url, _ = oauth.authorization_url(self.url("auth", self.auth_path), state=state, **extra)
        return url

    def authorization_params(self) -> dict:
        return {}

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        """Trade the callback's code for tokens. ReauthError on an invalid/expired code."""
        raise NotImplementedError

    def refresh(self, refresh_token: str) -> TokenSet:
        """Use a refresh token. ReauthError when it is revoked, expired or already spent."""
        raise ReauthError(f"{self.label} tokens cannot be refreshed: reconnect the account")

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        """The accounts this token can post as (profile, pages, organizations...)."""
        raise NotImplementedError

    def revoke(self, connection) -> None:
        """Revoke the connection's token at the platform, where it allows it (best effort)."""

    # -- content -------------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PublishResult | PendingPublish:
        raise NotImplementedError

    def check_pending(self, connection, pending: PendingPublish) -> PublishResult | PendingPublish:
        """Look once at work the platform finishes later; never sleeps."""
        raise NotImplementedError

    def delete(self, connection, post_id: str) -> None:
        """Delete a post. A post already gone counts as deleted."""
        raise DeleteNotSupported(self.label)

    def metrics(self, connection, post_id: str) -> dict[str, Any]:
        """Engagement numbers in the spec's analytics field names; PostGoneError when the
        platform says the post no longer exists."""
        raise NotImplementedError

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        raise NotImplementedError

    # -- HTTP mechanics ------------------------------------------------------------------------

    def auth_headers(self, token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    def request(self, method: str, url: str, *, token: str = "", **kwargs) -> requests.Response:
        """Send one request; map transport failures and error statuses onto the taxonomy."""
        headers = {**(self.auth_headers(token) if token else {}), **kwargs.pop("headers", {})}
        timeout = kwargs.pop("timeout", settings.PLATFORM_HTTP_TIMEOUT_SECONDS)
        read_only = kwargs.pop("read_only", False) or method in ("GET", "HEAD", "OPTIONS")
        try:
            response = self.session.request(method, url, headers=headers, timeout=timeout, **kwargs)
        except requests.Timeout as exc:
            never_sent = isinstance(exc, requests.ConnectTimeout)
            raise PlatformTimeout(
                f"{self.label} did not answer in {timeout:g}s",
                may_have_applied=not (read_only or never_sent),
            ) from exc
        except requests.RequestException as exc:
            raise RetryableError(f"could not reach {self.label}: {exc.__class__.__name__}") from exc
        if response.status_code >= 400:
            raise self.error_for(response)
        self.check_body(response)
        return response

    def call(self, connection, method: str, url: str, **kwargs) -> requests.Response:
        """``request`` with the connection's token: refresh ahead of expiry, and once on a 401."""
        from connections import services  # services import the adapters: resolve at call time

        if (
            connection.refresh_token
            and connection.expires_at
            and connection.expires_at <= (timezone.now() + timedelta(seconds=60))
        ):
            services.refresh_connection(connection=connection, spent_token=connection.access_token)
        try:
            try:
                return self.request(method, url, token=connection.access_token, **kwargs)
            except ReauthError as exc:
                if not (exc.refreshable and connection.refresh_token):
                    raise
            # Expired access token: refresh once (raises ReauthError if that fails) and replay.
            services.refresh_connection(connection=connection, spent_token=connection.access_token)
            return self.request(method, url, token=connection.access_token, **kwargs)
        except ReauthError as exc:
            if connection.pk and connection.health != connection.Health.NEEDS_REAUTH:
                services.record_platform_error(connection=connection, error=exc)
            raise

    def call_about_post(self, connection, method: str, url: str, **kwargs) -> requests.Response:
        """``call`` on one post's own resource: "no such object" there means the post is gone.

        Only here, not in ``classify``: a 404 while publishing (an unknown media id...) is not
        about an existing post.
        """
        try:
            return self.call(connection, method, url, **kwargs)
        except PermanentError as exc:
            if isinstance(exc, PostGoneError) or not self.is_gone(exc):
                raise
            raise PostGoneError(exc.reason, code=exc.code) from exc

    def delete_post_at(self, connection, method: str, url: str, **kwargs) -> None:
        """Delete one post's resource; a post already gone counts as deleted."""
        with contextlib.suppress(PostGoneError):
            self.call_about_post(connection, method, url, **kwargs)

    def is_gone(self, error: PermanentError) -> bool:
        """Whether a refusal of a request about one post means the post does not exist."""
        return error.code == "404"

    def error_for(self, response: requests.Response) -> PlatformError:
        """Classify an error response; platform modules override ``classify`` to translate."""
        body = json_or_empty(response)
        error = self.classify(response, body)
        if error is not None:
            return error
        status = response.status_code
        message = f"{self.label} answered HTTP {status}: {short_text(response)}"
        if status == 429:
            return RetryableError(message, retry_after=self.retry_after(response), code="429")
        if status == 401:
            return ReauthError(message, refreshable=True, code="401")
        if status in (408, 425) or status >= 500:
            return RetryableError(message, retry_after=self.retry_after(response), code=str(status))
        return PermanentError(message, code=str(status))

    def classify(self, response: requests.Response, body: Any) -> PlatformError | None:
        return None

    def check_body(self, response: requests.Response) -> None:
        """Raise for errors some platforms report inside an HTTP 200 (TikTok, Reddit)."""

    def retry_after(self, response: requests.Response) -> float | None:
        return retry_after_header(response.headers.get("Retry-After"))

    # -- token endpoint helper -----------------------------------------------------------------

    def token_request(self, url: str, *, method: str = "POST", **kwargs) -> TokenSet:
        """Call a token endpoint; an ``invalid_grant``-style refusal is a ReauthError."""
        try:
            response = self.request(method, url, headers={"Accept": "application/json"}, **kwargs)
        except PermanentError as exc:
            raise ReauthError(f"{self.label} refused the grant: {exc.reason}") from exc
        except ReauthError as exc:
            raise ReauthError(f"{self.label} refused the grant: {exc.message}") from exc
        return self.token_set(response.json())

    def token_set(self, data: dict) -> TokenSet:
        scope = data.get("scope") or ""
        scopes = scope if isinstance(scope, list) else scope.replace(",", " ").split()
        return TokenSet(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token") or "",
            expires_in=int(data["expires_in"]) if data.get("expires_in") else None,
            refresh_expires_in=(
                int(data["refresh_token_expires_in"])
                if data.get("refresh_token_expires_in")
                else (int(data["refresh_expires_in"]) if data.get("refresh_expires_in") else None)
            ),
            scopes=scopes,
            raw=data,
        )


# --- small helpers shared by platform modules --------------------------------------------------


def new_code_verifier() -> str:
    """A PKCE code verifier (RFC 7636: 43-128 chars of the unreserved set)."""
    return secrets.token_urlsafe(64)[:96]


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def json_or_empty(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


def short_text(response: requests.Response, limit: int = 300) -> str:
    return (response.text or response.reason or "").strip()[:limit]


def retry_after_header(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def retry_after_epoch(value: str | None) -> float | None:
    """Seconds until an epoch-seconds reset header (X's x-rate-limit-reset)."""
    try:
        return max(float(value) - time.time(), 0.0) if value else None
    except ValueError:
        return None
