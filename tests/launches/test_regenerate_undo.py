"""Regenerating text a person wrote asks first, and every regeneration can be undone."""

import pytest

from dropspace.api.errors import ApiError, Code
from launches import history, services
from tests.launches.factories import LaunchFactory

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def edited(user):
    """A launch whose LinkedIn text a person wrote and whose X post the writer wrote."""
    return LaunchFactory(
        owner=user,
        product_description="Acme turns invoices into payments. It takes one click.",
        platform_contents={
            "twitter": {
                "platform": "twitter",
                "content": "Acme is live",
                "generated_by": "offline",
            },
            "linkedin": {"platform": "linkedin", "content": "My words.", "generated_by": "user"},
        },
    )


def test_regenerating_a_persons_text_asks_first_and_changes_nothing(logged_in_client, edited):
    response = logged_in_client.post(
        f"/launches/{edited.pk}/regenerate", {"platform": "linkedin"}, **HX
    )
    fragment = response.content.decode()
    assert "You edited the LinkedIn text." in fragment
    assert "Regenerate anyway" in fragment
    assert "Keep my text" in fragment
    edited.refresh_from_db()
    assert edited.platform_contents["linkedin"]["content"] == "My words."
    assert edited.regeneration_count == 0


def test_the_page_asks_in_the_browser_for_an_edited_platform_only(logged_in_client, edited):
    page = logged_in_client.get(f"/launches/{edited.pk}/").content.decode()
    assert page.count('hx-confirm="You edited the LinkedIn text. Regenerate it anyway?') == 1
    assert 'hx-confirm="You edited the LinkedIn text. Regenerate everything anyway?' in page


def test_text_typed_but_not_saved_also_asks(logged_in_client, edited):
    response = logged_in_client.post(
        f"/launches/{edited.pk}/regenerate",
        {"platform": "twitter", "twitter-thread": ["Typed, not saved"]},
        **HX,
    )
    fragment = response.content.decode()
    assert "You edited the Twitter / X text." in fragment
    assert "Typed, not saved" in fragment  # what was typed stays in the editor


def test_confirmed_regenerate_keeps_the_persons_version_and_undo_brings_it_back(
    logged_in_client, edited
):
    response = logged_in_client.post(
        f"/launches/{edited.pk}/regenerate", {"platform": "linkedin", "confirmed": "yes"}, **HX
    )
    assert "Rewritten by the offline writer: LinkedIn." in response.content.decode()
    assert "Undo regenerate" in response.content.decode()
    edited.refresh_from_db()
    assert edited.platform_contents["linkedin"]["generated_by"] == "offline"
    assert edited.content_history["linkedin"][-1]["entry"]["content"] == "My words."
    assert "twitter" not in edited.content_history  # only what was rewritten is kept

    response = logged_in_client.post(f"/launches/{edited.pk}/undo", {"platform": "linkedin"}, **HX)
    fragment = response.content.decode()
    assert "Restored the earlier LinkedIn text." in fragment
    assert "My words." in fragment
    edited.refresh_from_db()
    assert edited.platform_contents["linkedin"] == {
        "platform": "linkedin",
        "content": "My words.",
        "generated_by": "user",
    }
    assert edited.content_history == {}


def test_confirmed_regenerate_saves_typed_text_first_so_undo_returns_it(logged_in_client, edited):
    logged_in_client.post(
        f"/launches/{edited.pk}/regenerate",
        {"platform": "twitter", "twitter-thread": ["Typed, not saved"], "confirmed": "yes"},
        **HX,
    )
    edited.refresh_from_db()
    assert edited.platform_contents["twitter"]["generated_by"] == "offline"
    services.undo_regeneration(launch=edited, platform="twitter")
    edited.refresh_from_db()
    assert edited.platform_contents["twitter"]["content"] == "Typed, not saved"


def test_writer_text_regenerates_without_asking(logged_in_client, edited):
    response = logged_in_client.post(f"/launches/{edited.pk}/regenerate", {"platform": "twitter"})
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.regeneration_count == 1


def test_undo_without_an_earlier_version_says_so(logged_in_client, edited):
    response = logged_in_client.post(f"/launches/{edited.pk}/undo", {"platform": "linkedin"}, **HX)
    assert "There is no earlier version to restore." in response.content.decode()


def test_undo_of_a_strangers_launch_is_404(client, stranger, edited):
    client.force_login(stranger)
    assert client.post(f"/launches/{edited.pk}/undo", {"platform": "linkedin"}).status_code == 404


def test_history_keeps_the_last_five_versions(edited, plan_limits):
    plan_limits(regenerations_per_launch=10)
    for _ in range(7):
        services.generate_content(launch=edited, platforms=["linkedin"])
    edited.refresh_from_db()
    assert len(edited.content_history["linkedin"]) == history.KEPT_PER_PLATFORM
    for _ in range(history.KEPT_PER_PLATFORM):
        services.undo_regeneration(launch=edited, platform="linkedin")
    edited.refresh_from_db()
    with pytest.raises(ApiError) as caught:
        services.undo_regeneration(launch=edited, platform="linkedin")
    assert caught.value.code is Code.SERVER_002


def test_undo_refuses_a_published_launch(edited):
    services.generate_content(launch=edited, platforms=["linkedin"])
    edited.status = "completed"
    edited.save()
    with pytest.raises(ApiError) as caught:
        services.undo_regeneration(launch=edited, platform="linkedin")
    assert caught.value.code is Code.LAUNCH_003
