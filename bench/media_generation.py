"""The local renderer (no FAL_KEY): seconds per launch card and per 8 s 9:16 script video.

Each beside its floor, measured in the same run on the same machine:

- image: ``renderer.render_image`` (draw the card with Pillow, JPEG) at 1:1 and 9:16;
  floor: saving a blank image of the same size as JPEG.
- video: ``renderer.render_video`` of a title card and four caption cards, 8 s, 720x1280,
  24 fps, H.264 yuv420p faststart; floor: encoding 8 s of blank frames with the same encoder
  settings (no drawing, no per-frame progress line).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from fractions import Fraction

RUNS = 3
SCRIPT = [
    "Files out of sync again?",
    "Acme Sync keeps every copy in step.",
    "Edits land everywhere, instantly.",
    "Try it free at acme.example.",
]


def run() -> list[tuple[str, str]]:
    from media import renderer

    card = renderer.Card(
        "Acme Sync 2.0: every file, everywhere",
        "Keeps your files in step across every device.",
        renderer.keywords("A bold launch visual about syncing files across devices quickly"),
        "Acme Sync",
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="dropspace-bench-render-") as folder:
        for ratio in ("1:1", "9:16"):
            path = os.path.join(folder, f"card{ratio.replace(':', 'x')}.jpg")
            took = _median(lambda p=path, r=ratio: renderer.render_image(card, r, p))
            floor = _median(lambda p=path, r=ratio: _blank_jpeg(renderer.image_size(r), p))
            rows.append(
                (f"render: image {ratio} card", f"{took:.3f} s (floor blank JPEG {floor:.3f} s)")
            )
        path = os.path.join(folder, "video.mp4")
        cards = [card, *(renderer.Card(line, palette_seed="Acme Sync") for line in SCRIPT)]
        took = _median(lambda: renderer.render_video(cards, "9:16", 8, path))
        floor = _median(lambda: _blank_video(path))
        rows.append(
            ("render: script video 8 s 9:16", f"{took:.2f} s (floor blank frames {floor:.2f} s)")
        )
    return rows


def _median(work) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _blank_jpeg(size, path) -> None:
    from PIL import Image

    Image.new("RGB", size, (17, 24, 39)).save(path, "JPEG", quality=90, optimize=True)


def _blank_video(path) -> None:
    import av
    from PIL import Image

    from media.renderer import FPS

    frame_image = Image.new("RGB", (720, 1280), (17, 24, 39))
    with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 720, 1280, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        stream.options = {"preset": "veryfast", "crf": "23", "profile": "high"}
        for index in range(8 * FPS):
            frame = av.VideoFrame.from_image(frame_image).reformat(format="yuv420p")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
