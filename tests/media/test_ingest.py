"""Ingest: the type from the bytes, decoding and probing, caps, storage, all or nothing."""

import boto3
import pytest
from moto import mock_aws

from dropspace.api.errors import ApiError
from media import selectors, services
from media.models import MediaAsset
from media.storage import file_url, media_storage
from tests.media.files import b64, image_bytes, video_bytes


def stored_names() -> list[str]:
    if not media_storage().exists("assets"):
        return []
    _, files = media_storage().listdir("assets")
    return sorted(files)


def test_base64_image_is_decoded_stored_and_served_at_its_unguessable_url(user, client):
    data = image_bytes("JPEG", size=(320, 200))
    asset = services.ingest_base64(owner=user, data=b64(data), filename="hero.jpg")
    assert (asset.kind, asset.mime_type, asset.width, asset.height) == (
        "image",
        "image/jpeg",
        320,
        200,
    )
    assert asset.size == len(data)
    assert len(asset.checksum) == 64
    assert asset.source == "upload"
    assert len(asset.public_token) >= 40
    path = file_url(asset).split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == data
    assert client.get(f"/media/files/wrong-token/{asset.filename}").status_code == 404


def test_the_type_comes_from_the_bytes_not_the_name_or_declared_type(user):
    asset = services.ingest_base64(
        owner=user, data=b64(image_bytes("PNG")), filename="photo.jpg", mime_type="image/jpeg"
    )
    assert asset.mime_type == "image/png"
    assert asset.filename == "photo.png"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 not media at all", b"hello", image_bytes("BMP"), b"\x00" * 64],
    ids=["pdf", "text", "bmp", "zeros"],
)
def test_anything_but_the_six_types_is_upload_001(user, data):
    with pytest.raises(ApiError) as error:
        services.ingest_base64(owner=user, data=b64(data), mime_type="image/jpeg")
    assert error.value.code.name == "UPLOAD_001"
    assert not MediaAsset.objects.exists()


def test_a_truncated_image_is_upload_001(user):
    data = image_bytes("PNG", size=(300, 300))[:200]
    with pytest.raises(ApiError) as error:
        services.ingest_base64(owner=user, data=b64(data))
    assert error.value.code.name == "UPLOAD_001"


def test_a_file_that_only_starts_like_a_video_is_upload_001(user):
    data = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200
    with pytest.raises(ApiError) as error:
        services.ingest_base64(owner=user, data=b64(data))
    assert error.value.code.name == "UPLOAD_001"
    assert stored_names() == []


@pytest.mark.parametrize("fmt", ["mp4", "mov"])
def test_videos_are_probed_and_get_a_poster_frame(user, fmt):
    asset = services.ingest_base64(owner=user, data=b64(video_bytes(fmt=fmt)), filename="demo")
    assert asset.kind == "video"
    assert asset.mime_type == {"mp4": "video/mp4", "mov": "video/quicktime"}[fmt]
    assert (asset.width, asset.height, asset.duration, asset.codec) == (64, 48, 1.0, "h264")
    assert asset.poster_name
    with selectors.open_file(asset, poster=True) as poster:
        assert poster.read(3) == b"\xff\xd8\xff"


def test_images_over_5_mb_are_upload_002(user, settings):
    settings.MEDIA_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ApiError) as error:
        services.ingest_base64(owner=user, data=b64(image_bytes("PNG", size=(400, 400))))
    assert error.value.code.name == "UPLOAD_002"
    assert "image" in error.value.message


def test_base64_videos_over_4_mb_are_upload_002_while_uploads_may_be_larger(user, settings):
    settings.MEDIA_BASE64_VIDEO_MAX_BYTES = 1000
    data = video_bytes()
    with pytest.raises(ApiError) as error:
        services.ingest_base64(owner=user, data=b64(data))
    assert error.value.code.name == "UPLOAD_002"
    from django.core.files.uploadedfile import SimpleUploadedFile

    asset = services.ingest_upload(owner=user, file=SimpleUploadedFile("clip.mp4", data))
    assert asset.kind == "video"


def test_url_ingest_streams_through_the_safe_fetcher(user, no_real_http):
    data = image_bytes("WEBP", size=(90, 60))
    no_real_http.get("https://cdn.example.com/shots/launch%20hero.webp", body=data)
    asset = services.ingest_url(owner=user, url="https://cdn.example.com/shots/launch%20hero.webp")
    assert (asset.source, asset.mime_type, asset.width) == ("url", "image/webp", 90)
    assert asset.filename == "launch_hero.webp"
    assert asset.source_url.startswith("https://cdn.example.com/")


