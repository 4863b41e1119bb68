"""A persona's voice profile: from Claude (tool use with a JSON schema) or from stylometrics alone.

Both paths return the same structured shape, and ``render`` turns it into the readable
``persona_analysis`` text, so the writer and the dashboard never care which path ran.
"""

from dataclasses import dataclass

import anthropic
from django.conf import settings

from personas import stylometrics

TOOL_NAME = "record_voice_profile"
SAMPLES_PER_SOURCE_IN_PROMPT = 25
SAMPLE_CHARS_IN_PROMPT = 2_000
# All samples together stay around 20k tokens whatever the persona holds (cost and latency).
PROMPT_SAMPLE_BUDGET = 80_000
MAX_TOKENS = 4_096

_TEXT = {"type": "string"}
_TEXT_LIST = {"type": "array", "items": {"type": "string"}}
VOICE_PROFILE_SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {**_TEXT, "description": "two or three sentences a ghostwriter reads first"},
        "tone": {**_TEXT_LIST, "description": "three to six adjectives, e.g. 'dry', 'warm'"},
        "voice": {**_TEXT, "description": "point of view and how the writer addresses readers"},
        "audience": {**_TEXT, "description": "who the writing is for and what they care about"},
        "vocabulary": {
            "type": "object",
            "properties": {
                "signature_phrases": {**_TEXT_LIST, "description": "quoted from the samples"},
                "preferred_words": _TEXT_LIST,
                "avoid_words": _TEXT_LIST,
            },
            "required": ["signature_phrases", "preferred_words", "avoid_words"],
        },
        "sentence_length": {**_TEXT, "description": "typical sentence and post length, rhythm"},
        "emoji": {**_TEXT, "description": "how often and which emoji, where they go"},
        "hashtags": {**_TEXT, "description": "how many hashtags, which ones, where they go"},
        "formatting": {**_TEXT, "description": "line breaks, lists, capitalisation, punctuation"},
        "do": {**_TEXT_LIST, "description": "concrete rules to follow"},
        "dont": {**_TEXT_LIST, "description": "concrete things this voice never does"},
        "platform_notes": {
            "type": "object",
            "description": "per platform analysed: how the voice shifts there",
            "additionalProperties": _TEXT,
        },
    },
    "required": [
        "summary",
        "tone",
        "voice",
        "audience",
        "vocabulary",
        "sentence_length",
        "emoji",
        "hashtags",
        "formatting",
        "do",
        "dont",
        "platform_notes",
    ],
}

SYSTEM_PROMPT = (
    "You are a brand-voice analyst. You study a brand's writing samples and its configured "
    "attributes and produce a voice profile that a ghostwriter (human or AI) can follow to "
    "write new posts that are indistinguishable from the samples. Ground every statement in "
    "the samples and the measured habits; quote recurring phrases exactly; where samples are "
    "missing, rely on the configured attributes and say so. Never invent facts about the "
    f"brand. Answer by calling the {TOOL_NAME} tool exactly once."
)


class AnalysisError(Exception):
    """The analysis could not be produced; the message is shown to the persona's owner."""


@dataclass(frozen=True)
class Material:
    """Everything one analysis looks at, snapshotted when the build starts."""

    name: str
    attributes: dict
    samples: dict[str, list[str]]  # source -> posts, only the sources being analysed
    measured: dict[str, dict]  # stylometrics.measure_sources(samples)


def claude_enabled() -> bool:
    return bool(settings.ANTHROPIC_API_KEY)


def ask_claude(material: Material) -> dict:
    """Claude's voice profile for the material (one Messages API call, forced tool use)."""
    client = anthropic.Anthropic(
        api_key=settings.ANTHROPIC_API_KEY,
        base_url=settings.ANTHROPIC_BASE_URL,
        timeout=settings.ANTHROPIC_TIMEOUT_SECONDS,
        max_retries=2,  # the SDK backs off on 429/5xx/connection errors
    )
    try:
        message = client.messages.create(
            model=settings.ANTHROPIC_MODEL,
            max_tokens=MAX_TOKENS,
            system=SYSTEM_PROMPT,
            tools=[
                {
                    "name": TOOL_NAME,
                    "description": "Record the voice profile of the persona.",
                    "input_schema": VOICE_PROFILE_SCHEMA,
                }
            ],
            tool_choice={"type": "tool", "name": TOOL_NAME},
            messages=[{"role": "user", "content": prompt(material)}],
        )
    except anthropic.APIStatusError as exc:
        raise AnalysisError(f"Claude answered HTTP {exc.status_code}: {_reason(exc)}") from exc
    except anthropic.APIError as exc:
        raise AnalysisError(f"Claude could not be reached: {exc}") from exc
    return _profile_from(message)


