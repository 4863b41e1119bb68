import pytest


@pytest.fixture(autouse=True)
def no_real_http(dns):
    """Media URLs are fetched through dropspace.http (requests): nothing leaves the machine."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(autouse=True)
def _media_in_a_folder(media_folder):
    """Each test stores media in its own folder (tests/conftest.py)."""
