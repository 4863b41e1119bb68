import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests_toolbelt import MultipartEncoder
from responses import matchers

from connections.models import Connection
from connections.platforms import get_adapter
from connections.platforms.base import (
    Media,
    PendingPublish,
    PermanentError,
    PostGoneError,
    PostRequest,
    ReauthError,
    RetryableError,
    Subreddit,
    TokenSet,
)
from connections.platforms.reddit import parse_wait

API = "https://oauth.reddit.com"
WWW = "https://www.reddit.com"
pytestmark = pytest.mark.usefixtures("configured")
UA = matchers.header_matcher({"User-Agent": "web:dropspace:0.1 (self-hosted)"})


@pytest.fixture
def rd():
    return get_adapter("reddit")


@pytest.fixture
def account(make_connection):
    return make_connection(
        "reddit",
        entity_id="abc12",
        username="u/olive",
        display_name="olive",
        extra={"name": "olive"},
    )


def ok_submission(post_id, subreddit):
    return {
        "json": {
            "errors": [],
            "data": {
                "url": f"{WWW}/r/{subreddit}/comments/{post_id}/launch/",
                "id": post_id,
                "name": f"t3_{post_id}",
            },
        }
    }


def test_authorization_url_asks_for_a_permanent_token(rd):
    query = parse_qs(urlsplit(rd.authorization_url(redirect_uri="https://app/cb", state="s")).query)
    assert query["duration"] == ["permanent"]
    assert {"identity", "submit", "read", "edit"} <= set(query["scope"][0].split())


def test_exchange_and_refresh_use_basic_auth_and_the_user_agent(rd, mocked):
    basic = matchers.header_matcher({"Authorization": "Basic cmVkZGl0LWNsaWVudDpyZWRkaXQtc2VjcmV0"})
    mocked.post(
        f"{WWW}/api/v1/access_token",
        json={
            "access_token": "a",
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": "r",
            "scope": "identity submit",
        },
        match=[
            basic,
            UA,
            matchers.urlencoded_params_matcher(
                {"grant_type": "authorization_code", "code": "c", "redirect_uri": "https://app/cb"}
            ),
        ],
    )
    mocked.post(
        f"{WWW}/api/v1/access_token",
        json={
            "access_token": "a2",
            "token_type": "bearer",
            "expires_in": 3600,
            "scope": "identity submit",
        },
        match=[
            basic,
            matchers.urlencoded_params_matcher(
                {"grant_type": "refresh_token", "refresh_token": "r"}
            ),
        ],
    )
    assert rd.exchange_code(code="c", redirect_uri="https://app/cb").refresh_token == "r"
    assert rd.refresh("r").refresh_token == ""  # reusable: nothing new to store


def test_account_lookup(rd, mocked):
    mocked.get(
        f"{API}/api/v1/me",
        json={
            "name": "olive",
            "id": "abc12",
            "icon_img": "https://styles.redditmedia.com/i.png?width=256",
        },
    )
    [found] = rd.accounts(TokenSet(access_token="a"))
    assert (found.entity_id, found.username, found.avatar_url) == (
        "abc12",
        "u/olive",
        "https://styles.redditmedia.com/i.png",
    )


def test_self_post_one_submission_per_subreddit_with_flair(rd, account, mocked):
    mocked.post(
        f"{API}/api/submit",
        json=ok_submission("p1", "SideProject"),
        match=[
            UA,
            matchers.urlencoded_params_matcher(
                {
                    "sr": "SideProject",
                    "title": "Launch",
                    "api_type": "json",
                    "sendreplies": "true",
                    "flair_id": "f1",
                    "kind": "self",
                    "text": "body",
                }
            ),
        ],
    )
    mocked.post(
        f"{API}/api/submit",
        json=ok_submission("p2", "startups"),
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "sr": "startups",
                    "title": "Other",
                    "api_type": "json",
                    "sendreplies": "true",
                    "flair_text": "Launch",
                    "kind": "self",
                    "text": "body",
                }
            )
        ],
    )
    result = rd.publish(
        account,
        PostRequest(
            text="body",
            title="Launch",
            subreddits=[
                Subreddit("r/SideProject", flair_id="f1"),
                Subreddit("startups", title="Other", flair_text="Launch"),
            ],
        ),
    )
    assert [(i.post_id, i.target) for i in result.items] == [
        ("p1", "SideProject"),
        ("p2", "startups"),
    ]


