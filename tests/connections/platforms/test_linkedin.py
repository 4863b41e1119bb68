from urllib.parse import parse_qs, urlsplit

import pytest
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
    TokenSet,
)
from connections.platforms.linkedin import escape_little

API = "https://api.linkedin.com"
OAUTH = "https://www.linkedin.com/oauth/v2"
PERSON = "urn:li:person:abc"
ORG = "urn:li:organization:123"
pytestmark = pytest.mark.usefixtures("configured")
VERSIONED = matchers.header_matcher(
    {"LinkedIn-Version": "202601", "X-Restli-Protocol-Version": "2.0.0"}
)


@pytest.fixture
def li():
    return get_adapter("linkedin")


@pytest.fixture
def person(make_connection):
    return make_connection("linkedin", entity_id=PERSON, account_type="personal", refresh_token="")


@pytest.fixture
def org(make_connection):
    return make_connection("linkedin", entity_id=ORG, account_type="organization", refresh_token="")


def test_authorization_url_has_member_and_organization_scopes(li):
    url = li.authorization_url(redirect_uri="https://app/cb", state="s")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{OAUTH}/authorization?")
    assert {"w_member_social", "w_organization_social", "openid"} <= set(query["scope"][0].split())
    assert "code_challenge" not in query  # server-side flow with a client secret, no PKCE


def test_exchange_and_refresh(li, mocked):
    mocked.post(
        f"{OAUTH}/accessToken",
        json={
            "access_token": "a",
            "expires_in": 5184000,
            "refresh_token": "r",
            "refresh_token_expires_in": 31536000,
            "scope": "openid,profile,w_member_social",
        },
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "authorization_code",
                    "code": "c",
                    "redirect_uri": "https://app/cb",
                    "client_id": "linkedin-client",
                    "client_secret": "linkedin-secret",
                }
            )
        ],
    )
    mocked.post(
        f"{OAUTH}/accessToken",
        json={"access_token": "a2", "expires_in": 5184000},
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "refresh_token",
                    "refresh_token": "r",
                    "client_id": "linkedin-client",
                    "client_secret": "linkedin-secret",
                }
            )
        ],
    )
    tokens = li.exchange_code(code="c", redirect_uri="https://app/cb")
    assert tokens.expires_in == 5184000
    assert tokens.refresh_expires_in == 31536000
    assert tokens.scopes == ["openid", "profile", "w_member_social"]
    assert li.refresh("r").refresh_token == ""  # not rotated: the stored one is kept


def test_accounts_are_the_profile_and_each_administered_page(li, mocked):
    mocked.get(
        f"{API}/v2/userinfo",
        json={"sub": "abc", "name": "Olive Owner", "picture": "https://media/p.jpg"},
    )
    mocked.get(
        f"{API}/rest/organizationAcls",
        json={
            "elements": [
                {
                    "role": "ADMINISTRATOR",
                    "state": "APPROVED",
                    "organization": ORG,
                    "roleAssignee": PERSON,
                },
                {
                    "role": "ANALYST",
                    "state": "APPROVED",
                    "organization": "urn:li:organization:999",
                    "roleAssignee": PERSON,
                },
            ]
        },
        match=[VERSIONED, matchers.query_param_matcher({"q": "roleAssignee", "state": "APPROVED"})],
    )
    mocked.get(
        f"{API}/rest/organizations/123",
        json={"id": 123, "localizedName": "Acme", "vanityName": "acme"},
    )
    profile, page = li.accounts(TokenSet(access_token="a"))
    assert (profile.entity_id, profile.account_type) == (PERSON, "personal")
    assert (page.entity_id, page.account_type, page.display_name) == (ORG, "organization", "Acme")
    assert page.avatar_url == ""  # no logo: the page shows its initial


LOGO_URN = "urn:li:image:C4D0BAQH"


def still(width: int, url: str) -> dict:
    """One rendition of a logo, as the ``original~:playableStreams`` decoration gives it."""
    return {
        "authorizationMethod": "PUBLIC",
        "data": {
            "com.linkedin.digitalmedia.mediaartifact.StillImage": {
                "storageSize": {"width": width, "height": width},
                "mediaType": "image/png",
            }
        },
        "identifiers": [
            {"identifier": url, "identifierType": "EXTERNAL_URL", "mediaType": "image/png"}
        ],
    }


def one_page_admin(mocked):
    mocked.get(f"{API}/v2/userinfo", json={"sub": "abc", "name": "Olive Owner"})
    mocked.get(
        f"{API}/rest/organizationAcls",
        json={
            "elements": [
                {"role": "ADMINISTRATOR", "state": "APPROVED", "organization": ORG},
            ]
        },
    )


