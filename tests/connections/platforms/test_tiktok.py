from urllib.parse import parse_qs, urlsplit

import pytest
from responses import matchers

from connections.models import Connection
from connections.platforms import get_adapter
from connections.platforms.base import (
    DeleteNotSupported,
    Media,
    PendingPublish,
    PermanentError,
    PostGoneError,
    PostRequest,
    ReauthError,
    RetryableError,
    TikTokSettings,
    TokenSet,
    pkce_challenge,
)

API = "https://open.tiktokapis.com/v2"
OK = {"code": "ok", "message": "", "log_id": "L"}
CREATOR = {
    "creator_username": "olive",
    "creator_nickname": "Olive",
    "creator_avatar_url": "",
    "privacy_level_options": ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
    "comment_disabled": False,
    "duet_disabled": False,
    "stitch_disabled": True,
    "max_video_post_duration_sec": 600,
}
pytestmark = pytest.mark.usefixtures("configured")


@pytest.fixture
def tt():
    return get_adapter("tiktok")


@pytest.fixture
def account(make_connection):
    return make_connection("tiktok", entity_id="open-1", username="@olive")


def creator_info(mocked, **overrides):
    mocked.post(
        f"{API}/post/publish/creator_info/query/",
        json={"data": {**CREATOR, **overrides}, "error": OK},
        match=[matchers.header_matcher({"Content-Type": "application/json; charset=UTF-8"})],
    )


def test_authorization_url_uses_client_key_and_pkce(tt):
    url = tt.authorization_url(redirect_uri="https://app/cb", state="s", code_verifier="v" * 60)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://www.tiktok.com/v2/auth/authorize/?")
    assert query["client_key"] == ["tiktok-client"]
    assert query["scope"] == ["user.info.basic,video.publish,video.upload,video.list"]
    assert query["code_challenge"] == [pkce_challenge("v" * 60)]


def test_exchange_and_rotating_refresh(tt, mocked):
    token = {
        "open_id": "open-1",
        "scope": "user.info.basic,video.publish",
        "access_token": "a",
        "expires_in": 86400,
        "refresh_token": "r",
        "refresh_expires_in": 31536000,
        "token_type": "Bearer",
    }
    mocked.post(
        f"{API}/oauth/token/",
        json=token,
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_key": "tiktok-client",
                    "client_secret": "tiktok-secret",
                    "code": "c",
                    "grant_type": "authorization_code",
                    "redirect_uri": "https://app/cb",
                    "code_verifier": "ver",
                }
            )
        ],
    )
    mocked.post(
        f"{API}/oauth/token/",
        json={**token, "access_token": "a2", "refresh_token": "r2"},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_key": "tiktok-client",
                    "client_secret": "tiktok-secret",
                    "grant_type": "refresh_token",
                    "refresh_token": "r",
                }
            )
        ],
    )
    tokens = tt.exchange_code(code="c", redirect_uri="https://app/cb", code_verifier="ver")
    assert tokens.scopes == ["user.info.basic", "video.publish"]
    assert tokens.refresh_expires_in == 31536000
    assert tt.refresh("r").refresh_token == "r2"


def test_oauth_error_in_a_200_is_reauth(tt, mocked):
    mocked.post(
        f"{API}/oauth/token/",
        json={
            "error": "invalid_grant",
            "error_description": "Refresh token is invalid or expired.",
            "log_id": "L",
        },
    )
    with pytest.raises(ReauthError, match="invalid or expired"):
        tt.refresh("r")


def test_account_lookup(tt, mocked):
    mocked.get(
        f"{API}/user/info/",
        json={
            "data": {
                "user": {
                    "open_id": "open-1",
                    "display_name": "Olive",
                    "username": "olive",
                    "avatar_url": "https://tt/a.jpg",
                }
            },
            "error": OK,
        },
        match=[
            matchers.query_param_matcher(
                {"fields": "open_id,union_id,avatar_url,display_name,username"}
            )
        ],
    )
    [found] = tt.accounts(TokenSet(access_token="a"))
    assert (found.entity_id, found.username) == ("open-1", "@olive")


