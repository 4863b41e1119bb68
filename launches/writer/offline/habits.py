"""The persona's measured habits, applied per platform within the platform's norms.

A voice's habits come from ``personas.voice`` (measured from its samples): emoji and hashtags
per post, line breaks, usual length, questions, exclamation marks, capitalisation. Without a
persona each platform gets its own norm. Reddit, Hacker News and Product Hunt keep their norms
whatever the voice (no emoji, no hashtags): posts there that carry them get buried.
"""

from dataclasses import dataclass

from launches import rules
from launches.writer import Brief

EMOJI = ["🚀", "✨", "🎉", "💡", "👉", "🙌", "✅", "🔥"]
EXCITED = ("excit", "enthusias", "playful", "fun", "energetic", "upbeat", "bold", "hype")
RESERVED = ("dry", "understated", "calm", "serious", "formal", "measured", "technical", "plain")


@dataclass(frozen=True)
class Norm:
    emoji: int  # without a persona
    emoji_max: int
    hashtags: int
    hashtags_max: int
    target: int  # characters to aim for without a persona
    floor: int  # the shortest a draft aims for, whatever the persona's usual length
    questions: bool = True


NORMS = {
    "twitter": Norm(1, 2, 1, 3, 280, 120, questions=False),
    "linkedin": Norm(1, 3, 3, 5, 1300, 300),
    "reddit": Norm(0, 0, 0, 0, 1500, 400),
    "facebook": Norm(1, 3, 0, 3, 420, 120),
    "instagram": Norm(2, 5, 12, 30, 900, 300, questions=False),
    "tiktok": Norm(2, 4, 5, 8, 500, 200, questions=False),
    "producthunt": Norm(0, 0, 0, 0, 500, 150, questions=False),
    "hackernews": Norm(0, 0, 0, 0, 1200, 300, questions=False),
    "substack": Norm(0, 2, 0, 0, 1800, 500),
}


@dataclass(frozen=True)
class Habits:
    emoji: tuple[str, ...]
    hashtags: int
    joiner: str  # between paragraphs
    target: int
    questions: bool
    exclaim: bool
    lowercase: bool

    def say(self, line: str) -> str:
        """One of the writer's own lines in the voice: "!" for an excited voice, lower case
        for a voice that writes that way."""
        if self.exclaim and line.endswith("."):
            line = line[:-1] + "!"
        if self.lowercase and line[:1].isupper() and not line[1:2].isupper():
            line = line[:1].lower() + line[1:]
        return line

    def emoji_at(self, index: int) -> str:
        return self.emoji[index] if index < len(self.emoji) else ""


def habits_for(brief: Brief, platform: str) -> Habits:
    norm = NORMS[platform]
    style = brief.voice.style_for(platform) if brief.voice else {}
    emoji_count = _count(style.get("emoji_per_post"), norm.emoji, norm.emoji_max)
    return Habits(
        emoji=_emoji(style, emoji_count, brief.variant),
        hashtags=_count(style.get("hashtags_per_post"), norm.hashtags, norm.hashtags_max),
        joiner={"none": " ", "single": "\n"}.get(style.get("line_breaks"), "\n\n"),
        target=_target(style.get("avg_length"), norm, platform),
        questions=bool(style.get("uses_questions", norm.questions)),
        exclaim=_exclaims(brief, style),
        lowercase=style.get("capitalisation") == "mostly lowercase",
    )


def _count(value, default: int, maximum: int) -> int:
    if value is None:
        return min(default, maximum)
    return max(0, min(maximum, round(float(value))))


def _target(average, norm: Norm, platform: str) -> int:
    limit = rules.RULES[platform].content_max
    if not average:
        return min(norm.target, limit)
    return max(norm.floor, min(limit, round(float(average))))


def _emoji(style: dict, count: int, variant: int) -> tuple[str, ...]:
    """The voice's own emoji first, then the palette (turned by the variant)."""
    own = [e for e in style.get("top_emoji") or [] if isinstance(e, str) and e.strip()]
    turn = variant % len(EMOJI)
    pool = list(dict.fromkeys([*own, *EMOJI[turn:], *EMOJI[:turn]]))
    return tuple(pool[:count])


def _exclaims(brief: Brief, style: dict) -> bool:
    tone = str((brief.voice.attributes or {}).get("tone") or "").lower() if brief.voice else ""
    if any(word in tone for word in RESERVED):
        return False
    if any(word in tone for word in EXCITED):
        return True
    return float(style.get("exclamation_rate") or 0) >= 0.3