def test_link_post(rd, account, mocked):
    mocked.post(
        f"{API}/api/submit",
        json=ok_submission("p3", "webdev"),
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "sr": "webdev",
                    "title": "T",
                    "api_type": "json",
                    "sendreplies": "true",
                    "kind": "link",
                    "url": "https://ex.com",
                }
            )
        ],
    )
    rd.publish(
        account, PostRequest(title="T", link="https://ex.com", subreddits=[Subreddit("webdev")])
    )


def test_image_post_uploads_to_the_leased_s3_form_and_finds_the_post(rd, account, mocked):
    mocked.post(
        f"{API}/api/media/asset.json",
        json={
            "args": {
                "action": "//reddit-uploaded-media.s3-accelerate.amazonaws.com",
                "fields": [
                    {"name": "key", "value": "rte_images/abc"},
                    {"name": "acl", "value": "public-read"},
                ],
            },
            "asset": {"asset_id": "abc"},
        },
        match=[matchers.urlencoded_params_matcher({"filepath": "a.png", "mimetype": "image/png"})],
    )
    mocked.post(
        "https://reddit-uploaded-media.s3-accelerate.amazonaws.com",
        status=201,
        body="<PostResponse><Location>x</Location></PostResponse>",
        match=[
            matchers.multipart_matcher(
                {"file": ("a.png", b"PNG", "image/png")},
                data={"key": "rte_images/abc", "acl": "public-read"},
            )
        ],
    )
    mocked.post(
        f"{API}/api/submit",
        json={
            "json": {
                "errors": [],
                "data": {
                    "websocket_url": "wss://ws/1",
                    "user_submitted_page": f"{WWW}/user/olive/submitted/",
                },
            }
        },
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "sr": "pics",
                    "title": "Look",
                    "api_type": "json",
                    "sendreplies": "true",
                    "kind": "image",
                    "url": "https://reddit-uploaded-media.s3-accelerate.amazonaws.com/rte_images/abc",
                }
            )
        ],
    )
    mocked.get(
        f"{API}/user/olive/submitted",
        json={
            "kind": "Listing",
            "data": {
                "children": [
                    {
                        "kind": "t3",
                        "data": {
                            "id": "p9",
                            "title": "Look",
                            "subreddit": "pics",
                            "permalink": "/r/pics/comments/p9/look/",
                        },
                    }
                ]
            },
        },
    )
    result = rd.publish(
        account,
        PostRequest(
            title="Look",
            media=[Media("image/png", data=b"PNG", filename="a.png")],
            subreddits=[Subreddit("pics")],
        ),
    )
    assert (result.post_id, result.post_url) == ("p9", f"{WWW}/r/pics/comments/p9/look/")


def test_video_needs_a_poster(rd, account):
    with pytest.raises(PermanentError, match="thumbnail"):
        rd.publish(
            account,
            PostRequest(
                title="v", media=[Media("video/mp4", data=b"v")], subreddits=[Subreddit("videos")]
            ),
        )


def test_submit_errors_in_a_200(rd, account, mocked):
    mocked.post(
        f"{API}/api/submit",
        json={"json": {"errors": [["SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr"]]}},
    )
    with pytest.raises(PermanentError, match="doesn't exist") as failure:
        rd.publish(account, PostRequest(title="t", text="b", subreddits=[Subreddit("nope")]))
    assert failure.value.code == "SUBREDDIT_NOEXIST"


