import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from responses import matchers

from connections.models import Connection
from connections.platforms import get_adapter
from connections.platforms.base import (
    Media,
    PermanentError,
    PostGoneError,
    PostRequest,
    ReauthError,
    RetryableError,
    TokenSet,
)

GRAPH = "https://graph.facebook.com/v25.0"
pytestmark = pytest.mark.usefixtures("configured")


@pytest.fixture
def fb():
    return get_adapter("facebook")


@pytest.fixture
def page(make_connection):
    return make_connection(
        "facebook",
        entity_id="111",
        account_type="page",
        access_token="page-token",
        refresh_token="",
        expires_at=None,
    )


def page_token():
    return matchers.header_matcher({"Authorization": "Bearer page-token"})


def test_authorization_url_uses_comma_separated_permissions(fb):
    url = fb.authorization_url(redirect_uri="https://app/cb", state="s")
    parts = urlsplit(url)
    assert f"{parts.netloc}{parts.path}" == "www.facebook.com/v25.0/dialog/oauth"
    assert "pages_manage_posts" in parse_qs(parts.query)["scope"][0].split(",")


def test_code_exchange_then_long_lived_token(fb, mocked):
    mocked.get(
        f"{GRAPH}/oauth/access_token",
        json={"access_token": "short", "token_type": "bearer", "expires_in": 3600},
        match=[
            matchers.query_param_matcher(
                {
                    "client_id": "facebook-client",
                    "client_secret": "facebook-secret",
                    "redirect_uri": "https://app/cb",
                    "code": "c",
                }
            )
        ],
    )
    mocked.get(
        f"{GRAPH}/oauth/access_token",
        json={"access_token": "long", "token_type": "bearer", "expires_in": 5184000},
        match=[
            matchers.query_param_matcher(
                {
                    "grant_type": "fb_exchange_token",
                    "client_id": "facebook-client",
                    "client_secret": "facebook-secret",
                    "fb_exchange_token": "short",
                }
            )
        ],
    )
    tokens = fb.exchange_code(code="c", redirect_uri="https://app/cb")
    assert (tokens.access_token, tokens.expires_in, tokens.refresh_token) == ("long", 5184000, "")


def test_no_refresh_grant(fb):
    with pytest.raises(ReauthError, match="reconnect"):
        fb.refresh("anything")


def test_pages_come_with_their_own_tokens(fb, mocked):
    mocked.get(
        f"{GRAPH}/me/accounts",
        json={
            "data": [
                {
                    "id": "111",
                    "name": "Acme",
                    "access_token": "p1",
                    "tasks": ["ANALYZE", "ADVERTISE", "CREATE_CONTENT", "MODERATE", "MANAGE"],
                    "picture": {"data": {"url": "https://fb/p.jpg"}},
                },
                {"id": "222", "name": "Read only", "access_token": "p2", "tasks": ["ANALYZE"]},
            ]
        },
        match=[matchers.query_param_matcher({"fields": "id,name,access_token,tasks,picture"})],
    )
    [account] = fb.accounts(TokenSet(access_token="long"))
    assert (account.entity_id, account.account_type, account.access_token) == ("111", "page", "p1")


def test_text_and_link_posts(fb, page, mocked):
    mocked.post(
        f"{GRAPH}/111/feed",
        json={"id": "111_1", "permalink_url": "https://www.facebook.com/111/posts/1"},
        match=[
            page_token(),
            matchers.urlencoded_params_matcher({"message": "hi", "link": "https://ex.com"}),
        ],
    )
    result = fb.publish(page, PostRequest(text="hi", link="https://ex.com"))
    assert (result.post_id, result.post_url) == ("111_1", "https://www.facebook.com/111/posts/1")


def test_single_photo_post(fb, page, mocked):
    mocked.post(
        f"{GRAPH}/111/photos",
        json={"id": "p9", "post_id": "111_9"},
        match=[matchers.urlencoded_params_matcher({"url": "https://cdn/x.jpg", "message": "pic"})],
    )
    assert (
        fb.publish(
            page, PostRequest(text="pic", media=[Media("image/jpeg", url="https://cdn/x.jpg")])
        ).post_id
        == "111_9"
    )