def test_a_company_pages_logo_is_its_picture(li, mocked):
    one_page_admin(mocked)
    lookup = mocked.get(
        f"{API}/rest/organizations/123",
        json={
            "id": 123,
            "localizedName": "Acme",
            "vanityName": "acme",
            "logoV2": {
                "original": LOGO_URN,
                "original~": {
                    "elements": [
                        still(100, "https://media.licdn.com/dms/image/logo_100"),
                        still(400, "https://media.licdn.com/dms/image/logo_400"),
                        still(200, "https://media.licdn.com/dms/image/logo_200"),
                    ]
                },
            },
        },
        match=[VERSIONED],
    )
    _, page = li.accounts(TokenSet(access_token="a"))
    assert page.avatar_url == "https://media.licdn.com/dms/image/logo_400"  # the largest
    query = parse_qs(urlsplit(lookup.calls[0].request.url).query)
    assert query["projection"] == [
        "(id,localizedName,vanityName,logoV2(original,original~:playableStreams))"
    ]


def a_page_whose_logo_is_only_its_urn(mocked):
    one_page_admin(mocked)
    mocked.get(
        f"{API}/rest/organizations/123",
        json={"id": 123, "localizedName": "Acme", "logoV2": {"original": LOGO_URN}},
    )


def test_a_logo_without_its_streams_is_looked_up_in_the_images_api(li, mocked):
    a_page_whose_logo_is_only_its_urn(mocked)
    mocked.get(
        f"{API}/rest/images/urn%3Ali%3Aimage%3AC4D0BAQH",
        json={
            "id": LOGO_URN,
            "status": "AVAILABLE",
            "downloadUrl": "https://media.licdn.com/dms/image/logo",
            "owner": ORG,
        },
        match=[VERSIONED],
    )
    _, page = li.accounts(TokenSet(access_token="a"))
    assert page.avatar_url == "https://media.licdn.com/dms/image/logo"


def test_a_logo_the_images_api_refuses_leaves_the_initial(li, mocked):
    a_page_whose_logo_is_only_its_urn(mocked)
    mocked.get(
        f"{API}/rest/images/urn%3Ali%3Aimage%3AC4D0BAQH",
        status=403,
        json={"status": 403, "code": "ACCESS_DENIED", "message": "Not enough permissions"},
    )
    _, page = li.accounts(TokenSet(access_token="a"))
    assert (page.display_name, page.avatar_url) == ("Acme", "")


def test_text_post_escapes_reserved_characters_and_reads_the_restli_id(li, person, mocked):
    mocked.post(
        f"{API}/rest/posts",
        status=201,
        headers={"x-restli-id": "urn:li:share:1"},
        match=[
            VERSIONED,
            matchers.json_params_matcher(
                {
                    "author": PERSON,
                    "commentary": "Hello \\(world\\) \\#launch",
                    "visibility": "PUBLIC",
                    "distribution": {
                        "feedDistribution": "MAIN_FEED",
                        "targetEntities": [],
                        "thirdPartyDistributionChannels": [],
                    },
                    "lifecycleState": "PUBLISHED",
                    "isReshareDisabledByAuthor": False,
                }
            ),
        ],
    )
    result = li.publish(person, PostRequest(text="Hello (world) #launch"))
    assert result.post_id == "urn:li:share:1"
    assert result.post_url == "https://www.linkedin.com/feed/update/urn:li:share:1"


def test_escape_little():
    assert escape_little("a_b*c") == "a\\_b\\*c"


def test_organization_post_with_two_images(li, org, mocked):
    for n in (1, 2):
        mocked.post(
            f"{API}/rest/images",
            json={"value": {"uploadUrl": f"https://upload.li/{n}", "image": f"urn:li:image:{n}"}},
            match=[matchers.json_params_matcher({"initializeUploadRequest": {"owner": ORG}})],
        )
        mocked.put(f"https://upload.li/{n}", status=201)
    mocked.post(
        f"{API}/rest/posts",
        status=201,
        headers={"x-restli-id": "urn:li:share:2"},
        match=[
            matchers.json_params_matcher(
                {
                    "content": {
                        "multiImage": {
                            "images": [
                                {"id": "urn:li:image:1", "altText": ""},
                                {"id": "urn:li:image:2", "altText": ""},
                            ]
                        }
                    }
                },
                strict_match=False,
            )
        ],
    )
    images = [Media("image/png", data=b"1"), Media("image/png", data=b"2")]
    pending = li.publish(org, PostRequest(text="pics", media=images))
    assert pending.state["media"] == ["urn:li:image:1", "urn:li:image:2"]
    # The post is created only once every image is AVAILABLE.
    mocked.get(f"{API}/rest/images/urn%3Ali%3Aimage%3A1", json={"status": "AVAILABLE"})
    mocked.get(f"{API}/rest/images/urn%3Ali%3Aimage%3A2", json={"status": "PROCESSING"})
    assert li.check_pending(org, pending).handle == "urn:li:image:2"
    mocked.get(f"{API}/rest/images/urn%3Ali%3Aimage%3A1", json={"status": "AVAILABLE"})
    mocked.get(f"{API}/rest/images/urn%3Ali%3Aimage%3A2", json={"status": "AVAILABLE"})
    assert li.check_pending(org, pending).post_id == "urn:li:share:2"


