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
    TokenSet,
)

GRAPH = "https://graph.facebook.com/v25.0"
pytestmark = pytest.mark.usefixtures("configured")


@pytest.fixture
def ig():
    return get_adapter("instagram")


@pytest.fixture
def account(make_connection):
    return make_connection(
        "instagram", entity_id="1789", account_type="business", username="@acme", refresh_token=""
    )


def test_authorization_url(ig):
    url = ig.authorization_url(redirect_uri="https://app/cb", state="s")
    assert url.startswith("https://www.facebook.com/v25.0/dialog/oauth?")
    assert "instagram_content_publish" in url


def test_code_exchange_gives_a_long_lived_token(ig, mocked):
    mocked.get(f"{GRAPH}/oauth/access_token", json={"access_token": "short", "expires_in": 3600})
    mocked.get(f"{GRAPH}/oauth/access_token", json={"access_token": "long", "expires_in": 5184000})
    assert ig.exchange_code(code="c", redirect_uri="https://app/cb").access_token == "long"


def test_accounts_are_the_linked_business_accounts(ig, mocked):
    mocked.get(
        f"{GRAPH}/me/accounts",
        json={
            "data": [
                {
                    "id": "p1",
                    "name": "Acme page",
                    "instagram_business_account": {
                        "id": "1789",
                        "username": "acme",
                        "name": "Acme",
                        "profile_picture_url": "https://ig/p.jpg",
                    },
                },
                {"id": "p2", "name": "No IG"},
            ]
        },
    )
    [found] = ig.accounts(TokenSet(access_token="long"))
    assert (found.entity_id, found.username, found.account_type) == ("1789", "@acme", "business")


def test_single_image_container_then_status_then_publish(ig, account, mocked):
    mocked.post(
        f"{GRAPH}/1789/media",
        json={"id": "c1"},
        match=[
            matchers.urlencoded_params_matcher({"image_url": "https://cdn/a.jpg", "caption": "hi"})
        ],
    )
    pending = ig.publish(
        account, PostRequest(text="hi", media=[Media("image/jpeg", url="https://cdn/a.jpg")])
    )
    assert isinstance(pending, PendingPublish)
    assert pending.handle == "c1"

    status = matchers.query_param_matcher({"fields": "status_code,status"})
    mocked.get(f"{GRAPH}/c1", json={"status_code": "IN_PROGRESS", "id": "c1"}, match=[status])
    mocked.get(f"{GRAPH}/c1", json={"status_code": "FINISHED", "id": "c1"}, match=[status])
    mocked.post(
        f"{GRAPH}/1789/media_publish",
        json={"id": "m1"},
        match=[matchers.urlencoded_params_matcher({"creation_id": "c1"})],
    )
    mocked.get(f"{GRAPH}/m1", json={"permalink": "https://www.instagram.com/p/abc/"})
    assert ig.check_pending(account, pending) is pending
    done = ig.check_pending(account, pending)
    assert (done.post_id, done.post_url) == ("m1", "https://www.instagram.com/p/abc/")


def test_carousel_creates_children_then_the_parent(ig, account, mocked):
    for n in (1, 2):
        mocked.post(
            f"{GRAPH}/1789/media",
            json={"id": f"k{n}"},
            match=[
                matchers.urlencoded_params_matcher(
                    {"image_url": f"https://cdn/{n}.jpg", "is_carousel_item": "true"}
                )
            ],
        )
    photos = [Media("image/jpeg", url=f"https://cdn/{n}.jpg") for n in (1, 2)]
    pending = ig.publish(account, PostRequest(text="two", media=photos))
    assert pending.state == {"stage": "children", "children": ["k1", "k2"], "caption": "two"}
    # Each child must be FINISHED before the parent may be made.
    mocked.get(f"{GRAPH}/k1", json={"id": "k1", "status_code": "FINISHED"})
    mocked.get(f"{GRAPH}/k2", json={"id": "k2", "status_code": "IN_PROGRESS"})
    assert ig.check_pending(account, pending).handle == "k2"
    mocked.get(f"{GRAPH}/k1", json={"id": "k1", "status_code": "FINISHED"})
    mocked.get(f"{GRAPH}/k2", json={"id": "k2", "status_code": "FINISHED"})
    mocked.post(
        f"{GRAPH}/1789/media",
        json={"id": "parent"},
        match=[
            matchers.urlencoded_params_matcher(
                {"media_type": "CAROUSEL", "children": "k1,k2", "caption": "two"}
            )
        ],
    )
    parent = ig.check_pending(account, pending)
    assert (parent.handle, parent.state) == ("parent", {"stage": "publish"})


