import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from responses import matchers

from connections.models import Connection
from connections.platforms import get_adapter
from connections.platforms.base import (
    Media,
    PendingPublish,
    PermanentError,
    PlatformTimeout,
    PostGoneError,
    PostRequest,
    PublishedItem,
    ReauthError,
    RetryableError,
    pkce_challenge,
)

API = "https://api.x.com/2"
pytestmark = pytest.mark.usefixtures("configured")


@pytest.fixture
def x():
    return get_adapter("twitter")


@pytest.fixture
def connection(make_connection):
    return make_connection(
        "twitter", entity_id="2244994945", username="@olive", extra={"handle": "olive"}
    )


def bearer(token="access-1"):
    return matchers.header_matcher({"Authorization": f"Bearer {token}"})


def test_authorization_url_carries_pkce_challenge_state_and_scopes(x):
    url = x.authorization_url(redirect_uri="https://app/cb", state="s1", code_verifier="v" * 50)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://x.com/i/oauth2/authorize"
    assert query["client_id"] == ["twitter-client"]
    assert query["state"] == ["s1"]
    assert query["code_challenge"] == [pkce_challenge("v" * 50)]
    assert query["code_challenge_method"] == ["S256"]
    assert "offline.access" in query["scope"][0].split()


def test_exchange_code_sends_the_verifier_with_basic_auth(x, mocked):
    mocked.post(
        f"{API}/oauth2/token",
        json={
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "a",
            "refresh_token": "r",
            "scope": "tweet.read tweet.write",
        },
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "authorization_code",
                    "code": "c",
                    "redirect_uri": "https://app/cb",
                    "code_verifier": "ver",
                }
            ),
            matchers.header_matcher(
                {"Authorization": "Basic dHdpdHRlci1jbGllbnQ6dHdpdHRlci1zZWNyZXQ="}
            ),
        ],
    )
    tokens = x.exchange_code(code="c", redirect_uri="https://app/cb", code_verifier="ver")
    assert (tokens.access_token, tokens.refresh_token, tokens.expires_in) == ("a", "r", 7200)
    assert tokens.scopes == ["tweet.read", "tweet.write"]


def test_refresh_returns_the_rotated_pair_and_a_spent_token_needs_reauth(x, mocked):
    mocked.post(
        f"{API}/oauth2/token",
        json={"access_token": "a2", "refresh_token": "r2", "expires_in": 7200},
        match=[
            matchers.urlencoded_params_matcher(
                {"grant_type": "refresh_token", "refresh_token": "r1"}
            )
        ],
    )
    mocked.post(
        f"{API}/oauth2/token",
        status=400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )
    assert x.refresh("r1").refresh_token == "r2"
    with pytest.raises(ReauthError, match="token was invalid"):
        x.refresh("r1")


def test_account_lookup(x, mocked):
    mocked.get(
        f"{API}/users/me",
        json={
            "data": {
                "id": "2244994945",
                "name": "Olive",
                "username": "olive",
                "profile_image_url": "https://pbs/x.jpg",
            }
        },
        match=[
            bearer("a"),
            matchers.query_param_matcher({"user.fields": "username,name,profile_image_url"}),
        ],
    )
    from connections.platforms.base import TokenSet

    [account] = x.accounts(TokenSet(access_token="a"))
    assert (account.entity_id, account.username, account.display_name) == (
        "2244994945",
        "@olive",
        "Olive",
    )


def test_thread_replies_to_the_previous_tweet_and_returns_every_id(x, connection, mocked):
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "1", "text": "one"}},
        match=[bearer(), matchers.json_params_matcher({"text": "one\n\nhttps://ex.com"})],
    )
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "2", "text": "two"}},
        match=[
            matchers.json_params_matcher({"text": "two", "reply": {"in_reply_to_tweet_id": "1"}})
        ],
    )
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "3", "text": "three"}},
        match=[
            matchers.json_params_matcher({"text": "three", "reply": {"in_reply_to_tweet_id": "2"}})
        ],
    )
    result = x.publish(
        connection, PostRequest(text="one", link="https://ex.com", thread=["two", "three"])
    )
    assert [item.post_id for item in result.items] == ["1", "2", "3"]
    assert result.post_url == "https://x.com/olive/status/1"


