"""Uploads streamed from storage, end to end against the sandbox on a live server: Facebook's
resumable video upload (chunks in the ranges the sandbox hands out) and Reddit's S3 form (a
multipart body read block by block). The file is read in pieces, never whole."""

import hashlib
import io
import os

import pytest

from connections.platforms import adapter_for
from connections.platforms.base import Media, PostRequest, Subreddit
from connections.sandbox.models import SandboxMedia, SandboxPost
from connections.sandbox.views import graph
from media.storage import media_storage
from tests.connections.test_end_to_end import connect

pytestmark = pytest.mark.django_db(transaction=True)
CHUNK = 64 * 1024


class Tracked(io.FileIO):
    """A stored file (on disk, as the media storage keeps it) that records each read's size."""

    def __init__(self, path, reads: list):
        super().__init__(path, "rb")
        self.reads = reads

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def on_disk(tmp_path, data: bytes):
    path = tmp_path / "stored.bin"
    path.write_bytes(data)
    return path


def stored_digest(media: SandboxMedia) -> str:
    with media_storage().open(media.storage_name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_facebook_resumable_upload_through_the_sandbox(
    sandbox_server, logged_in_client, media_folder, monkeypatch, tmp_path
):
    monkeypatch.setattr(graph, "RESUMABLE_CHUNK_BYTES", CHUNK)
    page = connect(
        logged_in_client,
        "facebook",
        choose=lambda c: [
            c.get("/connections/choose/").context["choice"]["accounts"][0]["entity_id"]
        ],
    ).first()
    video, reads = os.urandom(5 * CHUNK + 123), []
    path = on_disk(tmp_path, video)
    media = Media(
        "video/mp4", filename="demo.mp4", size=len(video), opener=lambda: Tracked(path, reads)
    )
    result = adapter_for(page).publish(page, PostRequest(text="the demo", media=[media]))

    post = SandboxPost.objects.get(post_id=result.post_id)
    assert (post.kind, post.text) == ("video", "the demo")
    uploaded = SandboxMedia.objects.get(media_id=post.media[0])
    assert stored_digest(uploaded) == hashlib.sha256(video).hexdigest()
    assert reads == [CHUNK] * 5 + [123]  # the ranges the sandbox asked for, in order


def test_reddit_s3_upload_is_streamed_through_the_sandbox(
    sandbox_server, logged_in_client, media_folder, tmp_path
):
    reddit = connect(logged_in_client, "reddit").get()
    image, reads = os.urandom(400_000), []
    path = on_disk(tmp_path, image)
    media = Media(
        "image/png", filename="shot.png", size=len(image), opener=lambda: Tracked(path, reads)
    )
    result = adapter_for(reddit).publish(
        reddit, PostRequest(title="Launch", media=[media], subreddits=[Subreddit("SideProject")])
    )
    post = SandboxPost.objects.get(post_id=result.post_id)
    assert post.kind == "image"
    assert stored_digest(SandboxMedia.objects.get(media_id=post.media[0])) == (
        hashlib.sha256(image).hexdigest()
    )
    assert -1 not in reads  # never read whole
    assert max(reads) <= CHUNK  # block by block as the body goes out
