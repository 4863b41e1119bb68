"""A platform's 429 slows the account it answered for, and only that account."""

from datetime import timedelta

import pytest
import responses
import time_machine
from django.utils import timezone

from launches.publishing import posting, services
from tests.launches.factories import LaunchFactory
from tests.launches.test_publishing import TWEETS, P, mocked, real_platforms

__all__ = ["mocked", "real_platforms"]


def launch_for(user, connection):
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": {"platform": "twitter", "content": "Acme is live"}},
        user_platform_accounts={"twitter": str(connection.pk)},
    )
    services.publish_launch(launch=launch)
    return launch.posting_logs.get()


@pytest.fixture
def accounts(make_platform_connection):
    return [
        make_platform_connection("twitter", entity_id=name, extra={"handle": name})
        for name in ("olive", "pablo")
    ]


def test_a_429_holds_the_accounts_next_posts_until_the_reset(user, accounts, mocked):
    olive, pablo = accounts
    first, second = launch_for(user, olive), launch_for(user, olive)
    other = launch_for(user, pablo)
    with time_machine.travel(timezone.now(), tick=False):
        reset = str(int(timezone.now().timestamp()) + 120)
        mocked.add(responses.POST, TWEETS, status=429, headers={"x-rate-limit-reset": reset})
        mocked.add(responses.POST, TWEETS, json={"data": {"id": "9", "text": "x"}}, status=201)
        for entry in (first, second, other):
            posting.publish_post(log_id=entry.pk)
        # olive was called once (the 429); her second post never reached X; pablo posted.
        assert len(mocked.calls) == 2
        for entry in (first, second, other):
            entry.refresh_from_db()
        assert (first.status, second.status, other.status) == (P.PENDING, P.PENDING, P.SUCCESS)
        assert second.attempt_count == 0  # held back, not a failed attempt
        assert second.next_attempt_at - timezone.now() >= timedelta(seconds=119)

    with time_machine.travel(timezone.now() + timedelta(seconds=121), tick=False):
        mocked.add(responses.POST, TWEETS, json={"data": {"id": "10", "text": "x"}}, status=201)
        posting.publish_post(log_id=second.pk)
        second.refresh_from_db()
        assert second.status == P.SUCCESS