def test_video_direct_post_checks_creator_info_uploads_and_is_pending(tt, account, mocked):
    creator_info(mocked)
    video = b"x" * 100
    mocked.post(
        f"{API}/post/publish/video/init/",
        json={
            "data": {
                "publish_id": "v_pub_file~1",
                "upload_url": "https://upload.tiktokapis.com/video/?upload_id=1",
            },
            "error": OK,
        },
        match=[
            matchers.json_params_matcher(
                {
                    "post_info": {
                        "privacy_level": "PUBLIC_TO_EVERYONE",
                        "disable_comment": False,
                        "title": "clip",
                        "disable_duet": False,
                        "disable_stitch": True,
                        "is_aigc": False,
                    },
                    "source_info": {
                        "source": "FILE_UPLOAD",
                        "video_size": 100,
                        "chunk_size": 100,
                        "total_chunk_count": 1,
                    },
                }
            )
        ],
    )
    mocked.put(
        "https://upload.tiktokapis.com/video/",
        status=201,
        match=[
            matchers.header_matcher(
                {"Content-Range": "bytes 0-99/100", "Content-Type": "video/mp4"}
            )
        ],
    )
    pending = tt.publish(account, PostRequest(text="clip", media=[Media("video/mp4", data=video)]))
    assert isinstance(pending, PendingPublish)
    assert pending.handle == "v_pub_file~1"

    status = f"{API}/post/publish/status/fetch/"
    body = matchers.json_params_matcher({"publish_id": "v_pub_file~1"})
    mocked.post(
        status,
        json={"data": {"status": "PROCESSING_UPLOAD", "uploaded_bytes": 100}, "error": OK},
        match=[body],
    )
    mocked.post(
        status,
        json={
            "data": {
                "status": "PUBLISH_COMPLETE",
                "publicaly_available_post_id": [7350000000000000001],
            },
            "error": OK,
        },
        match=[body],
    )
    assert tt.check_pending(account, pending) is pending
    done = tt.check_pending(account, pending)
    assert done.post_url == "https://www.tiktok.com/@olive/video/7350000000000000001"


def test_large_video_goes_in_chunks_with_the_remainder_in_the_last(
    tt, account, mocked, monkeypatch
):
    from connections.platforms import tiktok

    monkeypatch.setattr(tiktok, "SINGLE_CHUNK_MAX", 10)
    monkeypatch.setattr(tiktok, "CHUNK_SIZE", 10)
    creator_info(mocked)
    mocked.post(
        f"{API}/post/publish/video/init/",
        json={
            "data": {"publish_id": "p", "upload_url": "https://upload.tiktokapis.com/u"},
            "error": OK,
        },
        match=[
            matchers.json_params_matcher(
                {
                    "source_info": {
                        "source": "FILE_UPLOAD",
                        "video_size": 25,
                        "chunk_size": 10,
                        "total_chunk_count": 2,
                    }
                },
                strict_match=False,
            )
        ],
    )
    mocked.put(
        "https://upload.tiktokapis.com/u",
        status=206,
        match=[matchers.header_matcher({"Content-Range": "bytes 0-9/25"})],
    )
    mocked.put(
        "https://upload.tiktokapis.com/u",
        status=201,
        match=[matchers.header_matcher({"Content-Range": "bytes 10-24/25"})],
    )
    tt.publish(account, PostRequest(text="big", media=[Media("video/mp4", data=b"y" * 25)]))


