"""The sandbox's upload flows check what real platforms check: order and sizes of parts."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from connections.sandbox import services
from connections.sandbox.models import SandboxMedia
from media.storage import media_storage


@pytest.fixture
def sandbox_on(settings):
    settings.SANDBOX_ENABLED = True


def bearer(platform: str) -> dict:
    account = services.sign_in(platform=platform, username="olive")
    return {"HTTP_AUTHORIZATION": f"Bearer {services.issue_token(account).access_token}"}


def test_x_segments_must_come_in_order_and_add_up(client, db, sandbox_on):
    auth = bearer("twitter")
    init = client.post(
        "/sandbox/twitter/api/2/media/upload/initialize",
        json.dumps({"media_type": "video/mp4", "total_bytes": 6, "media_category": "tweet_video"}),
        content_type="application/json",
        **auth,
    )
    media_id = init.json()["data"]["id"]
    append = f"/sandbox/twitter/api/2/media/upload/{media_id}/append"

    def segment(index, data):
        return client.post(
            append, {"segment_index": index, "media": SimpleUploadedFile("s", data)}, **auth
        )

    assert segment(1, b"def").status_code == 400  # out of order
    assert segment(0, b"abc").status_code == 200
    finalize = f"/sandbox/twitter/api/2/media/upload/{media_id}/finalize"
    assert client.post(finalize, **auth).status_code == 400  # 3 of 6 bytes
    assert segment(1, b"def").status_code == 200
    finalized = client.post(finalize, **auth)
    assert finalized.status_code == 200
    # Like X: how long the id stays usable, which a retry needs to reuse it.
    assert finalized.json()["data"]["expires_after_secs"] == 86400
    assert init.json()["data"]["expires_after_secs"] == 86400
    stored = SandboxMedia.objects.get(media_id=media_id)
    with media_storage().open(stored.storage_name) as handle:
        assert handle.read() == b"abcdef"


def test_tiktok_chunks_follow_the_announced_sizes_in_order(client, db, sandbox_on, settings):
    auth = bearer("tiktok")
    size, chunk = 12 * 1024 * 1024, 5 * 1024 * 1024
    bad = {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": chunk, "total_chunk_count": 3}
    post_info = {"privacy_level": "SELF_ONLY", "title": "t"}
    init = "/sandbox/tiktok/api/v2/post/publish/video/init/"
    refused = client.post(
        init, json.dumps({"post_info": post_info, "source_info": bad}), "application/json", **auth
    )
    assert refused.json()["error"]["code"] == "invalid_params"  # floor(12 / 5) is 2
    good = {**bad, "total_chunk_count": 2}
    answer = client.post(
        init, json.dumps({"post_info": post_info, "source_info": good}), "application/json", **auth
    ).json()["data"]
    upload = answer["upload_url"].split("testserver", 1)[1]

    def put(first, last):
        return client.generic(
            "PUT",
            upload,
            b"x" * (last - first + 1),
            content_type="video/mp4",
            HTTP_CONTENT_RANGE=f"bytes {first}-{last}/{size}",
        )

    assert put(chunk, size - 1).status_code == 416  # the second chunk first
    assert put(0, chunk - 2).status_code == 416  # not the announced chunk size
    assert put(0, chunk - 1).status_code == 206
    assert put(chunk, size - 1).status_code == 201  # the last chunk takes the rest
    media = SandboxMedia.objects.get(media_id=answer["publish_id"])
    assert media.storage_name


def test_facebook_resumable_chunks_must_be_the_ranges_handed_out(client, db, sandbox_on):
    from connections.sandbox.views import graph

    account = services.sign_in(platform="facebook", username="olive")
    page = account.children.filter(platform="facebook").first()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {services.issue_token(page).access_token}"}
    url = f"/sandbox/facebook/video/v25.0/{page.entity_id}/videos"
    size = graph.RESUMABLE_CHUNK_BYTES + 4
    start = client.post(url, {"upload_phase": "start", "file_size": size}, **auth).json()
    assert (start["start_offset"], start["end_offset"]) == ("0", str(graph.RESUMABLE_CHUNK_BYTES))
    session = start["upload_session_id"]

    def transfer(offset, data):
        chunk = SimpleUploadedFile("c", data)
        body = {"upload_phase": "transfer", "upload_session_id": session, "start_offset": offset}
        return client.post(url, {**body, "video_file_chunk": chunk}, **auth)

    def finish():
        body = {"upload_phase": "finish", "upload_session_id": session, "description": "d"}
        return client.post(url, body, **auth)

    wrong_place = transfer("4", b"abcd")
    assert wrong_place.json()["error"]["error_subcode"] == 1363037
    assert transfer("0", b"too short").status_code == 400  # not the range handed out
    assert finish().status_code == 400  # nothing uploaded yet
    first = b"x" * graph.RESUMABLE_CHUNK_BYTES
    assert transfer("0", first).json() == {
        "start_offset": str(graph.RESUMABLE_CHUNK_BYTES),
        "end_offset": str(size),
    }
    assert transfer(str(graph.RESUMABLE_CHUNK_BYTES), b"tail").json()["start_offset"] == str(size)
    assert finish().json() == {"success": True}
    video = SandboxMedia.objects.get(media_id=start["video_id"])
    with media_storage().open(video.storage_name) as handle:
        assert handle.read() == first + b"tail"


def test_x_takes_four_images_or_one_video_per_tweet(client, db, sandbox_on, monkeypatch):
    from connections.sandbox import models as sandbox_models

    monkeypatch.setattr(sandbox_models, "PROCESSING_SECONDS", 0)
    auth = bearer("twitter")
    upload = "/sandbox/twitter/api/2/media/upload"

    def image():
        picture = SimpleUploadedFile("a.png", b"PNG", content_type="image/png")
        return client.post(upload, {"media": picture}, **auth).json()["data"]["id"]

    init = client.post(
        f"{upload}/initialize",
        json.dumps({"media_type": "video/mp4", "total_bytes": 3, "media_category": "tweet_video"}),
        content_type="application/json",
        **auth,
    ).json()["data"]["id"]
    chunk = {"segment_index": 0, "media": SimpleUploadedFile("s", b"vid")}
    client.post(f"{upload}/{init}/append", chunk, **auth)
    client.post(f"{upload}/{init}/finalize", **auth)

    def tweet(media_ids):
        body = json.dumps({"text": "t", "media": {"media_ids": media_ids}})
        return client.post(
            "/sandbox/twitter/api/2/tweets", body, content_type="application/json", **auth
        )

    mixed = tweet([image(), init])
    assert mixed.status_code == 400
    assert "a maximum of 4 items" in mixed.json()["detail"]  # X's own words: permanent
    assert tweet([image() for _ in range(5)]).status_code == 400
    assert tweet([image() for _ in range(4)]).status_code == 201
    assert tweet([init]).status_code == 201
