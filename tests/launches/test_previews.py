"""The editor's per-platform previews and the platform logos, through the pages."""

import re

from launches import rules
from launches.templatetags.platforms import fold_text, platform_logo
from tests.launches.factories import LaunchFactory

LONG = "Shipping notes nobody reads are a tax on every release. " * 6


def preview_of(page: str, label: str) -> str:
    start = page.index(f'aria-label="Preview on {label}"')
    return page[start : page.index("</section>", start)]


def test_the_fold_cuts_at_a_whole_word_and_keeps_the_rest_behind_see_more():
    html = str(fold_text(LONG, 210))
    shown, rest = html.split('<span class="pp-rest">')
    assert len(shown) <= 210
    assert LONG[len(shown)] == " "  # cut after a whole word, the last one before the fold
    assert shown.endswith(" on")
    assert shown + rest.split("</span>")[0] == LONG.replace("\n", "")
    assert html.endswith('<button type="button" class="pp-more">…see more</button>')
    assert fold_text("short", 210) == "short"
    assert str(fold_text("<b>" + LONG, 125)).startswith("&lt;b&gt;")  # escaped, never markup


def test_a_logo_has_its_name_unless_a_visible_name_is_beside_it():
    named = str(platform_logo("producthunt"))
    assert 'role="img" aria-label="Product Hunt"><title>Product Hunt</title><path d="' in named
    assert 'aria-hidden="true"' in str(platform_logo("linkedin", decorative=True))
    assert ">?" not in str(platform_logo("mastodon"))  # an unknown platform: its initial
    assert 'platform-logo-unknown" role="img" aria-label="mastodon"' in str(
        platform_logo("mastodon")
    )


