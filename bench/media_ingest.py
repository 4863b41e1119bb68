"""Media ingest by URL: peak memory growth and throughput for a 300 MB video.

``run()`` makes (once, cached under var/bench/) a real 300 MB H.264 MP4, serves it from a
plain HTTP server on 127.0.0.1 and, each in a fresh Python process so peak RSS is its own:

- ingest: ``media.services.ingest_url`` — the real path (dropspace.http streaming with the
  size cap, sniffing, hashing, spooling, PyAV probe and poster frame, save to the media storage);
- floor: a plain streamed copy of the same URL to a file (requests, 1 MB chunks).

dropspace.http refuses loopback addresses for user URLs. The benchmark calls the service with
``allow_loopback=True`` — a keyword no request can set — so only this measurement reaches
127.0.0.1; everything else about the fetch is the production path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SIZE_MB = 300
BENCH_EMAIL = "bench-media@localhost"


def run(size_mb: int = SIZE_MB) -> list[tuple[str, str]]:
    from django.conf import settings

    video = _video(Path(settings.VAR_DIR) / "bench" / f"video-{size_mb}mb.mp4", size_mb)
    handler = partial(_QuietHandler, directory=str(video.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{video.name}"
    try:
        floor = _child("copy", url)
        ingest = _child("ingest", url)
    finally:
        server.shutdown()
    mb = video.stat().st_size / (1024 * 1024)
    label = f"media ingest by URL ({mb:.0f} MB mp4, local server)"
    return [
        (f"{label}: peak RSS growth", f"{ingest['growth_mb']:.1f} MB (target < 64 MB)"),
        (
            f"{label}: MB/s",
            f"{mb / ingest['seconds']:.0f} MB/s ({ingest['seconds']:.1f} s); floor, plain "
            f"streamed copy: {mb / floor['seconds']:.0f} MB/s, {floor['growth_mb']:.1f} MB RSS",
        ),
    ]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _child(mode: str, url: str) -> dict:
    command = [sys.executable, "-m", "bench.media_ingest", mode, url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _video(path: Path, size_mb: int) -> Path:
    """A real H.264 MP4 of about ``size_mb`` MB (lossless noise frames encode big and fast)."""
    if path.exists() and path.stat().st_size >= size_mb * 1024 * 1024:
        return path
    import av
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    partial_path = path.with_suffix(".partial.mp4")
    width, height = 1280, 720
    noise = [Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)) for _ in "ab"]
    with av.open(str(partial_path), "w", format="mp4", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=30, options={"preset": "ultrafast", "qp": "0"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, 30)
        index = 0
        while not _big_enough(partial_path, size_mb):
            frame = av.VideoFrame.from_image(noise[index % len(noise)])
            frame.pts = index
            for packet in stream.encode(frame):
                out.mux(packet)
            index += 1
        for packet in stream.encode():
            out.mux(packet)
    partial_path.rename(path)
    return path


def _big_enough(path: Path, size_mb: int) -> bool:
    return path.exists() and path.stat().st_size >= size_mb * 1024 * 1024


# --- the measured processes ------------------------------------------------------------------


def _status_mb(field: str) -> float:
    """A /proc/self/status memory line (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _measure(work) -> None:
    """Time ``work`` and its peak RSS above the RSS it started at.

    The peak is VmHWM, reset to the current RSS first (clear_refs 5). Not getrusage's
    ru_maxrss: Linux carries that over from the parent across exec, so a child of the bench
    process (Django loaded, bigger) reported the parent's peak, not its own."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    growth = max(_status_mb("VmHWM") - before, 0.0)
    print(json.dumps({"seconds": seconds, "growth_mb": growth}))


def _copy(url: str) -> None:
    import requests

    def work():
        with (
            requests.get(url, stream=True, timeout=60) as response,
            tempfile.NamedTemporaryFile() as handle,
        ):
            for chunk in response.iter_content(1 << 20):
                handle.write(chunk)

    _measure(work)


def _ingest(url: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropspace.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    from media import services, validation  # noqa: F401 (imported before the baseline)

    owner, _ = get_user_model().objects.get_or_create(email=BENCH_EMAIL)
    assets = []
    try:
        _measure(
            lambda: assets.append(services.ingest_url(owner=owner, url=url, allow_loopback=True))
        )
    finally:
        services.discard_assets(assets)
        owner.delete()


if __name__ == "__main__":
    {"copy": _copy, "ingest": _ingest}[sys.argv[1]](sys.argv[2])