def test_account_rate_limit_says_when_and_keeps_what_went_out(rd, account, mocked):
    mocked.post(f"{API}/api/submit", json=ok_submission("p1", "a"))
    mocked.post(
        f"{API}/api/submit",
        json={
            "json": {
                "errors": [
                    [
                        "RATELIMIT",
                        "you are doing that too much. try again in 9 minutes.",
                        "ratelimit",
                    ]
                ]
            }
        },
    )
    with pytest.raises(RetryableError) as failure:
        rd.publish(
            account, PostRequest(title="t", text="b", subreddits=[Subreddit("a"), Subreddit("b")])
        )
    assert failure.value.retry_after == 540
    assert [i.target for i in failure.value.published] == ["a"]

    mocked.post(
        f"{API}/api/submit",
        json=ok_submission("p2", "b"),
        match=[
            matchers.urlencoded_params_matcher({"sr": "b"}, allow_blank=True, strict_match=False)
        ],
    )
    again = rd.publish(
        account,
        PostRequest(
            title="t",
            text="b",
            subreddits=[Subreddit("a"), Subreddit("b")],
            already_published=failure.value.published,
        ),
    )
    assert [i.post_id for i in again.items] == ["p1", "p2"]


def test_http_429_uses_the_reset_header(rd, account, mocked):
    mocked.post(
        f"{API}/api/submit",
        status=429,
        headers={"X-Ratelimit-Reset": "42"},
        json={"message": "Too Many Requests", "error": 429},
    )
    with pytest.raises(RetryableError) as failure:
        rd.publish(account, PostRequest(title="t", text="b", subreddits=[Subreddit("a")]))
    assert failure.value.retry_after == 42


def test_delete(rd, account, mocked):
    mocked.post(
        f"{API}/api/del", json={}, match=[matchers.urlencoded_params_matcher({"id": "t3_p1"})]
    )
    rd.delete(account, "p1")


def test_metrics(rd, account, mocked):
    mocked.get(
        f"{API}/api/info",
        json={
            "kind": "Listing",
            "data": {
                "children": [
                    {
                        "kind": "t3",
                        "data": {
                            "id": "p1",
                            "score": 156,
                            "ups": 200,
                            "upvote_ratio": 0.78,
                            "num_comments": 34,
                        },
                    }
                ]
            },
        },
        match=[matchers.query_param_matcher({"id": "t3_p1"})],
    )
    assert rd.metrics(account, "p1") == {
        "score": 156,
        "upvotes": 200,
        "upvoteRatio": 0.78,
        "comments": 34,
    }


def test_recent_posts(rd, account, mocked):
    mocked.get(
        f"{API}/user/olive/submitted",
        json={
            "data": {
                "children": [
                    {
                        "data": {
                            "id": "p1",
                            "title": "T",
                            "selftext": "B",
                            "permalink": "/r/a/comments/p1/t/",
                        }
                    }
                ]
            }
        },
    )
    assert rd.recent_posts(account)[0].text == "T\n\nB"


def test_revoked_refresh_token_needs_reauth(rd, account, mocked):
    mocked.post(f"{API}/api/submit", status=401, json={"message": "Unauthorized", "error": 401})
    mocked.post(f"{WWW}/api/v1/access_token", status=400, json={"error": "invalid_grant"})
    with pytest.raises(ReauthError):
        rd.publish(account, PostRequest(title="t", text="b", subreddits=[Subreddit("a")]))
    assert Connection.objects.get(pk=account.pk).health == Connection.Health.NEEDS_REAUTH


def test_server_error_is_retryable(rd, account, mocked):
    mocked.post(f"{API}/api/submit", status=502, body="Bad Gateway")
    with pytest.raises(RetryableError):
        rd.publish(account, PostRequest(title="t", text="b", subreddits=[Subreddit("a")]))


def test_parse_wait():
    assert parse_wait("try again in 30 seconds.") == 30
    assert parse_wait("no idea") is None