def prompt(material: Material) -> str:
    """The user message: attributes, measured habits, then the samples grouped by source."""
    parts = [f"Persona: {material.name}", _attributes_text(material.attributes)]
    parts.append("Measured writing habits (computed from the samples):")
    parts.extend(
        _habits_line(source, stats)
        for source, stats in material.measured.items()
        if stats.get("sample_count")
    )
    if not any(material.samples.values()):
        parts.append("No writing samples were provided: build the profile from the attributes.")
    budget = PROMPT_SAMPLE_BUDGET // max(1, len(material.samples))
    for source, posts in material.samples.items():
        body = "\n".join(f"<sample>\n{post}\n</sample>" for post in _within_budget(posts, budget))
        parts.append(f'<samples source="{source}" count="{len(posts)}">\n{body}\n</samples>')
    sources = ", ".join(material.samples) or "none"
    parts.append(f"Write platform_notes for each of these sources: {sources}.")
    return "\n\n".join(parts)


def _within_budget(posts: list[str], budget: int) -> list[str]:
    """The most representative posts (each cut to a readable length) that fit in ``budget``."""
    chosen, used = [], 0
    for post in stylometrics.representative(posts, SAMPLES_PER_SOURCE_IN_PROMPT):
        post = post[:SAMPLE_CHARS_IN_PROMPT]
        if used + len(post) > budget and chosen:
            break
        chosen.append(post)
        used += len(post)
    return chosen


def local_profile(material: Material) -> dict:
    """A voice profile from the attributes and measured habits alone (no Claude)."""
    overall = material.measured.get("overall", {})
    attributes = material.attributes
    tone = [word.strip() for word in attributes.get("tone", "").split(",") if word.strip()]
    return {
        "summary": _local_summary(material, overall),
        "tone": tone,
        "voice": attributes.get("description", ""),
        "audience": attributes.get("target_audience", ""),
        "vocabulary": {
            "signature_phrases": overall.get("top_phrases", []),
            "preferred_words": list(attributes.get("terminology", [])),
            "avoid_words": [],
        },
        "sentence_length": _sentence_length_text(overall),
        "emoji": _emoji_text(overall),
        "hashtags": _hashtag_text(overall),
        "formatting": _formatting_text(overall),
        "do": _local_do(attributes, overall),
        "dont": _local_dont(overall),
        "platform_notes": {
            source: _habits_line(source, stats).removeprefix(f"- {source}: ")
            for source, stats in material.measured.items()
            if source != "overall" and stats.get("sample_count")
        },
    }


def render(structured: dict) -> str:
    """The readable analysis text shown in the dashboard and given to the writer."""
    lines = []
    if structured.get("source") == "local":
        lines.append(
            "Built locally from measured writing habits and the persona's attributes "
            "(no Anthropic API key is configured, so Claude did not analyse the samples)."
        )
    lines.append(structured.get("summary", ""))
    if structured.get("tone"):
        lines.append("Tone: " + ", ".join(structured["tone"]))
    for label, key in (
        ("Voice", "voice"),
        ("Audience", "audience"),
        ("Sentence length", "sentence_length"),
        ("Emoji", "emoji"),
        ("Hashtags", "hashtags"),
        ("Formatting", "formatting"),
    ):
        if structured.get(key):
            lines.append(f"{label}: {structured[key]}")
    phrases = structured.get("vocabulary", {}).get("signature_phrases", [])
    if phrases:
        lines.append("Signature phrases: " + "; ".join(f'"{phrase}"' for phrase in phrases))
    lines.extend(_bullets("Do", structured.get("do", [])))
    lines.extend(_bullets("Don't", structured.get("dont", [])))
    for platform, note in structured.get("platform_notes", {}).items():
        lines.append(f"On {platform}: {note}")
    return "\n\n".join(line for line in lines if line)


def _profile_from(message) -> dict:
    for block in message.content:
        if block.type == "tool_use" and block.name == TOOL_NAME and isinstance(block.input, dict):
            missing = [key for key in VOICE_PROFILE_SCHEMA["required"] if key not in block.input]
            if missing:
                raise AnalysisError(f"Claude's voice profile lacks: {', '.join(missing)}")
            return dict(block.input)
    raise AnalysisError(f"Claude returned no voice profile (stop reason: {message.stop_reason})")


