import pytest

from planning.models import PostMetrics
from tests.launches.factories import LaunchFactory
from tests.launches.published import published


@pytest.fixture(autouse=True)
def no_real_http(dns):
    """Nothing leaves the machine: an unmocked request fails at once."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def make_published():
    """``make_published(owner, platform, impressions, engagement, **log_fields)``: a completed
    launch's published post with stored metrics (as the 15-minute refresh leaves them)."""

    def make(owner, platform="twitter", impressions=0, engagement=0, launch=None, **fields):
        launch = launch or LaunchFactory(owner=owner, status="completed", platforms=[platform])
        log = published(launch, platform, **fields)
        if impressions or engagement:
            PostMetrics.objects.create(
                log=log,
                impressions=impressions,
                engagement=engagement,
                metrics={"impressions": impressions, "likes": engagement},
                fetched_at=log.posted_at,
            )
        return log

    return make