def test_media_without_a_public_url_is_refused_plainly(ig, account):
    private = Media("image/jpeg", data=b"...", unreachable="SITE_URL is not public")
    with pytest.raises(PermanentError) as error:
        ig.publish(account, PostRequest(text="x", media=[private]))
    assert error.value.code == "media_not_public"
    assert "SITE_URL is not public" in error.value.reason


def test_reel(ig, account, mocked):
    mocked.post(
        f"{GRAPH}/1789/media",
        json={"id": "r1"},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "media_type": "REELS",
                    "video_url": "https://cdn/v.mp4",
                    "share_to_feed": "true",
                    "caption": "clip",
                }
            )
        ],
    )
    assert (
        ig.publish(
            account, PostRequest(text="clip", media=[Media("video/mp4", url="https://cdn/v.mp4")])
        ).handle
        == "r1"
    )


def test_already_published_container_is_not_published_twice(ig, account, mocked):
    mocked.get(f"{GRAPH}/c1", json={"status_code": "PUBLISHED"})
    mocked.get(
        f"{GRAPH}/1789/media",
        json={"data": [{"id": "m7", "permalink": "https://www.instagram.com/p/x/"}]},
    )
    assert ig.check_pending(account, PendingPublish("instagram", "c1")).post_id == "m7"


def test_container_error_is_classified(ig, account, mocked):
    mocked.get(
        f"{GRAPH}/c1",
        json={"status_code": "ERROR", "status": "Error: 2207026 unsupported video format"},
    )
    mocked.get(
        f"{GRAPH}/c2", json={"status_code": "ERROR", "status": "Error: 2207003 download timeout"}
    )
    with pytest.raises(PermanentError):
        ig.check_pending(account, PendingPublish("instagram", "c1"))
    with pytest.raises(RetryableError):
        ig.check_pending(account, PendingPublish("instagram", "c2"))


def test_media_must_be_public_urls(ig, account):
    with pytest.raises(PermanentError):
        ig.publish(account, PostRequest(text="x", media=[Media("image/jpeg", data=b"x")]))


def test_delete_is_not_supported(ig, account):
    assert ig.supports_delete is False
    with pytest.raises(DeleteNotSupported) as failure:
        ig.delete(account, "m1")
    assert failure.value.code == "DELETE_NOT_SUPPORTED"


def test_metrics_from_insights(ig, account, mocked):
    mocked.get(
        f"{GRAPH}/m1/insights",
        json={
            "data": [
                {"name": "views", "period": "lifetime", "values": [{"value": 900}]},
                {"name": "likes", "period": "lifetime", "values": [{"value": 40}]},
                {"name": "comments", "period": "lifetime", "values": [{"value": 4}]},
                {"name": "shares", "period": "lifetime", "values": [{"value": 3}]},
                {"name": "saved", "period": "lifetime", "values": [{"value": 6}]},
                {"name": "total_interactions", "period": "lifetime", "values": [{"value": 53}]},
            ]
        },
        match=[
            matchers.query_param_matcher(
                {"metric": "views,reach,likes,comments,shares,saved,total_interactions"}
            )
        ],
    )
    assert ig.metrics(account, "m1") == {
        "views": 900,
        "engagement": 53,
        "saved": 6,
        "likes": 40,
        "comments": 4,
        "shares": 3,
    }


def test_not_enough_viewers_is_zero_not_a_reauth(ig, account, mocked):
    mocked.get(
        f"{GRAPH}/m1/insights",
        status=400,
        json={
            "error": {
                "message": "(#10) Not enough viewers for the media to show insights",
                "code": 10,
            }
        },
    )
    assert ig.metrics(account, "m1")["views"] == 0
    assert Connection.objects.get(pk=account.pk).health == Connection.Health.HEALTHY


