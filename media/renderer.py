"""The local renderer: launch visuals made on this machine when no fal key is set.

Images are designed launch cards (the title, the prompt's key words, the launch's colours) at
the requested aspect ratio, as JPEG (what every platform, TikTok photos included, accepts).
Videos are H.264 (yuv420p, faststart) MP4 files of title and caption cards, each card on screen
for its share of the duration, with a thin progress line that moves: plain, honest and playable
wherever the platforms accept video. Pillow draws, PyAV (FFmpeg's libx264 in its wheel) encodes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av
from PIL import Image, ImageDraw, ImageFont

IMAGE_MODEL_ID = "dropspace/local-card"
VIDEO_MODEL_ID = "dropspace/local-video"
SHORT_SIDE = 1080
VIDEO_SIZES = {"9:16": (720, 1280), "16:9": (1280, 720)}
FPS = 24
# Background / accent pairs; a launch always gets the same one (picked from its title).
PALETTES = [
    ((17, 24, 39), (99, 102, 241)),
    ((12, 74, 110), (56, 189, 248)),
    ((20, 83, 45), (74, 222, 128)),
    ((88, 28, 135), (232, 121, 249)),
    ((124, 45, 18), (251, 146, 60)),
    ((30, 41, 59), (250, 204, 21)),
]
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "with",
        "you",
        "your",
        "make",
        "create",
        "generate",
        "show",
        "image",
        "video",
        "photo",
        "picture",
        "please",
        "about",
        "launch",
        "product",
        "new",
        "using",
        "use",
        "their",
        "them",
        "they",
        "will",
        "can",
        "just",
        "very",
        "more",
        "most",
    ]
)


@dataclass(frozen=True)
class Card:
    """What the renderer draws: a headline, a line under it and the key words as chips."""

    title: str
    text: str = ""
    keywords: tuple[str, ...] = ()
    palette_seed: str = ""


def image_size(aspect_ratio: str) -> tuple[int, int]:
    """Pixel size for "w:h": the short side 1080, both sides even (video encoders need it)."""
    w, h = (int(part) for part in aspect_ratio.split(":"))
    if w >= h:
        return _even(SHORT_SIDE * w / h), SHORT_SIDE
    return SHORT_SIDE, _even(SHORT_SIDE * h / w)


def keywords(prompt: str, limit: int = 4) -> tuple[str, ...]:
    """The prompt's key words: the longest distinct words that are not filler, in order."""
    words = [
        w for w in re.findall(r"[A-Za-z][A-Za-z0-9'-]{2,}", prompt) if w.lower() not in STOPWORDS
    ]
    unique = list(dict.fromkeys(w.lower() for w in words))
    chosen = set(sorted(unique, key=len, reverse=True)[:limit])
    return tuple(w for w in unique if w in chosen)


def render_image(card: Card, aspect_ratio: str, path: str) -> None:
    """Write the launch card as a JPEG at ``path``."""
    draw_card(card, image_size(aspect_ratio)).save(path, "JPEG", quality=90, optimize=True)


def render_video(
    cards: list[Card],
    aspect_ratio: str,
    duration_seconds: int,
    path: str,
    on_progress: Callable[[float], None] | None = None,
) -> None:
    """Write an H.264 MP4 of ``cards`` shown one after another over ``duration_seconds``."""
    width, height = VIDEO_SIZES[aspect_ratio]
    frames_total = duration_seconds * FPS
    images = [draw_card(card, (width, height)) for card in cards]
    accent = _palette(cards[0].palette_seed)[1]
    with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        stream.options = {"preset": "veryfast", "crf": "23", "profile": "high"}
        for index in range(frames_total):
            frame_image = images[min(index * len(images) // frames_total, len(images) - 1)].copy()
            bar = int(width * (index + 1) / frames_total)
            ImageDraw.Draw(frame_image).rectangle([0, height - 8, bar, height], fill=accent)
            frame = av.VideoFrame.from_image(frame_image).reformat(format="yuv420p")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
            if on_progress and index % FPS == 0:
                on_progress(index / frames_total)
        for packet in stream.encode():
            container.mux(packet)


def draw_card(card: Card, size: tuple[int, int]) -> Image.Image:
    width, height = size
    background, accent = _palette(card.palette_seed or card.title)
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    unit = min(width, height)
    margin = unit // 12
    # A soft accent band and corner mark: the card reads as designed, not as a placeholder.
    draw.rectangle([0, 0, width, unit // 60], fill=accent)
    draw.ellipse(
        [width - margin * 3, height - margin * 3, width + margin * 2, height + margin * 2],
        fill=_mix(background, accent, 0.35),
    )
    text_width = width - 2 * margin
    title_font = _font(unit // 11)
    body_font = _font(unit // 22)
    title_lines = _wrap(draw, card.title, title_font, text_width)[:4]
    body_lines = _wrap(draw, card.text, body_font, text_width)[:6] if card.text else []
    line_gap = unit // 60
    block = sum(_line_height(title_font) + line_gap for _ in title_lines)
    block += sum(_line_height(body_font) + line_gap for _ in body_lines) + (margin // 2)
    y = max(margin, (height - block) // 2 - margin // 2)
    for line in title_lines:
        draw.text((margin, y), line, font=title_font, fill=(255, 255, 255))
        y += _line_height(title_font) + line_gap
    y += margin // 3
    draw.rectangle([margin, y, margin + unit // 8, y + unit // 120], fill=accent)
    y += margin // 2
    for line in body_lines:
        draw.text((margin, y), line, font=body_font, fill=(226, 232, 240))
        y += _line_height(body_font) + line_gap
    _draw_chips(draw, card.keywords, margin, height - margin - unit // 14, unit, accent)
    return image


def _draw_chips(draw, words, x, y, unit, accent) -> None:
    font = _font(unit // 30)
    pad = unit // 70
    for word in words:
        w = draw.textlength(word, font=font)
        if x + w + 3 * pad > draw.im.size[0] - unit // 6:
            break
        box = [x, y, x + w + 2 * pad, y + _line_height(font) + pad]
        draw.rounded_rectangle(box, radius=pad * 2, outline=accent, width=max(2, unit // 400))
        draw.text((x + pad, y + pad // 2), word, font=font, fill=(255, 255, 255))
        x += w + 3 * pad + pad


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def _font(size: int):
    return ImageFont.load_default(size=size)


def _line_height(font) -> int:
    top, bottom = font.getbbox("Ag")[1::2]
    return int((bottom - top) * 1.25)


def _palette(seed: str):
    return PALETTES[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(PALETTES)]


def _mix(a, b, amount: float):
    return tuple(int(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


def _even(value: float) -> int:
    return round(value / 2) * 2