def test_multi_photo_post_attaches_unpublished_photos(fb, page, mocked):
    for n in (1, 2):
        mocked.post(
            f"{GRAPH}/111/photos",
            json={"id": f"p{n}"},
            match=[
                matchers.urlencoded_params_matcher(
                    {"url": f"https://cdn/{n}.jpg", "published": "false"}
                )
            ],
        )
    mocked.post(
        f"{GRAPH}/111/feed",
        json={"id": "111_5"},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "message": "two",
                    "attached_media": json.dumps([{"media_fbid": "p1"}, {"media_fbid": "p2"}]),
                }
            )
        ],
    )
    photos = [Media("image/jpeg", url=f"https://cdn/{n}.jpg") for n in (1, 2)]
    assert (
        fb.publish(page, PostRequest(text="two", media=photos)).post_url
        == "https://www.facebook.com/111_5"
    )


def test_video_post(fb, page, mocked):
    mocked.post(
        f"{GRAPH}/111/videos",
        json={"id": "v1"},
        match=[
            matchers.urlencoded_params_matcher(
                {"description": "clip", "file_url": "https://cdn/v.mp4"}
            )
        ],
    )
    assert (
        fb.publish(
            page, PostRequest(text="clip", media=[Media("video/mp4", url="https://cdn/v.mp4")])
        ).post_id
        == "v1"
    )


def test_delete_and_already_gone(fb, page, mocked):
    mocked.delete(f"{GRAPH}/111_1", json={"success": True})
    mocked.delete(
        f"{GRAPH}/111_2",
        status=400,
        json={
            "error": {
                "message": "Unsupported delete request. Object does not exist",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
            }
        },
    )
    fb.delete(page, "111_1")
    fb.delete(page, "111_2")


def test_metrics(fb, page, mocked):
    mocked.get(
        f"{GRAPH}/111_1",
        json={
            "id": "111_1",
            "reactions": {"data": [], "summary": {"total_count": 9}},
            "comments": {"data": [], "summary": {"total_count": 3}},
            "shares": {"count": 2},
        },
    )
    assert fb.metrics(page, "111_1") == {"reactions": 9, "comments": 3, "shares": 2}


def test_recent_posts(fb, page, mocked):
    mocked.get(
        f"{GRAPH}/111/posts", json={"data": [{"id": "111_1", "message": "hello"}, {"id": "111_2"}]}
    )
    assert [p.text for p in fb.recent_posts(page)] == ["hello"]


def test_throttle_code_is_retryable_with_the_usage_header_delay(fb, page, mocked):
    usage = json.dumps(
        {"111": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 5}]}
    )
    mocked.post(
        f"{GRAPH}/111/feed",
        status=400,
        headers={"X-Business-Use-Case-Usage": usage},
        json={
            "error": {
                "message": "(#32) Page request limit reached",
                "type": "OAuthException",
                "code": 32,
            }
        },
    )
    with pytest.raises(RetryableError) as failure:
        fb.publish(page, PostRequest(text="x"))
    assert failure.value.retry_after == 300


def test_duplicate_is_permanent(fb, page, mocked):
    mocked.post(
        f"{GRAPH}/111/feed",
        status=400,
        json={
            "error": {
                "message": "(#506) Duplicate status message",
                "type": "OAuthException",
                "code": 506,
            }
        },
    )
    with pytest.raises(PermanentError, match="Duplicate"):
        fb.publish(page, PostRequest(text="x"))


def test_invalidated_session_needs_reauth(fb, page, mocked):
    mocked.post(
        f"{GRAPH}/111/feed",
        status=400,
        json={
            "error": {
                "message": "Error validating access token: The session has been invalidated",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 460,
            }
        },
    )
    with pytest.raises(ReauthError):
        fb.publish(page, PostRequest(text="x"))
    assert Connection.objects.get(pk=page.pk).health == Connection.Health.NEEDS_REAUTH


def test_transient_code_is_retryable(fb, page, mocked):
    mocked.post(
        f"{GRAPH}/111/feed",
        status=500,
        json={
            "error": {
                "message": "An unexpected error has occurred",
                "type": "OAuthException",
                "code": 2,
            }
        },
    )
    with pytest.raises(RetryableError):
        fb.publish(page, PostRequest(text="x"))


