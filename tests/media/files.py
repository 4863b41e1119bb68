"""Real media files made on the spot: Pillow images and PyAV (H.264) videos."""

import base64
import io
from fractions import Fraction

import av
from PIL import Image


def b64(data: bytes) -> str:
    """``data`` as the API's base64 media items carry it."""
    return base64.b64encode(data).decode()


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 40, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def video_bytes(*, seconds: float = 1, size=(64, 48), fps: int = 10, fmt: str = "mp4") -> bytes:
    """An H.264 video of solid frames, in an MP4 (or MOV) container."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=fmt) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        for index in range(int(seconds * fps)):
            image = Image.new("RGB", size, (index * 20 % 255, 90, 160))
            frame = av.VideoFrame.from_image(image)
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
