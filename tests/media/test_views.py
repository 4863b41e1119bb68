from django.urls import reverse


def test_media_placeholder_is_an_honest_empty_state(logged_in_client):
    response = logged_in_client.get(reverse("media:list"))
    html = response.content.decode()
    assert reverse("media:list") == "/media/"
    assert response.status_code == 200
    assert 'class="empty-state"' in html
    assert "not built yet" in html
    assert 'aria-current="page"' in html


def test_media_needs_login(client, db):
    assert client.get(reverse("media:list")).status_code == 302