def test_url_ingest_refuses_private_addresses(user, dns):
    dns["intranet.example.com"] = ["10.0.0.5"]
    with pytest.raises(ApiError) as error:
        services.ingest_url(owner=user, url="https://intranet.example.com/a.png")
    assert error.value.code.name == "SERVER_002"
    assert "non-public" in error.value.message


def test_url_ingest_stops_at_the_cap_while_streaming(user, settings, no_real_http):
    settings.MEDIA_VIDEO_MAX_BYTES = 4096
    data = video_bytes(seconds=3, size=(160, 120))
    assert len(data) > 4096
    no_real_http.get("https://cdn.example.com/big.mp4", body=data)
    with pytest.raises(ApiError) as error:
        services.ingest_url(owner=user, url="https://cdn.example.com/big.mp4")
    assert error.value.code.name == "UPLOAD_002"
    assert not MediaAsset.objects.exists()


def test_a_storage_failure_is_upload_003_and_nothing_is_saved(user, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage expects a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    with pytest.raises(ApiError) as error:
        services.ingest_base64(owner=user, data=b64(image_bytes()))
    assert error.value.code.name == "UPLOAD_003"
    assert not MediaAsset.objects.exists()


def test_items_are_all_or_nothing(user, no_real_http):
    no_real_http.get("https://cdn.example.com/missing.png", status=404)
    items = [
        {"source": "base64", "data": b64(image_bytes())},
        {"source": "url", "url": "https://cdn.example.com/missing.png"},
    ]
    with pytest.raises(ApiError) as error:
        services.ingest_items(owner=user, items=items)
    assert error.value.details == [
        {"field": "media[1]", "message": error.value.details[0]["message"]}
    ]
    assert not MediaAsset.objects.exists()
    assert stored_names() == []


def test_s3_compatible_storage_through_django_storages(user, settings, client):
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "dropspace-media",
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "media",
                "file_overwrite": False,
                "signature_version": "s3v4",
            },
        },
    }
    data = image_bytes("PNG")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="dropspace-media")
        asset = services.ingest_base64(owner=user, data=b64(data), filename="logo.png")
        keys = [
            item["Key"]
            for item in boto3.client("s3", region_name="us-east-1").list_objects_v2(
                Bucket="dropspace-media"
            )["Contents"]
        ]
        assert keys == [f"media/{asset.storage_name}"]
        response = client.get(f"/media/files/{asset.public_token}/{asset.filename}")
        assert b"".join(response.streaming_content) == data


def test_public_base_url_serves_from_the_store(user, settings):
    settings.MEDIA_PUBLIC_BASE_URL = "https://cdn.example.com/media"
    asset = services.ingest_base64(owner=user, data=b64(image_bytes()))
    assert file_url(asset) == f"https://cdn.example.com/media/{asset.storage_name}"


def test_delete_only_when_unused(user, django_capture_on_commit_callbacks):
    from launches.models import Launch
    from media.models import LaunchMedia

    asset = services.ingest_base64(owner=user, data=b64(image_bytes()))
    launch = Launch.objects.create(owner=user, name="x", platforms=["twitter"])
    LaunchMedia.objects.create(launch=launch, asset=asset)
    with pytest.raises(ApiError) as error:
        services.delete_asset(asset=asset)
    assert error.value.code.name == "SERVER_009"
    assert stored_names()
    launch.delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_asset(asset=asset)
    assert not MediaAsset.objects.exists()
    assert stored_names() == []


def test_deleting_a_whole_account_deletes_its_media_files(user, django_capture_on_commit_callbacks):
    """The user's rows cascade (no service runs); the files, a video's poster too, go along."""
    video = services.ingest_base64(owner=user, data=b64(video_bytes()))
    services.ingest_base64(owner=user, data=b64(image_bytes()))
    assert video.poster_name
    assert media_storage().exists(video.poster_name)
    assert len(stored_names()) >= 2
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not MediaAsset.objects.exists()
    assert stored_names() == []
    assert not media_storage().exists(video.poster_name)


def test_a_deletion_that_rolls_back_keeps_the_files(user):
    from django.db import transaction

    asset = services.ingest_base64(owner=user, data=b64(image_bytes()))

    def delete_then_fail():
        with transaction.atomic():
            user.delete()
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert MediaAsset.objects.filter(pk=asset.pk).exists()
    assert media_storage().exists(asset.storage_name)