def test_a_member_token_that_cannot_read_images_posts_after_the_upload(li, person, mocked):
    mocked.post(
        f"{API}/rest/images",
        json={"value": {"uploadUrl": "https://upload.li/1", "image": "urn:li:image:1"}},
    )
    mocked.put("https://upload.li/1", status=201)
    mocked.get(f"{API}/rest/images/urn%3Ali%3Aimage%3A1", status=403, json={"message": "denied"})
    mocked.post(f"{API}/rest/posts", status=201, headers={"x-restli-id": "urn:li:share:5"})
    pending = li.publish(person, PostRequest(text="pic", media=[Media("image/png", data=b"1")]))
    assert li.check_pending(person, pending).post_id == "urn:li:share:5"
    person.refresh_from_db()
    assert person.health != person.Health.NEEDS_REAUTH


def test_failed_processing_is_permanent(li, person, mocked):
    mocked.get(f"{API}/rest/videos/urn%3Ali%3Avideo%3A9", json={"status": "PROCESSING_FAILED"})
    pending = PendingPublish(
        "linkedin", "urn:li:video:9", {"body": {}, "media": ["urn:li:video:9"]}
    )
    with pytest.raises(PermanentError):
        li.check_pending(person, pending)


def test_video_upload_in_parts_then_post(li, person, mocked):
    mocked.post(
        f"{API}/rest/videos",
        json={
            "value": {
                "video": "urn:li:video:9",
                "uploadToken": "",
                "uploadInstructions": [
                    {"uploadUrl": "https://upload.li/v/0", "firstByte": 0, "lastByte": 1},
                    {"uploadUrl": "https://upload.li/v/1", "firstByte": 2, "lastByte": 3},
                ],
            }
        },
        match=[matchers.query_param_matcher({"action": "initializeUpload"})],
    )
    mocked.put("https://upload.li/v/0", headers={"ETag": "e0"}, match=[matchers.body_matcher("ab")])
    mocked.put("https://upload.li/v/1", headers={"ETag": "e1"}, match=[matchers.body_matcher("cd")])
    mocked.post(
        f"{API}/rest/videos",
        json={},
        match=[
            matchers.query_param_matcher({"action": "finalizeUpload"}),
            matchers.json_params_matcher(
                {
                    "finalizeUploadRequest": {
                        "video": "urn:li:video:9",
                        "uploadToken": "",
                        "uploadedPartIds": ["e0", "e1"],
                    }
                }
            ),
        ],
    )
    mocked.post(f"{API}/rest/posts", status=201, headers={"x-restli-id": "urn:li:ugcPost:3"})
    mocked.get(f"{API}/rest/videos/urn%3Ali%3Avideo%3A9", json={"status": "AVAILABLE"})
    pending = li.publish(person, PostRequest(text="v", media=[Media("video/mp4", data=b"abcd")]))
    assert li.check_pending(person, pending).post_id == "urn:li:ugcPost:3"


def test_link_post_is_an_article(li, person, mocked):
    mocked.post(
        f"{API}/rest/posts",
        status=201,
        headers={"x-restli-id": "urn:li:share:4"},
        match=[
            matchers.json_params_matcher(
                {"content": {"article": {"source": "https://ex.com", "title": "Ex"}}},
                strict_match=False,
            )
        ],
    )
    li.publish(person, PostRequest(text="read", link="https://ex.com", title="Ex"))


def test_delete_is_idempotent(li, person, mocked):
    mocked.delete(f"{API}/rest/posts/urn%3Ali%3Ashare%3A1", status=204, match=[VERSIONED])
    li.delete(person, "urn:li:share:1")