def test_thread_failure_reports_what_went_out_and_the_retry_resumes(x, connection, mocked):
    mocked.post(f"{API}/tweets", status=201, json={"data": {"id": "1", "text": "one"}})
    mocked.post(f"{API}/tweets", status=503, json={"title": "Service Unavailable"})
    with pytest.raises(RetryableError) as failure:
        x.publish(connection, PostRequest(text="one", thread=["two"]))
    assert [item.post_id for item in failure.value.published] == ["1"]

    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "2", "text": "two"}},
        match=[
            matchers.json_params_matcher({"text": "two", "reply": {"in_reply_to_tweet_id": "1"}})
        ],
    )
    result = x.publish(
        connection,
        PostRequest(text="one", thread=["two"], already_published=failure.value.published),
    )
    assert [item.post_id for item in result.items] == ["1", "2"]


def test_image_upload_then_tweet_with_media(x, connection, mocked):
    mocked.post(
        f"{API}/media/upload",
        json={"data": {"id": "m1", "media_key": "3_m1", "expires_after_secs": 86400}},
        match=[
            bearer(),
            matchers.multipart_matcher(
                {"media": ("a.png", b"PNG", "image/png")}, data={"media_category": "tweet_image"}
            ),
        ],
    )
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "9", "text": "pic"}},
        match=[matchers.json_params_matcher({"text": "pic", "media": {"media_ids": ["m1"]}})],
    )
    result = x.publish(
        connection,
        PostRequest(text="pic", media=[Media("image/png", data=b"PNG", filename="a.png")]),
    )
    assert result.post_id == "9"


def test_video_is_chunked_and_pending_until_processing_succeeds(x, connection, mocked, settings):
    video = b"v" * (1024 * 1024 + 10)  # two APPEND segments
    mocked.post(
        f"{API}/media/upload/initialize",
        json={"data": {"id": "v1", "media_key": "7_v1"}},
        match=[
            matchers.json_params_matcher(
                {
                    "media_type": "video/mp4",
                    "total_bytes": len(video),
                    "media_category": "tweet_video",
                }
            )
        ],
    )
    for index in range(2):
        mocked.post(
            f"{API}/media/upload/v1/append",
            json={"data": {}},
            match=[
                matchers.multipart_matcher(
                    {
                        "media": (
                            "upload",
                            video[index * 1048576 : (index + 1) * 1048576],
                            "application/octet-stream",
                        )
                    },
                    data={"segment_index": str(index)},
                )
            ],
        )
    mocked.post(
        f"{API}/media/upload/v1/finalize",
        json={"data": {"id": "v1", "processing_info": {"state": "pending", "check_after_secs": 3}}},
    )
    pending = x.publish(connection, PostRequest(text="vid", media=[Media("video/mp4", data=video)]))
    assert isinstance(pending, PendingPublish)
    assert pending.check_after == 3

    status = f"{API}/media/upload"
    query = matchers.query_param_matcher({"command": "STATUS", "media_id": "v1"})
    mocked.get(
        status,
        json={"data": {"processing_info": {"state": "in_progress", "check_after_secs": 5}}},
        match=[query],
    )
    mocked.get(status, json={"data": {"processing_info": {"state": "succeeded"}}}, match=[query])
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "77", "text": "vid"}},
        match=[matchers.json_params_matcher({"text": "vid", "media": {"media_ids": ["v1"]}})],
    )
    stored = PendingPublish.from_dict(json.loads(json.dumps(pending.to_dict())))
    assert x.check_pending(connection, stored).check_after == 5
    assert x.check_pending(connection, stored).post_id == "77"


def test_failed_video_processing_is_permanent(x, connection, mocked):
    mocked.get(
        f"{API}/media/upload",
        json={
            "data": {"processing_info": {"state": "failed", "error": {"message": "InvalidMedia"}}}
        },
    )
    with pytest.raises(PermanentError, match="InvalidMedia"):
        x.check_pending(
            connection, PendingPublish("twitter", "v1", {"texts": ["a"], "media_ids": ["v1"]})
        )


