import pytest


@pytest.fixture(autouse=True)
def no_real_http(dns):
    """Media URLs are fetched through dropspace.http (requests): nothing leaves the machine."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(autouse=True)
def media_folder(settings, tmp_path):
    """Each test stores media in its own folder (the default backend: local files)."""
    folder = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder
