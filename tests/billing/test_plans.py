"""Plans as data, overridable from settings; set_plan for operators and scripts; the admin."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from billing import selectors
from billing.models import Subscription
from billing.plans import all_plans, get_plan


def test_the_starter_plan_has_the_specs_numbers():
    starter = get_plan("starter")
    assert (
        starter.launches_per_month,
        starter.ai_images_per_month,
        starter.ai_videos_per_month,
        starter.personas,
        starter.analyses_per_persona,
        starter.regenerations_per_launch,
    ) == (50, 100, 20, 10, 3, 5)
    assert list(all_plans()) == ["free", "starter", "pro", "unlimited"]


def test_settings_change_a_plan_or_add_one(settings):
    settings.BILLING_PLANS = {
        "pro": {"launches_per_month": 400},
        "team": {"rank": 5, "launches_per_month": 1000, "allowed_platforms": ["twitter"]},
    }
    assert get_plan("pro").launches_per_month == 400
    team = get_plan("team")
    assert (team.label, team.launches_per_month, team.allowed_platforms) == (
        "Team",
        1000,
        ("twitter",),
    )
    assert team.personas == get_plan("free").personas  # a new plan starts from the free one
    assert list(all_plans())[-1] == "team"


def test_a_typo_in_the_plan_settings_fails_loudly(settings):
    settings.BILLING_PLANS = {"pro": {"launches_per_mnth": 1}}
    with pytest.raises(ImproperlyConfigured, match="launches_per_mnth"):
        all_plans()


def test_default_plan_must_exist(user, settings):
    settings.DEFAULT_PLAN = "gold"
    with pytest.raises(ImproperlyConfigured, match="gold"):
        selectors.plan_for(user)


def test_a_new_account_gets_the_default_plan(user, settings):
    assert selectors.plan_for(user).name == "starter"
    settings.DEFAULT_PLAN = "unlimited"
    assert selectors.plan_for(user).name == "unlimited"


def test_set_plan_puts_a_person_on_a_plan(user, capsys):
    call_command("set_plan", "OWNER@example.com", "pro")
    assert Subscription.objects.get(user=user).plan == "pro"
    assert "owner@example.com is now on the pro plan" in capsys.readouterr().out
    assert selectors.plan_for(user).name == "pro"


def test_set_plan_refuses_an_unknown_person_or_plan(user):
    with pytest.raises(CommandError, match="no account"):
        call_command("set_plan", "nobody@example.com", "pro")
    with pytest.raises(CommandError, match="unknown plan 'gold'"):
        call_command("set_plan", "owner@example.com", "gold")
    assert not Subscription.objects.exists()


def test_operators_edit_subscriptions_in_the_admin(client, user, django_user_model):
    admin = django_user_model.objects.create_superuser("admin@example.com", "pw-admin-123")
    client.force_login(admin)
    Subscription.objects.create(user=user, plan="starter")
    subscription = Subscription.objects.get(user=user)
    assert selectors.api_requests_per_minute(user) == 60  # now cached
    page = client.get(f"/admin/billing/subscription/{subscription.pk}/change/")
    assert page.status_code == 200
    assert '<option value="unlimited">Unlimited (unlimited)</option>' in page.content.decode()
    form = {"user": user.pk, "plan": "pro", "status": "active"}
    client.post(f"/admin/billing/subscription/{subscription.pk}/change/", form)
    assert selectors.api_requests_per_minute(user) == 300  # the cached plan is forgotten
    assert client.get("/admin/billing/metereduse/").status_code == 200
    assert client.get("/admin/billing/stripeevent/").status_code == 200
