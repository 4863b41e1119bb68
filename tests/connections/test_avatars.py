"""The account's picture: copied at connect time through the safe fetcher into our storage,
served from our own URL (never the platform's), refreshed on reconnect, initials otherwise."""

import io
from urllib.parse import urlsplit

import pytest
from django.test import Client
from PIL import Image

from connections import services
from connections.models import Connection
from connections.platforms.base import AccountInfo, TokenSet
from media.storage import media_storage
from tests.conftest import PUBLIC_IP
from tests.launches.factories import LaunchFactory

X_API = "https://api.x.com/2"
PICTURE = "https://pbs.twimg.com/profile_images/1/olive_normal.jpg"


def picture(colour="red", size=(400, 300), kind="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def connect_x(client, mocked, image_url=PICTURE):
    response = client.post("/connections/twitter/connect/")
    state = dict(p.split("=", 1) for p in urlsplit(response["Location"]).query.split("&"))
    mocked.post(f"{X_API}/oauth2/token", json={"access_token": "a", "expires_in": 7200})
    me = {"id": "42", "username": "olive", "name": "Olive", "profile_image_url": image_url}
    mocked.get(f"{X_API}/users/me", json={"data": me})
    done = client.get("/connections/twitter/callback", {"state": state["state"], "code": "c"})
    assert done["Location"] == "/connections/"
    return Connection.objects.get(platform="twitter", is_active=True)


def save(owner, avatar_url, sandbox=False):
    account = AccountInfo(entity_id="7", username="olive", avatar_url=avatar_url)
    return services.save_connection(
        owner=owner,
        platform="reddit",
        sandbox=sandbox,
        tokens=TokenSet(access_token="a"),
        account=account,
    )


@pytest.mark.usefixtures("configured")
def test_connecting_copies_the_picture_and_pages_show_only_our_copy(logged_in_client, mocked, dns):
    dns["pbs.twimg.com"] = [PUBLIC_IP]
    mocked.get(PICTURE, body=picture(), content_type="image/jpeg")
    connection = connect_x(logged_in_client, mocked)

    assert connection.avatar_url == PICTURE  # where the platform keeps it, for the API
    stored = media_storage().open(connection.avatar_name).read()
    with Image.open(io.BytesIO(stored)) as copy:  # re-encoded: a small square PNG
        assert (copy.format, copy.size) == ("PNG", (96, 96))
    page = logged_in_client.get("/connections/").content.decode()
    src = f"/connections/{connection.pk}/avatar/{connection.avatar_name.rsplit('/', 1)[-1]}"
    assert f'<img class="avatar" src="{src}"' in page
    assert "twimg.com" not in page  # never hot-linked
    served = logged_in_client.get(src)
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")
    assert b"".join(served.streaming_content) == stored
    assert "immutable" in served["Cache-Control"]


@pytest.mark.usefixtures("configured")
def test_reconnecting_replaces_the_picture_and_forgets_the_old_copy(logged_in_client, mocked, dns):
    dns["pbs.twimg.com"] = [PUBLIC_IP]
    mocked.get(PICTURE, body=picture("red"), content_type="image/jpeg")
    first = connect_x(logged_in_client, mocked).avatar_name
    new_url = "https://pbs.twimg.com/profile_images/2/olive_normal.png"
    mocked.get(new_url, body=picture("blue", kind="PNG"), content_type="image/png")

    second = connect_x(logged_in_client, mocked, image_url=new_url).avatar_name

    assert second != first
    assert media_storage().exists(second)
    assert not media_storage().exists(first)
    old_src = f"/connections/{Connection.objects.get().pk}/avatar/{first.rsplit('/', 1)[-1]}"
    assert logged_in_client.get(old_src).status_code == 404


def test_a_picture_on_a_private_address_is_never_fetched(user, dns, mocked):
    dns["avatars.example.com"] = ["10.0.0.8"]  # what an attacker's DNS might answer
    connection = save(user, "https://avatars.example.com/me.png")
    assert connection.avatar_name == ""
    assert "avatars.example.com" in dns.lookups
    assert len(mocked.calls) == 0  # refused before any request


@pytest.mark.parametrize(
    "body",
    [
        b"<html>not a picture</html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        picture(kind="BMP"),
    ],
)
def test_anything_but_a_picture_leaves_the_initial(user, dns, mocked, body):
    mocked.get("https://cdn.example.com/me", body=body)
    assert save(user, "https://cdn.example.com/me").avatar_name == ""


def test_a_failed_refresh_keeps_the_picture_we_had(user, dns, mocked):
    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    kept = save(user, "https://cdn.example.com/me.png").avatar_name
    mocked.replace("GET", "https://cdn.example.com/me.png", status=503)
    assert save(user, "https://cdn.example.com/me.png").avatar_name == kept
    assert media_storage().exists(kept)


def test_a_picture_removed_on_the_platform_is_removed_here(user, dns, mocked):
    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    kept = save(user, "https://cdn.example.com/me.png").avatar_name
    assert save(user, "").avatar_name == ""
    assert not media_storage().exists(kept)


def test_only_a_sandbox_account_may_have_its_picture_on_this_machine(user, settings, mocked):
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:8999/sandbox"
    mocked.assert_all_requests_are_fired = False
    for path in ("admin/me.png", "sandbox/me.png"):
        mocked.get(f"http://127.0.0.1:8999/{path}", body=picture(kind="PNG"))
    assert save(user, "http://127.0.0.1:8999/admin/me.png", sandbox=True).avatar_name == ""
    assert save(user, "http://127.0.0.1:8999/sandbox/me.png", sandbox=False).avatar_name == ""
    assert len(mocked.calls) == 0
    assert save(user, "http://127.0.0.1:8999/sandbox/me.png", sandbox=True).avatar_name


def test_a_picture_is_served_only_to_the_accounts_owner(
    logged_in_client, user, stranger, dns, mocked
):
    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    connection = save(user, "https://cdn.example.com/me.png")
    src = f"/connections/{connection.pk}/avatar/{connection.avatar_name.rsplit('/', 1)[-1]}"
    assert logged_in_client.get(src).status_code == 200
    assert Client().get(src).status_code == 302  # signed out: to the login page
    other = Client()
    other.force_login(stranger)
    assert other.get(src).status_code == 404
    assert logged_in_client.get(src.replace(".png", "x.png")).status_code == 404


def test_the_preview_shows_the_posting_accounts_picture_else_its_initial(
    logged_in_client, user, dns, mocked
):
    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    connection = save(user, "https://cdn.example.com/me.png")
    launch = LaunchFactory(
        owner=user,
        platforms=["reddit", "linkedin"],
        platform_contents={
            "reddit": {"platform": "reddit", "title": "Acme", "content": "Hello"},
            "linkedin": {"platform": "linkedin", "content": "Hello"},
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    src = f"/connections/{connection.pk}/avatar/{connection.avatar_name.rsplit('/', 1)[-1]}"
    assert f'<img class="pp-avatar" src="{src}" alt=""' in page
    assert '<span class="pp-avatar" aria-hidden="true">O</span>' in page  # LinkedIn: no account


@pytest.mark.django_db(transaction=True)
def test_a_sandbox_account_comes_with_a_picture(sandbox_server, logged_in_client):
    from tests.connections.test_end_to_end import connect

    connection = connect(logged_in_client, "twitter").get()
    assert connection.avatar_url.startswith(f"{sandbox_server.url}/sandbox/accounts/")
    with Image.open(media_storage().open(connection.avatar_name)) as copy:
        assert copy.size == (96, 96)


@pytest.mark.django_db(transaction=True)
def test_a_sandbox_linkedin_company_page_gets_its_logo(sandbox_server, logged_in_client):
    """The organization lookup's logo (``logoV2``) is the page's picture, copied like a
    profile's; company pages showed their initial."""
    from tests.connections.test_end_to_end import connect

    def every_account(client):
        accounts = client.get("/connections/choose/").context["choice"]["accounts"]
        return [account["entity_id"] for account in accounts]

    accounts = connect(logged_in_client, "linkedin", choose=every_account)
    page = accounts.get(account_type="organization")
    assert page.avatar_url.startswith(f"{sandbox_server.url}/sandbox/accounts/")
    assert page.avatar_name
    assert page.avatar_name != accounts.get(account_type="personal").avatar_name
    with Image.open(media_storage().open(page.avatar_name)) as copy:
        assert copy.size == (96, 96)


def test_disconnecting_forgets_the_picture(logged_in_client, user, dns, mocked):
    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    connection = save(user, "https://cdn.example.com/me.png")
    kept = connection.avatar_name
    response = logged_in_client.post(f"/connections/{connection.pk}/disconnect/")
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.avatar_name == ""
    assert not media_storage().exists(kept)


def test_official_sandbox_accounts_get_a_drawn_picture_without_any_request(db, settings, mocked):
    """``make demo`` connects them before the web server is up: their picture is drawn here
    (``mocked`` has no route, so any HTTP request would fail the test)."""
    from connections.sandbox import services as sandbox

    settings.SANDBOX_ENABLED = True
    first = sandbox.connect_official_accounts()
    again = sandbox.connect_official_accounts()  # make demo again: still there
    assert {c.platform for c in again} == {c.platform for c in first} == {"twitter", "reddit"}
    for connection in again:
        connection.refresh_from_db()
        with Image.open(media_storage().open(connection.avatar_name)) as copy:
            assert copy.size == (96, 96)
    assert len(mocked.calls) == 0


def test_deleting_a_whole_account_deletes_its_pictures(
    user, dns, mocked, django_capture_on_commit_callbacks
):
    """The user's rows cascade (no service runs); the picture files go with them."""
    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    kept = save(user, "https://cdn.example.com/me.png").avatar_name
    assert media_storage().exists(kept)
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not Connection.objects.exists()
    assert not media_storage().exists(kept)


def test_a_deletion_that_rolls_back_keeps_the_picture(user, dns, mocked):
    from django.db import transaction

    mocked.get("https://cdn.example.com/me.png", body=picture(kind="PNG"))
    kept = save(user, "https://cdn.example.com/me.png").avatar_name

    def delete_then_fail():
        with transaction.atomic():
            user.delete()
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert media_storage().exists(kept)
    assert Connection.objects.filter(avatar_name=kept).exists()
