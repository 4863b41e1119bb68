"""Media uploads streamed from storage: peak memory growth while the real adapters send a 300 MB
file through Facebook's resumable video upload and Reddit's S3 upload form.

``run()`` writes (once, cached under var/bench/) a 300 MB file, serves a local HTTP server on
127.0.0.1 that speaks just enough of both protocols (Facebook hands out 4 MB ranges
start -> transfer... -> finish; the S3 form answers 201) and reads every body to the end, then,
each in a fresh Python process so peak RSS is its own:

- facebook: ``Facebook.publish`` of a video without a public URL (the resumable upload);
- reddit: ``Reddit._upload`` (the upload lease, then the S3 form as a streaming multipart body);
- floor: ``requests.post`` with the open file as the body (what a plain streamed send costs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from bench.media_ingest import _measure

SIZE_MB = 300
FACEBOOK_RANGE = 4 * 1024 * 1024


def run(size_mb: int = SIZE_MB) -> list[tuple[str, str]]:
    from django.conf import settings

    path = _file(Path(settings.VAR_DIR) / "bench" / f"upload-{size_mb}mb.bin", size_mb)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Peer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        results = {mode: _child(mode, base, path) for mode in ("floor", "facebook", "reddit")}
    finally:
        server.shutdown()
    mb = path.stat().st_size / (1024 * 1024)
    floor = results["floor"]
    rows = []
    for mode, label in (
        ("facebook", "Facebook resumable video upload"),
        ("reddit", "Reddit S3 upload form"),
    ):
        result = results[mode]
        rows.append(
            (
                f"media upload from storage, {label} ({mb:.0f} MB, local server)",
                f"peak RSS growth {result['growth_mb']:.1f} MB (target < 64 MB), "
                f"{mb / result['seconds']:.0f} MB/s; floor, plain streamed POST: "
                f"{floor['growth_mb']:.1f} MB, {mb / floor['seconds']:.0f} MB/s",
            )
        )
    return rows


def _file(path: Path, size_mb: int) -> Path:
    if path.exists() and path.stat().st_size == size_mb * 1024 * 1024:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        for _ in range(size_mb):
            handle.write(block)
    return path


class _Peer(BaseHTTPRequestHandler):
    """The platforms' side: reads every request body to the end, answers as they do."""

    sessions: dict[str, dict] = {}

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        small = self.headers.get("Content-Type", "").startswith("application/x-www-form")
        body = self.rfile.read(length) if small else _discard(self.rfile, length)
        if self.path.endswith("/videos"):
            self._facebook(parse_qs(body.decode()) if small else {})
        elif self.path.endswith("/api/media/asset.json"):
            action = f"//127.0.0.1:{self.server.server_port}/s3"
            fields = [{"name": "key", "value": "bench/file.bin"}]
            self._json({"args": {"action": action, "fields": fields}, "asset": {"asset_id": "a"}})
        else:  # the S3 form, or the floor's plain POST
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _facebook(self, form: dict):
        phase = (form.get("upload_phase") or ["transfer"])[0]
        if phase == "start":
            session = {"size": int(form["file_size"][0]), "offset": 0}
            self.sessions["s1"] = session
            answer = {"video_id": "v1", "upload_session_id": "s1", **_next_range(session)}
        elif phase == "transfer":
            session = self.sessions["s1"]
            session["offset"] = min(session["offset"] + FACEBOOK_RANGE, session["size"])
            answer = _next_range(session)
        else:
            answer = {"success": True}
        self._json(answer)

    def _json(self, data: dict):
        encoded = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)


def _next_range(session: dict) -> dict:
    first = session["offset"]
    end = min(first + FACEBOOK_RANGE, session["size"])
    return {"start_offset": str(first), "end_offset": str(end)}


def _discard(stream, length: int) -> bytes:
    """Read a body to its end, 1 MB at a time, keeping none of it."""
    while length > 0:
        piece = stream.read(min(length, 1 << 20))
        if not piece:
            break
        length -= len(piece)
    return b""


def _child(mode: str, base: str, path: Path) -> dict:
    command = [sys.executable, "-m", "bench.media_upload", mode, base, str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- the measured processes ------------------------------------------------------------------


def _adapters(base: str):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropspace.settings")
    django.setup()
    from django.conf import settings

    settings.PLATFORM_HOSTS = {
        **settings.PLATFORM_HOSTS,
        "facebook": {"auth": base, "api": base, "video": base},
        "reddit": {"auth": base, "api": base},
    }
    from connections.models import Connection
    from connections.platforms import get_adapter
    from connections.platforms.base import Media, PostRequest

    return get_adapter, Connection, Media, PostRequest


def opener(path: str):
    """The stored file, as media storage opens it (a plain file on disk here)."""
    return lambda: open(path, "rb")


def _facebook(base: str, path: str) -> None:
    get_adapter, Connection, Media, PostRequest = _adapters(base)
    page = Connection(platform="facebook", entity_id="1", access_token="page-token")
    video = Media("video/mp4", filename="demo.mp4", size=os.path.getsize(path), opener=opener(path))
    adapter = get_adapter("facebook")
    _measure(lambda: adapter.publish(page, PostRequest(text="bench", media=[video])))


def _reddit(base: str, path: str) -> None:
    get_adapter, Connection, Media, _ = _adapters(base)
    account = Connection(platform="reddit", entity_id="1", access_token="token")
    media = Media("video/mp4", filename="demo.mp4", size=os.path.getsize(path), opener=opener(path))
    adapter = get_adapter("reddit")
    _measure(lambda: adapter._upload(account, media))


def _floor(base: str, path: str) -> None:
    import requests

    def work():
        with open(path, "rb") as handle:
            requests.post(f"{base}/plain", data=handle, timeout=60).raise_for_status()

    _measure(work)


if __name__ == "__main__":
    {"facebook": _facebook, "reddit": _reddit, "floor": _floor}[sys.argv[1]](*sys.argv[2:])
