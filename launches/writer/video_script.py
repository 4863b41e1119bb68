"""Video scripts for generate_ai_videos: a few short lines, one caption card each.

A short vertical video works as hook, what it is, why it matters, where to get it. The lines
come from the launch itself (its name, its description's sentences, its link), so the script is
always about the product and never invents claims.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LINE = 90
HOOKS = {"tiktok": "Meet {name}.", "instagram": "Introducing {name}."}


def write_video_script(*, name: str, description: str, product_url: str, platform: str) -> str:
    """The script, one line per caption (10-2,000 characters)."""
    lines = [HOOKS.get(platform, "Meet {name}.").format(name=name.strip()[:60])]
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", description) if s.strip()]
    lines += [_short(sentence) for sentence in sentences[:3]]
    host = urlsplit(product_url).hostname if product_url else ""
    lines.append(f"Try it at {host.removeprefix('www.')}." if host else "Try it today.")
    return "\n".join(dict.fromkeys(lines))[:2000]


def _short(sentence: str) -> str:
    if len(sentence) <= MAX_LINE:
        return sentence
    cut = sentence[:MAX_LINE].rsplit(" ", 1)[0]
    return f"{cut}…"