def test_media_post_not_yet_listed_is_pending_until_the_listing_shows_it(rd, account, mocked):
    mocked.post(
        f"{API}/api/media/asset.json",
        json={
            "args": {"action": "//s3.example", "fields": [{"name": "key", "value": "k"}]},
            "asset": {"asset_id": "a"},
        },
    )
    mocked.post("https://s3.example", status=201, body="<PostResponse/>")
    mocked.post(
        f"{API}/api/submit", json={"json": {"errors": [], "data": {"websocket_url": "wss://ws/1"}}}
    )
    listing = f"{API}/user/olive/submitted"
    mocked.get(listing, json={"data": {"children": []}})
    pending = rd.publish(
        account,
        PostRequest(
            title="Look", media=[Media("image/png", data=b"P")], subreddits=[Subreddit("pics")]
        ),
    )
    assert isinstance(pending, PendingPublish)

    mocked.get(listing, json={"data": {"children": []}})
    mocked.get(
        listing,
        json={
            "data": {
                "children": [
                    {
                        "data": {
                            "id": "p5",
                            "title": "Look",
                            "subreddit": "pics",
                            "permalink": "/r/pics/comments/p5/look/",
                        }
                    }
                ]
            }
        },
    )
    stored = PendingPublish.from_dict(json.loads(json.dumps(pending.to_dict())))
    assert isinstance(rd.check_pending(account, stored), PendingPublish)
    assert rd.check_pending(account, stored).post_id == "p5"


def listing(*posts):
    return {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": p} for p in posts]}}


def test_metrics_of_an_unknown_post_is_post_gone(rd, account, mocked):
    mocked.get(f"{API}/api/info", json=listing())
    with pytest.raises(PostGoneError, match="t3_p1"):
        rd.metrics(account, "p1")


def test_metrics_of_a_post_deleted_by_its_author_is_post_gone(rd, account, mocked):
    post = {"id": "p1", "author": "[deleted]", "selftext": "[deleted]", "score": 3}
    mocked.get(f"{API}/api/info", json=listing({**post, "removed_by_category": "deleted"}))
    with pytest.raises(PostGoneError) as failure:
        rd.metrics(account, "p1")
    assert failure.value.reason == "Reddit: the post was removed (deleted)"
    mocked.get(f"{API}/api/info", json=listing({**post, "removed_by_category": None}))
    with pytest.raises(PostGoneError, match="deleted by its author"):
        rd.metrics(account, "p1")


def test_metrics_of_a_post_removed_by_moderators_is_post_gone(rd, account, mocked):
    post = {"id": "p1", "author": "olive", "removed_by_category": "moderator", "score": 1}
    mocked.get(f"{API}/api/info", json=listing(post))
    with pytest.raises(PostGoneError, match=r"removed \(moderator\)"):
        rd.metrics(account, "p1")


def lease(mocked, asset_id: str, filename: str):
    mocked.post(
        f"{API}/api/media/asset.json",
        json={
            "args": {
                "action": "//reddit-uploaded-media.s3-accelerate.amazonaws.com",
                "fields": [{"name": "key", "value": f"rte_images/{asset_id}"}],
            },
            "asset": {"asset_id": asset_id, "websocket_url": "wss://ws/x"},
        },
        match=[
            matchers.urlencoded_params_matcher({"filepath": filename, "mimetype": "image/jpeg"})
        ],
    )
    mocked.post(
        "https://reddit-uploaded-media.s3-accelerate.amazonaws.com",
        status=201,
        body="<PostResponse><Location>x</Location></PostResponse>",
    )


def test_several_images_are_one_gallery_of_all_of_them(rd, account, mocked):
    for n in (1, 2, 3):
        lease(mocked, f"a{n}", f"{n}.jpg")
    mocked.post(
        f"{API}/api/submit_gallery_post.json",
        json={"json": {"errors": [], "data": {"url": f"{WWW}/r/pics/comments/g1/look/"}}},
        match=[
            matchers.json_params_matcher(
                {
                    "sr": "pics",
                    "title": "Look",
                    "api_type": "json",
                    "sendreplies": True,
                    "show_error_list": True,
                    "text": "three shots",
                    "items": [
                        {"media_id": "a1", "caption": ""},
                        {"media_id": "a2", "caption": ""},
                        {"media_id": "a3", "caption": ""},
                    ],
                }
            )
        ],
    )
    images = [Media("image/jpeg", data=b"J", filename=f"{n}.jpg") for n in (1, 2, 3)]
    request = PostRequest(
        text="three shots", title="Look", media=images, subreddits=[Subreddit("pics")]
    )
    result = rd.publish(account, request)
    assert (result.post_id, result.post_url) == ("g1", f"{WWW}/r/pics/comments/g1/look/")


def test_a_video_uses_its_own_poster_frame(rd, account, mocked):
    for asset_id, name, kind in (
        ("v1", "demo.mp4", "video/mp4"),
        ("p1", "demo-poster.jpg", "image/jpeg"),
    ):
        mocked.post(
            f"{API}/api/media/asset.json",
            json={
                "args": {
                    "action": "//s3.example.com",
                    "fields": [{"name": "key", "value": f"k/{asset_id}"}],
                },
                "asset": {"asset_id": asset_id},
            },
            match=[matchers.urlencoded_params_matcher({"filepath": name, "mimetype": kind})],
        )
        mocked.post("https://s3.example.com", status=201, body="<PostResponse/>")
    mocked.post(
        f"{API}/api/submit",
        json={"json": {"errors": [], "data": {"id": "v9", "url": f"{WWW}/r/pics/comments/v9/x/"}}},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "sr": "pics",
                    "title": "Demo",
                    "api_type": "json",
                    "sendreplies": "true",
                    "kind": "video",
                    "url": "https://s3.example.com/k/v1",
                    "video_poster_url": "https://s3.example.com/k/p1",
                }
            )
        ],
    )
    poster = Media("image/jpeg", data=b"P", filename="demo-poster.jpg")
    video = Media("video/mp4", data=b"V", filename="demo.mp4", thumbnail=poster)
    request = PostRequest(title="Demo", media=[video], subreddits=[Subreddit("pics")])
    assert rd.publish(account, request).post_id == "v9"