def _reason(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return str(error.get("message") or exc.message)


def _attributes_text(attributes: dict) -> str:
    terminology = ", ".join(attributes.get("terminology") or [])
    rows = [
        ("Description", attributes.get("description")),
        ("Configured tone", attributes.get("tone")),
        ("Target audience", attributes.get("target_audience")),
        ("Industry", attributes.get("industry")),
        ("Terminology the brand uses", terminology),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows if value) or (
        "No attributes configured."
    )


def _habits_line(source: str, stats: dict) -> str:
    phrases = "; ".join(stats.get("top_phrases", [])[:5]) or "none recurring"
    return (
        f"- {source}: {stats['sample_count']} samples, about {stats['avg_length']} characters "
        f"and {stats['avg_sentence_words']} words per sentence, "
        f"{stats['emoji_per_post']} emoji and {stats['hashtags_per_post']} hashtags per post, "
        f"line breaks: {stats['line_breaks']}, capitalisation: {stats['capitalisation']}, "
        f"questions in {round(stats['question_rate'] * 100)}% of posts, calls to action in "
        f"{round(stats['cta_rate'] * 100)}%, reading level {stats['reading_level']} "
        f"(Flesch {stats['flesch_reading_ease']}), recurring phrases: {phrases}"
    )


def _local_summary(material: Material, overall: dict) -> str:
    count = overall.get("sample_count", 0)
    described = material.attributes.get("description") or f"The voice of {material.name}."
    if not count:
        return f"{described} No writing samples yet: add some for a measured profile."
    return (
        f"{described} Measured from {count} writing samples: posts run about "
        f"{overall['avg_length']} characters; reading level {overall['reading_level']} "
        f"(Flesch {overall['flesch_reading_ease']})."
    )


def _sentence_length_text(overall: dict) -> str:
    if not overall.get("sample_count"):
        return ""
    return (
        f"About {overall['avg_sentence_words']} words per sentence and "
        f"{overall['avg_length']} characters per post."
    )


def _emoji_text(overall: dict) -> str:
    if not overall.get("sample_count"):
        return ""
    favourites = " ".join(overall.get("top_emoji", [])[:5])
    rate = overall["emoji_per_post"]
    return f"{rate} per post" + (f", favourites {favourites}" if favourites and rate else "")


def _hashtag_text(overall: dict) -> str:
    if not overall.get("sample_count"):
        return ""
    favourites = " ".join(overall.get("top_hashtags", [])[:5])
    rate = overall["hashtags_per_post"]
    return f"{rate} per post" + (f", usually {favourites}" if favourites and rate else "")


def _formatting_text(overall: dict) -> str:
    if not overall.get("sample_count"):
        return ""
    breaks = {"none": "single paragraphs", "single": "line breaks", "double": "blank lines"}
    return (
        f"Posts use {breaks[overall['line_breaks']]}; capitalisation is "
        f"{overall['capitalisation']}; exclamation marks in "
        f"{round(overall['exclamation_rate'] * 100)}% of posts."
    )


def _local_do(attributes: dict, overall: dict) -> list[str]:
    rules = []
    if attributes.get("tone"):
        rules.append(f"Keep the tone {attributes['tone']}.")
    if attributes.get("terminology"):
        rules.append("Use the brand's terms: " + ", ".join(attributes["terminology"]) + ".")
    if overall.get("uses_questions"):
        rules.append("Ask the reader a question.")
    if overall.get("cta_rate", 0) >= 0.3:
        rules.append("End with a clear call to action.")
    if overall.get("top_phrases"):
        phrases = "; ".join(overall["top_phrases"][:3])
        rules.append(f"Reuse signature phrases where natural: {phrases}")
    return rules


def _local_dont(overall: dict) -> list[str]:
    rules = []
    if overall.get("sample_count") and overall["emoji_per_post"] < 0.2:
        rules.append("Don't use emoji.")
    if overall.get("sample_count") and overall["hashtags_per_post"] < 0.2:
        rules.append("Don't add hashtags.")
    if overall.get("exclamation_rate", 1) < 0.1 and overall.get("sample_count"):
        rules.append("Don't use exclamation marks.")
    return rules


def _bullets(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"{title}:\n" + "\n".join(f"- {item}" for item in items)]
