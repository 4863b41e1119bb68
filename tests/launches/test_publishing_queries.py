"""How much database work one post costs in the publishing pipeline (issue 16: was ~18-20)."""

from datetime import timedelta

import pytest
import responses
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from launches.models import PostingLog
from launches.publishing import posting, services
from tests.launches.factories import LaunchFactory, due_twitter_launches
from tests.launches.test_publishing import LINKEDIN_POSTS, P, mocked, real_platforms

__all__ = ["mocked", "real_platforms"]

# In a test the settle's transaction is a SAVEPOINT / RELEASE pair (BEGIN / COMMIT in
# production): transaction control, counted apart from the statements that do the work.
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(CONTROL)]


@pytest.fixture
def three_accounts(user, make_platform_connection):
    """One launch posting to a LinkedIn member and two of their organizations."""
    accounts = {"linkedin:personal": make_platform_connection("linkedin")}
    for n in (7, 9):
        accounts[f"linkedin:organization:{n}"] = make_platform_connection(
            "linkedin", account_type="organization", entity_id=f"urn:li:organization:{n}"
        )
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["linkedin"],
        platform_contents={"linkedin": {"platform": "linkedin", "content": "Acme is live"}},
        user_platform_accounts={key: str(account.pk) for key, account in accounts.items()},
    )
    services.publish_launch(launch=launch)
    return launch


def test_a_post_costs_at_most_8_statements_and_the_last_one_finishes_the_launch(
    three_accounts, mocked, django_assert_num_queries
):
    for n in range(3):
        mocked.add(
            responses.POST, LINKEDIN_POSTS, status=201, headers={"x-restli-id": f"urn:li:share:{n}"}
        )
    logs = list(three_accounts.posting_logs.order_by("created_at"))
    assert len(logs) == 3
    # claim (update + read), the connection, the launch lock, the outcome, the launch's posts
    # (settle check), post.published (event + its subscribed endpoints): 8, plus the pair.
    for entry in logs[:-1]:
        with CaptureQueriesContext(connection) as queries:
            posting.publish_post(log_id=entry.pk)
        assert len(statements(queries)) == 8, statements(queries)
    # The last one also completes the launch: + update, launch.completed event and endpoints.
    with django_assert_num_queries(11 + 2):
        posting.publish_post(log_id=logs[-1].pk)
    three_accounts.refresh_from_db()
    assert three_accounts.status == "completed"
    assert [entry.status for entry in three_accounts.posting_logs.all()] == [P.SUCCESS] * 3
    assert len([c for c in mocked.calls if c.request.method == responses.POST]) == 3


def test_the_scheduler_starts_a_due_launch_in_a_few_statements(user, make_platform_connection):
    twitter = make_platform_connection("twitter")
    due = timezone.now() - timedelta(seconds=1)
    due_twitter_launches(owner=user, twitter=twitter, count=20, due=due)
    with CaptureQueriesContext(connection) as queries:
        assert services.start_due_launches() == 20
    # Per batch (5): the claim (owners joined), the logs the launches already have, one update
    # to running, one insert of every post, and the next (empty) claim. Per launch (was 10):
    # its connections and its plan, each checked twice as publishing checks them.
    per_launch = (len(statements(queries)) - 5) / 20
    assert per_launch <= 4, statements(queries)
    assert PostingLog.objects.filter(status=P.PENDING).count() == 20