def test_organization_metrics(li, org, mocked):
    mocked.get(
        f"{API}/rest/organizationalEntityShareStatistics",
        json={
            "elements": [
                {
                    "totalShareStatistics": {
                        "impressionCount": 100,
                        "uniqueImpressionsCount": 80,
                        "clickCount": 5,
                        "likeCount": 7,
                        "commentCount": 2,
                        "shareCount": 1,
                        "engagement": 0.15,
                    }
                }
            ]
        },
        match=[
            matchers.query_param_matcher(
                {
                    "q": "organizationalEntity",
                    "organizationalEntity": ORG,
                    "shares": "List(urn%3Ali%3Ashare%3A1)",
                }
            )
        ],
    )
    assert li.metrics(org, "urn:li:share:1") == {
        "impressions": 100,
        "uniqueImpressions": 80,
        "likes": 7,
        "comments": 2,
        "shares": 1,
        "clicks": 5,
        "engagement": 0.15,
    }


def test_member_metrics_one_query_type_per_call(li, person, mocked):
    for query_type, count in [
        ("IMPRESSION", 200),
        ("MEMBERS_REACHED", 150),
        ("REACTION", 10),
        ("COMMENT", 4),
        ("RESHARE", 2),
    ]:
        mocked.get(
            f"{API}/rest/memberCreatorPostAnalytics",
            json={"elements": [{"count": count}]},
            match=[
                matchers.query_param_matcher(
                    {
                        "q": "entity",
                        "entity": "(share:urn%3Ali%3Ashare%3A1)",
                        "queryType": query_type,
                        "aggregation": "TOTAL",
                    }
                )
            ],
        )
    metrics = li.metrics(person, "urn:li:share:1")
    assert metrics["impressions"] == 200
    assert metrics["uniqueImpressions"] == 150
    assert metrics["engagement"] == round(16 / 200, 4)


def test_recent_posts(li, person, mocked):
    mocked.get(
        f"{API}/rest/posts", json={"elements": [{"id": "urn:li:share:1", "commentary": "old post"}]}
    )
    assert li.recent_posts(person)[0].text == "old post"


def test_duplicate_post_is_permanent(li, person, mocked):
    mocked.post(
        f"{API}/rest/posts",
        status=422,
        json={
            "status": 422,
            "code": "DUPLICATE_POST",
            "message": "Content is a duplicate of urn:li:share:1",
        },
    )
    with pytest.raises(PermanentError, match="duplicate"):
        li.publish(person, PostRequest(text="again"))


def test_rate_limit_is_retryable(li, person, mocked):
    mocked.post(
        f"{API}/rest/posts",
        status=429,
        headers={"Retry-After": "60"},
        json={"status": 429, "message": "throttled"},
    )
    with pytest.raises(RetryableError) as failure:
        li.publish(person, PostRequest(text="x"))
    assert failure.value.retry_after == 60


def test_revoked_token_without_refresh_token_needs_reauth(li, person, mocked):
    mocked.post(
        f"{API}/rest/posts",
        status=401,
        json={
            "status": 401,
            "serviceErrorCode": 65601,
            "code": "REVOKED_ACCESS_TOKEN",
            "message": "The token used in the request has been revoked by the user",
        },
    )
    with pytest.raises(ReauthError):
        li.publish(person, PostRequest(text="x"))
    assert Connection.objects.get(pk=person.pk).health == Connection.Health.NEEDS_REAUTH


def test_server_error_is_retryable(li, person, mocked):
    mocked.post(f"{API}/rest/posts", status=500, json={"status": 500, "message": "Internal"})
    with pytest.raises(RetryableError):
        li.publish(person, PostRequest(text="x"))


LINKEDIN_404 = {"status": 404, "serviceErrorCode": 100, "code": "NOT_FOUND", "message": "Not Found"}


def test_organization_metrics_of_a_deleted_post_is_post_gone(li, org, mocked):
    mocked.get(f"{API}/rest/organizationalEntityShareStatistics", status=404, json=LINKEDIN_404)
    with pytest.raises(PostGoneError) as failure:
        li.metrics(org, "urn:li:share:1")
    assert failure.value.reason == "LinkedIn: Not Found"


def test_member_metrics_of_a_deleted_post_is_post_gone(li, person, mocked):
    mocked.get(f"{API}/rest/memberCreatorPostAnalytics", status=404, json=LINKEDIN_404)
    with pytest.raises(PostGoneError, match="Not Found"):
        li.metrics(person, "urn:li:share:1")


def test_delete_of_a_post_answering_404_counts_as_deleted(li, person, mocked):
    mocked.delete(f"{API}/rest/posts/urn%3Ali%3Ashare%3A1", status=404, json=LINKEDIN_404)
    li.delete(person, "urn:li:share:1")