def test_photo_post_pulls_from_urls(tt, account, mocked):
    creator_info(mocked, privacy_level_options=["SELF_ONLY"])
    mocked.post(
        f"{API}/post/publish/content/init/",
        json={"data": {"publish_id": "p_pub_url~1"}, "error": OK},
        match=[
            matchers.json_params_matcher(
                {
                    "media_type": "PHOTO",
                    "post_mode": "DIRECT_POST",
                    "post_info": {
                        "privacy_level": "SELF_ONLY",
                        "disable_comment": False,
                        "title": "Title",
                        "description": "caption",
                        "auto_add_music": True,
                    },
                    "source_info": {
                        "source": "PULL_FROM_URL",
                        "photo_images": ["https://cdn/1.jpg", "https://cdn/2.jpg"],
                        "photo_cover_index": 0,
                    },
                }
            )
        ],
    )
    photos = [Media("image/jpeg", url=f"https://cdn/{n}.jpg") for n in (1, 2)]
    assert (
        tt.publish(account, PostRequest(text="caption", title="Title", media=photos)).handle
        == "p_pub_url~1"
    )


def test_private_post_completes_without_a_public_id(tt, account, mocked):
    mocked.post(
        f"{API}/post/publish/status/fetch/",
        json={
            "data": {"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": []},
            "error": OK,
        },
    )
    done = tt.check_pending(account, PendingPublish("tiktok", "p_pub_url~1"))
    assert done.post_id == "p_pub_url~1"


def test_privacy_level_not_offered_is_permanent(tt, account, mocked):
    creator_info(mocked, privacy_level_options=["SELF_ONLY"])
    request = PostRequest(
        text="x",
        media=[Media("video/mp4", data=b"x")],
        tiktok=TikTokSettings(privacy_level="PUBLIC_TO_EVERYONE"),
    )
    with pytest.raises(PermanentError, match="not available"):
        tt.publish(account, request)


def test_failed_processing(tt, account, mocked):
    mocked.post(
        f"{API}/post/publish/status/fetch/",
        json={"data": {"status": "FAILED", "fail_reason": "duration_check_failed"}, "error": OK},
    )
    mocked.post(
        f"{API}/post/publish/status/fetch/",
        json={"data": {"status": "FAILED", "fail_reason": "video_pull_failed"}, "error": OK},
    )
    with pytest.raises(PermanentError, match="duration_check_failed"):
        tt.check_pending(account, PendingPublish("tiktok", "p"))
    with pytest.raises(RetryableError):
        tt.check_pending(account, PendingPublish("tiktok", "p"))


def test_delete_is_not_supported(tt, account):
    with pytest.raises(DeleteNotSupported):
        tt.delete(account, "1")


def test_metrics(tt, account, mocked):
    mocked.post(
        f"{API}/video/query/",
        json={
            "data": {
                "videos": [
                    {
                        "id": "7",
                        "view_count": 1000,
                        "like_count": 80,
                        "comment_count": 5,
                        "share_count": 4,
                    }
                ]
            },
            "error": OK,
        },
        match=[
            matchers.query_param_matcher(
                {"fields": "id,view_count,like_count,comment_count,share_count"}
            ),
            matchers.json_params_matcher({"filters": {"video_ids": ["7"]}}),
        ],
    )
    assert tt.metrics(account, "7") == {"views": 1000, "likes": 80, "comments": 5, "shares": 4}


def test_recent_posts(tt, account, mocked):
    mocked.post(
        f"{API}/video/list/",
        json={
            "data": {
                "videos": [
                    {"id": 7, "video_description": "old clip", "share_url": "https://tiktok/7"}
                ],
                "has_more": False,
            },
            "error": OK,
        },
    )
    assert tt.recent_posts(account)[0].text == "old clip"


def test_rate_limit_spam_and_expired_token(tt, account, mocked):
    mocked.post(
        f"{API}/post/publish/creator_info/query/",
        status=429,
        headers={"Retry-After": "60"},
        json={
            "data": {},
            "error": {"code": "rate_limit_exceeded", "message": "slow down", "log_id": "L"},
        },
    )
    mocked.post(
        f"{API}/post/publish/creator_info/query/",
        json={
            "data": {},
            "error": {"code": "spam_risk_too_many_posts", "message": "too many", "log_id": "L"},
        },
    )
    request = PostRequest(text="x", media=[Media("video/mp4", data=b"x")])
    with pytest.raises(RetryableError) as limited:
        tt.publish(account, request)
    assert limited.value.retry_after == 60
    with pytest.raises(RetryableError) as spam:
        tt.publish(account, request)
    assert spam.value.retry_after == 3600