def test_delete_and_already_deleted(x, connection, mocked):
    mocked.delete(f"{API}/tweets/5", json={"data": {"deleted": True}}, match=[bearer()])
    mocked.delete(
        f"{API}/tweets/6",
        status=404,
        json={
            "title": "Not Found Error",
            "type": "https://api.x.com/2/problems/resource-not-found",
            "detail": "Could not find tweet",
        },
    )
    x.delete(connection, "5")
    x.delete(connection, "6")  # gone already counts as deleted


def test_metrics_are_normalised_to_the_spec_names(x, connection, mocked):
    mocked.get(
        f"{API}/tweets/5",
        json={
            "data": {
                "id": "5",
                "text": "t",
                "public_metrics": {
                    "retweet_count": 12,
                    "reply_count": 5,
                    "like_count": 42,
                    "quote_count": 2,
                    "bookmark_count": 8,
                    "impression_count": 1500,
                },
                "non_public_metrics": {
                    "impression_count": 1500,
                    "url_link_clicks": 23,
                    "user_profile_clicks": 7,
                },
            }
        },
        match=[matchers.query_param_matcher({"tweet.fields": "public_metrics,non_public_metrics"})],
    )
    assert x.metrics(connection, "5") == {
        "likes": 42,
        "retweets": 12,
        "replies": 5,
        "quotes": 2,
        "bookmarks": 8,
        "impressions": 1500,
        "urlClicks": 23,
        "profileClicks": 7,
    }


def test_recent_posts(x, connection, mocked):
    mocked.get(
        f"{API}/users/2244994945/tweets",
        json={"data": [{"id": "1", "text": "hello", "created_at": "2026-01-01T00:00:00Z"}]},
    )
    [post] = x.recent_posts(connection, limit=5)
    assert (post.post_id, post.text) == ("1", "hello")


def test_rate_limit_is_retryable_with_the_reset_delay(x, connection, mocked, time_machine_now):
    reset = int(time_machine_now.timestamp()) + 120
    mocked.post(
        f"{API}/tweets",
        status=429,
        json={
            "title": "Too Many Requests",
            "type": "https://api.x.com/2/problems/rate-limit-exceeded",
            "detail": "Too Many Requests",
        },
        headers={"x-rate-limit-reset": str(reset)},
    )
    with pytest.raises(RetryableError) as failure:
        x.publish(connection, PostRequest(text="hi"))
    assert failure.value.retry_after == pytest.approx(120, abs=1)


def test_duplicate_content_is_permanent(x, connection, mocked):
    mocked.post(
        f"{API}/tweets",
        status=403,
        json={
            "title": "Forbidden",
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
        },
    )
    with pytest.raises(PermanentError, match="duplicate content"):
        x.publish(connection, PostRequest(text="hi"))


def test_expired_token_is_refreshed_once_and_the_call_replayed(x, connection, mocked):
    mocked.post(
        f"{API}/tweets",
        status=401,
        json={"title": "Unauthorized", "detail": "Unauthorized"},
        match=[bearer("access-1")],
    )
    mocked.post(
        f"{API}/oauth2/token",
        json={"access_token": "access-2", "refresh_token": "refresh-2", "expires_in": 7200},
        match=[
            matchers.urlencoded_params_matcher(
                {"grant_type": "refresh_token", "refresh_token": "refresh-1"}
            )
        ],
    )
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": "1", "text": "hi"}},
        match=[bearer("access-2")],
    )
    assert x.publish(connection, PostRequest(text="hi")).post_id == "1"
    stored = Connection.objects.get(pk=connection.pk)
    assert (stored.access_token, stored.refresh_token) == ("access-2", "refresh-2")


