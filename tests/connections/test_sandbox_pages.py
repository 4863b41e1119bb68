"""The sandbox's pages for people: each account's feed and faults belong to who connected it."""

import pytest

from accounts.models import User
from connections.sandbox import services
from connections.sandbox.models import SandboxAccount, SandboxFault

pytestmark = pytest.mark.django_db

FAULT = {"kind": "server_error", "count": 3, "retry_after": 5}


@pytest.fixture(autouse=True)
def _sandbox_on(settings):
    settings.SANDBOX_ENABLED = True


@pytest.fixture
def olive(user):
    """The X account ``user`` signed in to, with one post."""
    account = services.sign_in(platform="twitter", username="olive", person=user)
    services.create_post(account=account, text="Acme is live")
    return account


@pytest.fixture
def olive_page(user):
    """A LinkedIn organization that came with the profile ``user`` signed in to."""
    person = services.sign_in(platform="linkedin", username="olive", person=user)
    page = person.children.get()
    services.create_post(account=page, text="Acme Inc is hiring")
    return page


@pytest.fixture
def staff_client(client, db):
    staff = User.objects.create_user("staff@example.com", "pw-staff-123", is_staff=True)
    client.force_login(staff)
    return client


def pages(account) -> dict[str, str]:
    return {
        "feed": f"/sandbox/accounts/{account.pk}/",
        "faults": f"/sandbox/accounts/{account.pk}/faults",
        "clear": f"/sandbox/accounts/{account.pk}/faults/clear",
    }


def test_the_owner_sees_the_feed_and_controls_faults(logged_in_client, olive):
    urls = pages(olive)

    feed = logged_in_client.get(urls["feed"])
    assert feed.status_code == 200
    assert "Acme is live" in feed.text
    assert logged_in_client.post(urls["faults"], FAULT).status_code == 302
    assert olive.faults.get().remaining == 3
    assert logged_in_client.post(urls["clear"]).status_code == 302
    assert not olive.faults.exists()


def test_the_owner_sees_the_pages_of_the_account_they_connected(logged_in_client, olive_page):
    feed = logged_in_client.get(pages(olive_page)["feed"])
    assert feed.status_code == 200
    assert "Acme Inc is hiring" in feed.text


@pytest.mark.parametrize("account_fixture", ["olive", "olive_page"])
def test_a_stranger_gets_404_everywhere_and_changes_nothing(
    client, stranger, request, account_fixture
):
    account = request.getfixturevalue(account_fixture)
    services.inject_fault(account=account, kind="rate_limit", count=1)
    client.force_login(stranger)
    urls = pages(account)

    assert client.get(urls["feed"]).status_code == 404
    assert client.post(urls["faults"], FAULT).status_code == 404
    assert client.post(urls["clear"]).status_code == 404
    assert list(account.faults.values_list("kind", "remaining")) == [("rate_limit", 1)]
    index = client.get("/sandbox/")
    assert urls["feed"] not in index.text
    assert "No sandbox accounts yet" in index.text


def test_staff_see_and_control_every_account(staff_client, olive, olive_page):
    index = staff_client.get("/sandbox/")
    assert pages(olive)["feed"] in index.text
    assert pages(olive_page)["feed"] in index.text
    assert "owner@example.com" in index.text  # who connected it

    assert "Acme is live" in staff_client.get(pages(olive)["feed"]).text
    staff_client.post(pages(olive_page)["faults"], FAULT)
    assert olive_page.faults.get().kind == SandboxFault.Kind.SERVER_ERROR


def test_anonymous_visitors_are_sent_to_sign_in(client, olive):
    for method, url in [
        ("get", "/sandbox/"),
        ("get", pages(olive)["feed"]),
        ("post", pages(olive)["faults"]),
        ("post", pages(olive)["clear"]),
    ]:
        response = getattr(client, method)(url, FAULT if method == "post" else None)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not olive.faults.exists()


def test_the_index_lists_only_ones_own_accounts(logged_in_client, stranger, olive):
    theirs = services.sign_in(platform="reddit", username="someone", person=stranger)

    index = logged_in_client.get("/sandbox/").text

    assert pages(olive)["feed"] in index
    assert pages(theirs)["feed"] not in index
    assert "Twitter / X</td>" in index  # the platform's name, not its key "twitter"
    assert "<td>twitter</td>" not in index


def test_nobody_else_can_sign_in_to_an_owned_sandbox_account(user, stranger, olive):
    with pytest.raises(services.SandboxError, match="belongs to someone else"):
        services.sign_in(platform="twitter", username="olive", person=stranger)
    with pytest.raises(services.SandboxError):
        services.sign_in(platform="twitter", username="olive")  # anonymous
    assert services.sign_in(platform="twitter", username="olive", person=user) == olive


def test_an_account_without_owner_is_claimed_by_the_next_person(user):
    unowned = services.sign_in(platform="tiktok", username="early")
    assert unowned.owner is None

    services.sign_in(platform="tiktok", username="early", person=user)

    assert SandboxAccount.objects.get(pk=unowned.pk).owner == user


def test_the_consent_page_refuses_someone_elses_account_name(client, stranger, olive):
    client.force_login(stranger)
    params = {
        "redirect_uri": "http://testserver/connections/twitter/callback/",
        "state": "s",
        "client_id": "sandbox",
        "username": "olive",
        "decision": "approve",
    }

    response = client.post("/sandbox/twitter/auth/i/oauth2/authorize", params)

    assert response.status_code == 400
    assert "belongs to someone else" in response.text
    assert 'aria-invalid="true"' in response.text


def test_accounts_from_before_owners_get_the_one_person_whose_connections_use_them(
    user, stranger, make_platform_connection
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("connections.sandbox.migrations.0002_sandboxaccount_owner")
    x = services.sign_in(platform="twitter", username="x-olive")
    linkedin = services.sign_in(platform="linkedin", username="li-olive")
    shared = services.sign_in(platform="reddit", username="shared")
    make_platform_connection("twitter", entity_id=x.entity_id, is_sandbox=True)
    organization = linkedin.children.get().entity_id  # connected as its page, stored as a URN
    make_platform_connection(
        "linkedin", entity_id=f"urn:li:organization:{organization}", is_sandbox=True
    )
    make_platform_connection("reddit", entity_id=shared.entity_id, is_sandbox=True)
    make_platform_connection("reddit", entity_id=shared.entity_id, is_sandbox=True, owner=stranger)

    migration.owners_from_connections(apps, None)

    owners = dict(SandboxAccount.objects.filter(parent=None).values_list("username", "owner"))
    assert owners == {"x-olive": user.pk, "li-olive": user.pk, "shared": None}
