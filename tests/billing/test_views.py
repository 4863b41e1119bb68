from django.urls import reverse


def test_billing_placeholder_is_an_honest_empty_state(logged_in_client):
    response = logged_in_client.get(reverse("billing:index"))
    html = response.content.decode()
    assert reverse("billing:index") == "/billing/"
    assert response.status_code == 200
    assert 'class="empty-state"' in html
    assert "nothing is metered or charged" in html


def test_billing_needs_login(client, db):
    assert client.get(reverse("billing:index")).status_code == 302