def test_revoked_token_marks_the_connection_needs_reauth(x, connection, mocked):
    mocked.post(
        f"{API}/tweets", status=401, json={"title": "Unauthorized", "detail": "Unauthorized"}
    )
    mocked.post(
        f"{API}/oauth2/token",
        status=400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )
    with pytest.raises(ReauthError):
        x.publish(connection, PostRequest(text="hi"))
    stored = Connection.objects.get(pk=connection.pk)
    assert stored.health == Connection.Health.NEEDS_REAUTH
    assert "Reconnect the account in Settings -> Connections" in stored.last_error


def test_timeout_is_retryable_but_flags_an_unknown_outcome(x, connection, mocked):
    mocked.post(f"{API}/tweets", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(PlatformTimeout):
        x.publish(connection, PostRequest(text="hi"))


def test_server_error_is_retryable(x, connection, mocked):
    mocked.post(
        f"{API}/tweets",
        status=503,
        json={"title": "Service Unavailable", "detail": "Service Unavailable"},
    )
    with pytest.raises(RetryableError):
        x.publish(connection, PostRequest(text="hi"))


def test_resume_is_a_no_op_when_everything_went_out(x, connection):
    done = [PublishedItem("1"), PublishedItem("2")]
    result = x.publish(connection, PostRequest(text="a", thread=["b"], already_published=done))
    assert [i.post_id for i in result.items] == ["1", "2"]


def not_found_error(tweet_id):
    """What X answers (HTTP 200) when looking up a tweet that was deleted."""
    return {
        "errors": [
            {
                "value": tweet_id,
                "detail": f"Could not find tweet with id: [{tweet_id}].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "id",
                "resource_id": tweet_id,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ]
    }


def test_metrics_of_a_deleted_tweet_is_post_gone(x, connection, mocked):
    mocked.get(f"{API}/tweets/5", json=not_found_error("5"))
    with pytest.raises(PostGoneError) as failure:
        x.metrics(connection, "5")
    assert failure.value.reason == "X: Could not find tweet with id: [5]."


def test_metrics_404_is_post_gone(x, connection, mocked):
    problem = {
        "title": "Not Found Error",
        "type": "https://api.x.com/2/problems/resource-not-found",
        "detail": "Could not find tweet",
    }
    mocked.get(f"{API}/tweets/5", status=404, json=problem)
    with pytest.raises(PostGoneError, match="Could not find tweet"):
        x.metrics(connection, "5")


def test_metrics_of_a_hidden_tweet_is_permanent_but_not_gone(x, connection, mocked):
    error = {
        "title": "Authorization Error",
        "detail": "Sorry, you are not authorized to see the Tweet with id: [5].",
        "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
    }
    mocked.get(f"{API}/tweets/5", json={"errors": [error]})
    with pytest.raises(PermanentError) as failure:
        x.metrics(connection, "5")
    assert not isinstance(failure.value, PostGoneError)


# --- media per tweet ------------------------------------------------------------------------


def image_upload(mocked, filename: str, media_id: str):
    """One one-shot upload of ``filename``, answered with ``media_id`` (fired exactly once)."""
    mocked.post(
        f"{API}/media/upload",
        json={"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}},
        match=[
            matchers.multipart_matcher(
                {"media": (filename, filename.encode(), "image/png")},
                data={"media_category": "tweet_image"},
            )
        ],
    )


def tweet(mocked, tweet_id: str, body: dict):
    mocked.post(
        f"{API}/tweets",
        status=201,
        json={"data": {"id": tweet_id, "text": body["text"]}},
        match=[matchers.json_params_matcher(body)],
    )


def png(name: str) -> Media:
    return Media("image/png", data=name.encode(), filename=name)


def test_each_tweet_of_a_thread_carries_its_own_media_uploaded_once(x, connection, mocked):
    for name, media_id in (("a.png", "m-a"), ("b.png", "m-b"), ("c.png", "m-c")):
        image_upload(mocked, name, media_id)
    tweet(mocked, "1", {"text": "one", "media": {"media_ids": ["m-a"]}})
    tweet(mocked, "2", {"text": "two", "reply": {"in_reply_to_tweet_id": "1"}})
    tweet(
        mocked,
        "3",
        {
            "text": "three",
            "media": {"media_ids": ["m-b", "m-c"]},
            "reply": {"in_reply_to_tweet_id": "2"},
        },
    )
    request = PostRequest(
        text="one",
        thread=["two", "three"],
        media=[png("a.png"), png("b.png"), png("c.png")],
        thread_media=[[0], [], [1, 2]],
    )
    result = x.publish(connection, request)
    assert [item.post_id for item in result.items] == ["1", "2", "3"]
    uploads = [c for c in mocked.calls if c.request.url == f"{API}/media/upload"]
    assert len(uploads) == 3  # once per asset


def test_a_resumed_thread_uploads_only_what_the_remaining_tweets_carry(x, connection, mocked):
    image_upload(mocked, "b.png", "m-b")  # a.png went out with tweet 1: not uploaded again
    tweet(
        mocked,
        "2",
        {"text": "two", "media": {"media_ids": ["m-b"]}, "reply": {"in_reply_to_tweet_id": "1"}},
    )
    request = PostRequest(
        text="one",
        thread=["two"],
        media=[png("a.png"), png("b.png")],
        thread_media=[[0], [1]],
        already_published=[PublishedItem("1", "https://x.com/olive/status/1")],
    )
    result = x.publish(connection, request)
    assert [item.post_id for item in result.items] == ["1", "2"]
    assert len(mocked.calls) == 2  # one upload, one tweet: tweet 1 is not posted again


def test_a_video_on_a_later_tweet_waits_for_processing_then_the_thread_goes_out(
    x, connection, mocked
):
    image_upload(mocked, "a.png", "m-a")
    mocked.post(f"{API}/media/upload/initialize", json={"data": {"id": "v1"}})
    mocked.post(f"{API}/media/upload/v1/append", json={"data": {}})
    mocked.post(
        f"{API}/media/upload/v1/finalize",
        json={"data": {"id": "v1", "processing_info": {"state": "pending", "check_after_secs": 2}}},
    )
    request = PostRequest(
        text="one",
        thread=["two"],
        media=[png("a.png"), Media("video/mp4", data=b"vid", filename="v.mp4")],
        thread_media=[[0], [1]],
    )
    pending = x.publish(connection, request)
    assert isinstance(pending, PendingPublish)
    assert pending.state["tweet_media"] == [["m-a"], ["v1"]]

    mocked.get(f"{API}/media/upload", json={"data": {"processing_info": {"state": "succeeded"}}})
    tweet(mocked, "1", {"text": "one", "media": {"media_ids": ["m-a"]}})
    tweet(
        mocked,
        "2",
        {"text": "two", "media": {"media_ids": ["v1"]}, "reply": {"in_reply_to_tweet_id": "1"}},
    )
    stored = PendingPublish.from_dict(json.loads(json.dumps(pending.to_dict())))
    assert [item.post_id for item in x.check_pending(connection, stored).items] == ["1", "2"]


def test_a_pending_video_stored_before_per_tweet_media_still_posts_on_the_first_tweet(
    x, connection, mocked
):
    mocked.get(f"{API}/media/upload", json={"data": {"processing_info": {"state": "succeeded"}}})
    tweet(mocked, "1", {"text": "one", "media": {"media_ids": ["v1"]}})
    old = PendingPublish("twitter", "v1", {"texts": ["one"], "media_ids": ["v1"]}, 5)
    assert x.check_pending(connection, old).post_id == "1"


def test_too_many_media_on_a_tweet_is_a_permanent_rejection(x, connection, mocked):
    mocked.post(
        f"{API}/tweets",
        status=400,
        json={
            "title": "Invalid Request",
            "detail": "Your Tweet cannot have more than 4 images, or more than 1 video or GIF, "
            "or mix them (a maximum of 4 items).",
            "type": "https://api.x.com/2/problems/invalid-request",
        },
    )
    with pytest.raises(PermanentError):
        x._post_texts(connection, ["one"], [["m1", "v1"]], [])


# --- uploads reused by a retry ----------------------------------------------------------------


def video_upload(mocked, media_id: str, *, expires_after: int = 86400):
    """X's chunked upload of a one-segment video, ready at FINALIZE (fired once each)."""
    answer = {"id": media_id, "media_key": f"7_{media_id}", "expires_after_secs": expires_after}
    mocked.post(f"{API}/media/upload/initialize", json={"data": answer})
    mocked.post(f"{API}/media/upload/{media_id}/append", json={"data": {}})
    mocked.post(
        f"{API}/media/upload/{media_id}/finalize",
        json={"data": {**answer, "size": 3, "processing_info": {"state": "succeeded"}}},
    )


def upload_calls(mocked) -> list[str]:
    return [c.request.url for c in mocked.calls if "/media/upload" in c.request.url]


def video_thread() -> PostRequest:
    return PostRequest(
        text="one",
        thread=["two"],
        media=[Media("video/mp4", data=b"vid", filename="demo.mp4")],
        thread_media=[[], [0]],
    )


def test_a_thread_retried_after_a_429_reuses_the_video_it_uploaded(x, connection, mocked):
    video_upload(mocked, "v1")
    tweet(mocked, "1", {"text": "one"})
    mocked.post(f"{API}/tweets", status=429, json={"title": "Too Many Requests"})
    with pytest.raises(RetryableError) as failure:
        x.publish(connection, video_thread())
    assert len(upload_calls(mocked)) == 3  # INIT, APPEND, FINALIZE
    assert [item.post_id for item in failure.value.published] == ["1"]
    kept = json.loads(json.dumps(failure.value.uploaded))  # as the posting log stores it
    assert kept["0"]["media_id"] == "v1"

    mocked.reset()
    tweet(
        mocked,
        "2",
        {"text": "two", "media": {"media_ids": ["v1"]}, "reply": {"in_reply_to_tweet_id": "1"}},
    )
    retry = video_thread()
    retry.already_published, retry.already_uploaded = failure.value.published, kept
    result = x.publish(connection, retry)
    assert [item.post_id for item in result.items] == ["1", "2"]
    assert upload_calls(mocked) == []  # no INIT, APPEND or FINALIZE: X still holds v1
    assert len(mocked.calls) == 1


@pytest.mark.parametrize(
    ("expires_in", "filename"),
    [
        (-60, "demo.mp4"),  # X has dropped it
        (60, "demo.mp4"),  # X drops it before a delayed retry could be sure to tweet it
        (86400, "other.mp4"),  # an upload of another file
    ],
)
def test_an_upload_x_may_no_longer_hold_is_uploaded_again(
    x, connection, mocked, expires_in, filename
):
    video_upload(mocked, "v2")
    tweet(mocked, "1", {"text": "one"})
    tweet(
        mocked,
        "2",
        {"text": "two", "media": {"media_ids": ["v2"]}, "reply": {"in_reply_to_tweet_id": "1"}},
    )
    request = video_thread()
    request.already_uploaded = {
        "0": {
            "media_id": "v1",
            "expires_at": int(time.time()) + expires_in,
            "filename": filename,
            "size": 3,
            "ready": True,
        }
    }
    result = x.publish(connection, request)
    assert [item.post_id for item in result.items] == ["1", "2"]
    assert len(upload_calls(mocked)) == 3


def test_an_upload_answer_without_a_lifetime_is_never_reused(x, connection, mocked):
    mocked.post(f"{API}/media/upload", json={"data": {"id": "m1", "media_key": "3_m1"}})
    mocked.post(f"{API}/tweets", status=503, json={"title": "Service Unavailable"})
    with pytest.raises(RetryableError) as failure:
        x.publish(connection, PostRequest(text="pic", media=[png("a.png")]))

    mocked.reset()
    image_upload(mocked, "a.png", "m2")
    tweet(mocked, "9", {"text": "pic", "media": {"media_ids": ["m2"]}})
    retry = PostRequest(text="pic", media=[png("a.png")], already_uploaded=failure.value.uploaded)
    assert x.publish(connection, retry).post_id == "9"
    assert len(upload_calls(mocked)) == 1