class Recording(requests.adapters.HTTPAdapter):
    """The transport as requests hands it a request: what the body is before it is sent."""

    def __init__(self):
        super().__init__()
        self.bodies = []

    def send(self, request, **kwargs):
        self.bodies.append((request.url, request.body, dict(request.headers)))
        return super().send(request, **kwargs)


def test_the_s3_upload_streams_the_file_from_storage(rd, account, mocked, tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"v" * 300_000)
    lease = {
        "args": {
            "action": "//reddit-uploaded-media.s3-accelerate.amazonaws.com",
            "fields": [
                {"name": "key", "value": "rte_videos/v1"},
                {"name": "x-amz-signature", "value": "sig"},
            ],
        },
        "asset": {"asset_id": "v1"},
    }
    mocked.post(f"{API}/api/media/asset.json", json=lease)
    mocked.post(
        "https://reddit-uploaded-media.s3-accelerate.amazonaws.com",
        status=201,
        body="<PostResponse/>",
        match=[
            matchers.multipart_matcher(
                {"file": ("clip.mp4", video.read_bytes(), "video/mp4")},
                data={"key": "rte_videos/v1", "x-amz-signature": "sig"},
            )
        ],
    )
    transport = Recording()
    rd.session.mount("https://", transport)
    media = Media("video/mp4", filename="clip.mp4", size=300_000, opener=lambda: video.open("rb"))
    url, asset_id = rd._upload(account, media)
    assert (url, asset_id) == (
        "https://reddit-uploaded-media.s3-accelerate.amazonaws.com/rte_videos/v1",
        "v1",
    )
    _, body, headers = transport.bodies[-1]
    assert isinstance(body, MultipartEncoder)  # read block by block as it is sent, not bytes
    assert int(headers["Content-Length"]) == body.len > 300_000  # S3 refuses chunked bodies
    assert [name for name, _ in body.fields] == ["key", "x-amz-signature", "file"]  # file last