def test_invalid_token_refreshes_then_a_revoked_refresh_needs_reauth(tt, account, mocked):
    mocked.post(
        f"{API}/post/publish/creator_info/query/",
        status=401,
        json={
            "data": {},
            "error": {"code": "access_token_invalid", "message": "invalid", "log_id": "L"},
        },
    )
    mocked.post(
        f"{API}/oauth/token/",
        json={
            "error": "invalid_grant",
            "error_description": "Refresh token is invalid",
            "log_id": "L",
        },
    )
    with pytest.raises(ReauthError):
        tt.publish(account, PostRequest(text="x", media=[Media("video/mp4", data=b"x")]))
    stored = Connection.objects.get(pk=account.pk)
    assert stored.health == Connection.Health.NEEDS_REAUTH
    assert "Reconnect" in stored.last_error


def test_server_error_is_retryable(tt, account, mocked):
    mocked.post(
        f"{API}/post/publish/creator_info/query/",
        status=500,
        json={"data": {}, "error": {"code": "internal_error", "message": "oops", "log_id": "L"}},
    )
    with pytest.raises(RetryableError):
        tt.publish(account, PostRequest(text="x", media=[Media("video/mp4", data=b"x")]))


def test_metrics_of_a_deleted_video_is_post_gone(tt, account, mocked):
    mocked.post(f"{API}/video/query/", json={"data": {"videos": []}, "error": OK})
    with pytest.raises(PostGoneError, match="no video 7"):
        tt.metrics(account, "7")


def test_metrics_of_a_private_post_does_not_ask_and_is_not_gone(tt, account):
    # A SELF_ONLY post keeps its publish_id: video/query cannot know it (no call is mocked).
    assert tt.metrics(account, "v_pub_file~v2-1.123") == {
        "views": 0,
        "likes": 0,
        "comments": 0,
        "shares": 0,
    }


def test_video_chunks_are_read_from_the_file_one_at_a_time(tt, account, mocked, monkeypatch):
    """A stored video is streamed: each PUT carries exactly its Content-Range's bytes."""
    import io

    from connections.platforms import tiktok

    monkeypatch.setattr(tiktok, "SINGLE_CHUNK_MAX", 10)
    monkeypatch.setattr(tiktok, "CHUNK_SIZE", 10)
    content = bytes(range(25))
    creator_info(mocked)
    mocked.post(
        f"{API}/post/publish/video/init/",
        json={
            "data": {"publish_id": "p", "upload_url": "https://upload.tiktokapis.com/u"},
            "error": OK,
        },
    )
    for first, last, status in ((0, 9, 206), (10, 24, 201)):
        mocked.put(
            "https://upload.tiktokapis.com/u",
            status=status,
            match=[
                matchers.header_matcher({"Content-Range": f"bytes {first}-{last}/25"}),
                matchers.body_matcher(content[first : last + 1].decode("latin-1")),
            ],
        )
    opened = []

    def opener():
        opened.append(1)
        return io.BytesIO(content)

    video = Media("video/mp4", size=25, opener=opener)
    tt.publish(account, PostRequest(text="big", media=[video]))
    assert len(opened) == 2  # one read per chunk, never the whole file at once


def test_photos_without_a_public_url_say_why(tt, account, mocked):
    creator_info(mocked)
    photo = Media(
        "image/jpeg", data=b"J", unreachable="SITE_URL http://127.0.0.1:8000 is not public"
    )
    with pytest.raises(PermanentError) as error:
        tt.publish(account, PostRequest(text="pics", media=[photo]))
    assert "not public" in error.value.reason