def test_recent_posts(ig, account, mocked):
    mocked.get(
        f"{GRAPH}/1789/media",
        json={
            "data": [{"id": "m1", "caption": "old", "permalink": "https://www.instagram.com/p/o/"}]
        },
    )
    assert ig.recent_posts(account)[0].text == "old"


def test_rate_limit_and_revoked_token(ig, account, mocked):
    mocked.post(
        f"{GRAPH}/1789/media",
        status=400,
        headers={"Retry-After": "30"},
        json={"error": {"message": "Application request limit reached", "code": 4}},
    )
    mocked.post(
        f"{GRAPH}/1789/media",
        status=400,
        json={
            "error": {"message": "Error validating access token", "code": 190, "error_subcode": 460}
        },
    )
    request = PostRequest(text="x", media=[Media("image/jpeg", url="https://cdn/a.jpg")])
    with pytest.raises(RetryableError) as failure:
        ig.publish(account, request)
    assert failure.value.retry_after == 30
    with pytest.raises(ReauthError):
        ig.publish(account, request)


def test_metrics_of_a_deleted_media_is_post_gone(ig, account, mocked):
    mocked.get(
        f"{GRAPH}/m1/insights",
        status=400,
        json={
            "error": {
                "message": (
                    "Unsupported get request. Object with ID 'm1' does not exist, cannot be "
                    "loaded due to missing permissions, or does not support this operation."
                ),
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
            }
        },
    )
    with pytest.raises(PostGoneError, match="Object with ID 'm1' does not exist"):
        ig.metrics(account, "m1")


def test_mixed_carousel_makes_a_video_child_and_waits_for_it(ig, account, mocked):
    mocked.post(
        f"{GRAPH}/1789/media",
        json={"id": "img"},
        match=[
            matchers.urlencoded_params_matcher(
                {"image_url": "https://cdn/1.jpg", "is_carousel_item": "true"}
            )
        ],
    )
    mocked.post(
        f"{GRAPH}/1789/media",
        json={"id": "vid"},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "media_type": "VIDEO",
                    "video_url": "https://cdn/v.mp4",
                    "is_carousel_item": "true",
                }
            )
        ],
    )
    media = [
        Media("image/jpeg", url="https://cdn/1.jpg"),
        Media("video/mp4", url="https://cdn/v.mp4"),
    ]
    pending = ig.publish(account, PostRequest(text="mixed", media=media))
    assert pending.state["children"] == ["img", "vid"]
    # The video child is still being fetched and transcoded: no parent yet.
    mocked.get(f"{GRAPH}/img", json={"id": "img", "status_code": "FINISHED"})
    mocked.get(f"{GRAPH}/vid", json={"id": "vid", "status_code": "IN_PROGRESS"})
    waiting = ig.check_pending(account, pending)
    assert (waiting.handle, waiting.state["stage"]) == ("vid", "children")
    mocked.get(f"{GRAPH}/img", json={"id": "img", "status_code": "FINISHED"})
    mocked.get(f"{GRAPH}/vid", json={"id": "vid", "status_code": "FINISHED"})
    mocked.post(
        f"{GRAPH}/1789/media",
        json={"id": "parent"},
        match=[
            matchers.urlencoded_params_matcher(
                {"media_type": "CAROUSEL", "children": "img,vid", "caption": "mixed"}
            )
        ],
    )
    assert ig.check_pending(account, waiting).handle == "parent"


def test_a_video_child_that_fails_processing_fails_the_carousel(ig, account, mocked):
    mocked.get(f"{GRAPH}/img", json={"id": "img", "status_code": "FINISHED"})
    mocked.get(
        f"{GRAPH}/vid", json={"id": "vid", "status_code": "ERROR", "status": "Error: 2207026"}
    )
    state = {"stage": "children", "children": ["img", "vid"], "caption": "mixed"}
    with pytest.raises(PermanentError) as failure:
        ig.check_pending(account, PendingPublish("instagram", "img", state, 5))
    assert "2207026" in failure.value.reason
