import pytest

from tests.launches.factories import LaunchFactory


@pytest.fixture
def launch(user):
    return LaunchFactory(owner=user)


@pytest.fixture
def claude(anthropic_api, settings):
    """Turn the Claude writer on (no SDK retries); tests mock its HTTP API with respx."""
    settings.LAUNCH_WRITER_MAX_RETRIES = 0
    return anthropic_api


@pytest.fixture(autouse=True)
def no_real_http(dns):
    """Product pages are fetched through dropspace.http (requests): nothing leaves the machine.

    Unmocked requests fail at once, which the writer treats as "no product page".
    """
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
