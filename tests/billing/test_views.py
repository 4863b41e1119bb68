from django.urls import reverse


def test_billing_needs_login(client, db):
    assert client.get(reverse("billing:index")).status_code == 302