def test_previews_show_the_posting_account_the_thread_and_the_fold(
    logged_in_client, user, make_platform_connection
):
    twitter = make_platform_connection("twitter", username="olive_ships", display_name="Olive S")
    make_platform_connection(
        "linkedin", username="", display_name="Acme Inc", account_type="organization"
    )
    launch = LaunchFactory(
        owner=user,
        platforms=["twitter", "linkedin", "facebook", "instagram"],
        user_platform_accounts={"twitter": str(twitter.pk)},
        platform_contents={
            "twitter": {"platform": "twitter", "thread": ["One", "Two", "Three"]},
            "linkedin": {"platform": "linkedin", "content": LONG},
            "facebook": {"platform": "facebook", "content": LONG},
            "instagram": {"platform": "instagram", "content": LONG},
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()

    x = preview_of(page, "Twitter / X")
    assert x.count('class="pp-tweet"') == 3  # joined by the thread line (CSS ::before)
    assert x.count("<strong>Olive S</strong>") == 3
    assert "@olive_ships · now" in x
    assert "pp-more" not in x  # X shows each tweet whole

    linkedin = preview_of(page, "LinkedIn")
    assert "<strong>Acme Inc</strong>" in linkedin  # the page's name, not a handle
    assert 'data-fold="210"' in linkedin
    assert "…see more" in linkedin
    assert 'data-fold="480"' in preview_of(page, "Facebook")  # 336 characters: no fold
    assert "…see more" not in preview_of(page, "Facebook")
    instagram = preview_of(page, "Instagram")
    assert 'data-fold="125"' in instagram
    # the square image comes first; without media it says so in words, not a grey square
    assert "Instagram needs an image or video to post." in instagram
    assert '<a href="#launch-media">Add media</a>' in instagram
    # nobody connected on Instagram: the person's own name
    assert re.search(r"<strong>Olive Owner</strong>", instagram)


def counts_in(html: str) -> list[str]:
    return re.findall(r'<span class="pp-count[^"]*"[^>]*>([^<]*)</span>', html)


def test_previews_show_the_counts_each_platform_shows_counted_as_the_validators_count(
    logged_in_client, user
):
    weighted = "Ship it 🚀 https://acme.com/a/very/long/path/that/counts/as/twenty-three"
    launch = LaunchFactory(
        owner=user,
        platforms=["twitter", "linkedin", "facebook", "reddit", "producthunt", "hackernews"],
        platform_contents={
            "twitter": {"platform": "twitter", "thread": [weighted, "x" * 300]},
            "linkedin": {"platform": "linkedin", "content": LONG},
            "facebook": {"platform": "facebook", "content": LONG},
            "reddit": {"platform": "reddit", "title": "Acme: invoices paid", "content": "Body"},
            "producthunt": {"platform": "producthunt", "title": "t" * 61, "content": "Desc"},
            "hackernews": {"platform": "hackernews", "title": "Show HN: Acme", "content": ""},
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()

    x = preview_of(page, "Twitter / X")
    # X's weighted count: the link is 23, the rocket 2, not their characters
    assert rules.tweet_length(weighted) == 34 != len(weighted)
    assert counts_in(x) == ["34 / 280", "300 / 280 · 20 over the limit"]
    assert x.count('class="pp-count is-over"') == 1
    assert counts_in(preview_of(page, "LinkedIn")) == [f"{len(LONG)} / 3000"]
    assert counts_in(preview_of(page, "Facebook")) == []  # Facebook's composer shows none
    assert counts_in(preview_of(page, "Reddit")) == ["19 / 300"]  # the title only
    # no subreddit yet: Reddit posts to the person's profile, and the preview says so
    assert "Posted to your profile · now" in preview_of(page, "Reddit")
    assert "r/subreddit" not in page
    assert counts_in(preview_of(page, "Product Hunt")) == [
        "61 / 60 · 1 over the limit",  # the tagline
        "4 / 500",
    ]
    assert counts_in(preview_of(page, "Hacker News")) == ["13 / 80"]
    assert 'data-count-of="hackernews-title" data-limit="80" data-count="chars"' in page


def test_handles_as_adapters_store_them_get_the_platforms_prefix_once(
    logged_in_client, user, make_platform_connection
):
    make_platform_connection("twitter", username="@olive_ships", display_name="Olive S")
    make_platform_connection("reddit", username="u/olive_ships", display_name="olive_ships")
    make_platform_connection("instagram", username="@olive.ships", display_name="Olive")
    launch = LaunchFactory(
        owner=user,
        platforms=["twitter", "reddit", "instagram"],
        platform_contents={
            "twitter": {"platform": "twitter", "thread": ["One"]},
            "reddit": {
                "platform": "reddit",
                "title": "Acme",
                "content": "Hi",
                "subreddits": [{"name": "SideProject"}],
            },
            "instagram": {"platform": "instagram", "content": "Hi"},
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert "@olive_ships · now" in preview_of(page, "Twitter / X")
    assert "<strong>r/SideProject</strong>" in preview_of(page, "Reddit")
    assert "u/olive_ships · now" in preview_of(page, "Reddit")
    assert '<div class="pp-handle">olive.ships</div>' in preview_of(page, "Instagram")
    assert "@@" not in page
    assert "u/u/" not in page


def test_instagram_shows_its_first_image_or_says_it_needs_one(logged_in_client, user, media_folder):
    import base64

    from django.urls import reverse

    from media import services as media_services
    from tests.media.files import image_bytes

    launch = LaunchFactory(
        owner=user,
        platforms=["instagram", "tiktok"],
        platform_contents={
            "instagram": {"platform": "instagram", "content": "Hi"},
            "tiktok": {"platform": "tiktok", "content": "Hi"},
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert "Instagram needs an image or video to post." in preview_of(page, "Instagram")
    assert "<img" not in preview_of(page, "TikTok")

    data = base64.b64encode(image_bytes()).decode()
    asset = media_services.ingest_base64(owner=user, data=data, filename="shot.jpg")
    logged_in_client.post(reverse("launches:media", args=[launch.pk]), {"add": [str(asset.pk)]})
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    instagram = preview_of(page, "Instagram")
    assert "needs an image" not in instagram
    assert re.search(r'<div class="pp-media" aria-hidden="true"><img src="[^"]+"', instagram)
    assert "<img" in preview_of(page, "TikTok")  # photos on TikTok show in its frame


def test_a_published_instagram_preview_offers_no_add_media(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        status="completed",
        platforms=["instagram"],
        platform_contents={"instagram": {"platform": "instagram", "content": "Hi"}},
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert "Instagram needs an image or video to post." in preview_of(page, "Instagram")
    assert "Add media" not in preview_of(page, "Instagram")