GRAPH_GONE = {
    "error": {
        "message": (
            "Unsupported get request. Object with ID '111_1' does not exist, cannot be loaded "
            "due to missing permissions, or does not support this operation."
        ),
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
        "fbtrace_id": "A1",
    }
}


def test_metrics_of_a_deleted_post_is_post_gone(fb, page, mocked):
    mocked.get(f"{GRAPH}/111_1", status=400, json=GRAPH_GONE)
    with pytest.raises(PostGoneError) as failure:
        fb.metrics(page, "111_1")
    assert "Object with ID '111_1' does not exist" in failure.value.reason
    assert failure.value.code == "33"


def test_metrics_code_100_does_not_exist_without_subcode_is_post_gone(fb, page, mocked):
    error = {"error": {"message": "Object does not exist", "code": 100, "type": "OAuthException"}}
    mocked.get(f"{GRAPH}/111_1", status=400, json=error)
    with pytest.raises(PostGoneError):
        fb.metrics(page, "111_1")


def test_metrics_other_invalid_parameter_is_not_gone(fb, page, mocked):
    error = {"error": {"message": "(#100) Tried accessing nonexisting field", "code": 100}}
    mocked.get(f"{GRAPH}/111_1", status=400, json=error)
    with pytest.raises(PermanentError) as failure:
        fb.metrics(page, "111_1")
    assert not isinstance(failure.value, PostGoneError)


class Tracked(io.BytesIO):
    """A stored file that records how much each read asks for."""

    def __init__(self, data: bytes, reads: list):
        super().__init__(data)
        self.reads = reads

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


VIDEO_HOST = "https://graph-video.facebook.com/v25.0"


def test_a_video_without_a_public_url_goes_up_in_the_chunks_facebook_asks_for(fb, page, mocked):
    video = b"0123456789" * 250_010  # 2.5 MB (ASCII: responses' multipart matcher decodes it)
    size = len(video)
    url = f"{VIDEO_HOST}/111/videos"
    mocked.post(
        url,
        json={
            "video_id": "v9",
            "upload_session_id": "s1",
            "start_offset": "0",
            "end_offset": "1048576",
        },
        match=[
            page_token(),
            matchers.urlencoded_params_matcher({"upload_phase": "start", "file_size": str(size)}),
        ],
    )
    # Facebook decides each range; the last answer has start == end: everything is there.
    ranges = [(0, 1048576), (1048576, 2000000), (2000000, size)]
    for index, (first, end) in enumerate(ranges):
        following = ranges[index + 1] if index + 1 < len(ranges) else (size, size)
        mocked.post(
            url,
            json={"start_offset": str(following[0]), "end_offset": str(following[1])},
            match=[
                matchers.multipart_matcher(
                    {
                        "video_file_chunk": (
                            "demo.mp4",
                            video[first:end],
                            "application/octet-stream",
                        )
                    },
                    data={
                        "upload_phase": "transfer",
                        "upload_session_id": "s1",
                        "start_offset": str(first),
                    },
                )
            ],
        )
    mocked.post(
        url,
        json={"success": True},
        match=[
            matchers.urlencoded_params_matcher(
                {"upload_phase": "finish", "upload_session_id": "s1", "description": "clip"}
            )
        ],
    )
    reads = []
    media = Media("video/mp4", filename="demo.mp4", size=size, opener=lambda: Tracked(video, reads))
    result = fb.publish(page, PostRequest(text="clip", media=[media]))
    assert (result.post_id, result.post_url) == ("v9", "https://www.facebook.com/111/videos/v9")
    phases = [parse_qs(c.request.body).get("upload_phase") for c in mocked.calls[:1]]
    assert phases == [["start"]]
    assert reads == [end - first for first, end in ranges]  # chunk by chunk, never read()


def test_a_finish_facebook_does_not_accept_is_permanent(fb, page, mocked):
    url = f"{VIDEO_HOST}/111/videos"
    mocked.post(
        url,
        json={"video_id": "v9", "upload_session_id": "s1", "start_offset": "0", "end_offset": "3"},
    )
    mocked.post(url, json={"start_offset": "3", "end_offset": "3"})
    mocked.post(url, json={"success": False})
    media = Media("video/mp4", data=b"abc", filename="demo.mp4")
    with pytest.raises(PermanentError, match="did not accept"):
        fb.publish(page, PostRequest(text="clip", media=[media]))
