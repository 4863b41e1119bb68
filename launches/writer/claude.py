"""The Claude writer: one tool-use call for all platforms, then one repair call if needed."""

import json
import logging

import anthropic
from django.conf import settings

from launches import rules
from launches.writer import Brief, WriterRateLimited, WriterUnavailable, Written, guides, output

logger = logging.getLogger(__name__)

TOOL_NAME = "write_launch_content"
MAX_TOKENS = 8000
PRODUCT_TEXT_MAX = 6000


def write(brief: Brief) -> Written:
    """Write every platform of ``brief``; output that breaks a rule is asked for again once."""
    client = _client()
    messages = [{"role": "user", "content": _brief_text(brief)}]
    reply = _call(client, brief, brief.platforms, messages)
    contents, problems = _collect(brief, reply, brief.platforms)
    if problems:
        messages += [
            {
                "role": "assistant",
                "content": [block.model_dump(exclude_none=True) for block in reply.content],
            },
            {"role": "user", "content": _repair_request(reply, problems)},
        ]
        retry_reply = _call(client, brief, list(problems), messages)
        repaired, problems = _collect(brief, retry_reply, list(problems))
        contents.update(repaired)
    failures = {
        platform: "; ".join(p["message"] for p in found) for platform, found in problems.items()
    }
    return Written(writer="claude", contents=contents, failures=failures)


def _client() -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=settings.ANTHROPIC_API_KEY,
        base_url=settings.ANTHROPIC_BASE_URL,
        timeout=settings.ANTHROPIC_TIMEOUT_SECONDS,
        max_retries=settings.LAUNCH_WRITER_MAX_RETRIES,
    )


def _call(client, brief: Brief, platforms, messages):
    try:
        return client.messages.create(
            model=settings.ANTHROPIC_MODEL,
            max_tokens=MAX_TOKENS,
            system=guides.system_prompt(platforms),
            tools=[_tool(brief, platforms)],
            tool_choice={"type": "tool", "name": TOOL_NAME},
            messages=messages,
        )
    except anthropic.RateLimitError as exc:
        retry_after = exc.response.headers.get("retry-after")
        raise WriterRateLimited(
            "the AI writer is rate limited; try again shortly",
            retry_after=int(float(retry_after)) if retry_after else None,
        ) from exc
    except (anthropic.APIStatusError, anthropic.APIConnectionError) as exc:
        # 529 overloaded, 5xx, timeouts, and a key Anthropic refuses: the writer is unavailable.
        logger.warning("Anthropic call failed: %s", exc)
        raise WriterUnavailable("the AI writer is unavailable; try again later") from exc


def _collect(brief: Brief, reply, platforms) -> tuple[dict, dict]:
    """Entries that pass the rules, and the problems of the others, per platform."""
    written = _tool_input(reply)
    contents, problems = {}, {}
    for platform in platforms:
        raw = written.get(platform)
        entry = output.to_entry(
            platform,
            raw if isinstance(raw, dict) else {},
            brief.existing.get(platform),
            writer="claude",
        )
        found = output.problems_of(platform, entry)
        if found:
            problems[platform] = found
        else:
            contents[platform] = entry
    return contents, problems


def _tool_input(reply) -> dict:
    for block in reply.content:
        if block.type == "tool_use" and block.name == TOOL_NAME and isinstance(block.input, dict):
            return block.input
    return {}


def _repair_request(reply, problems: dict) -> list:
    tool_use_id = next((b.id for b in reply.content if b.type == "tool_use"), None)
    lines = [f"- {p['field']}: {p['message']}" for found in problems.values() for p in found]
    text = (
        "Some platforms break their limits. Rewrite only these platforms so that every "
        "limit is met, keeping the meaning:\n" + "\n".join(lines)
    )
    if tool_use_id is None:
        return [{"type": "text", "text": text}]
    return [{"type": "tool_result", "tool_use_id": tool_use_id, "is_error": True, "content": text}]


def _brief_text(brief: Brief) -> str:
    parts = [
        f"Product / launch title: {brief.title}",
        f"Product description:\n{brief.description}",
    ]
    if brief.product_url:
        parts.append(f"Product URL: {brief.product_url}")
    if brief.product_text:
        parts.append(f"Text from the product page:\n{brief.product_text[:PRODUCT_TEXT_MAX]}")
    if brief.voice:
        parts.append(_voice_text(brief))
    limits = "\n".join(guides.limits_line(platform) for platform in brief.platforms)
    parts.append(f"Write for these platforms, within these limits:\n{limits}")
    return "\n\n".join(parts)


def _voice_text(brief: Brief) -> str:
    voice = brief.voice
    attributes = {k: v for k, v in voice.attributes.items() if v}
    lines = [f"Write in the voice of the persona {voice.name!r}."]
    if voice.analysis:
        lines.append(f"Voice analysis:\n{voice.analysis}")
    if attributes:
        lines.append(f"Voice attributes: {json.dumps(attributes, ensure_ascii=False)}")
    for platform in brief.platforms:
        samples = voice.samples.get(platform) or []
        if samples:
            joined = "\n---\n".join(samples)
            lines.append(f"Writing samples for {platform} (match their style):\n{joined}")
    return "\n\n".join(lines)


def _tool(brief: Brief, platforms) -> dict:
    properties = {platform: _platform_schema(brief, platform) for platform in platforms}
    return {
        "name": TOOL_NAME,
        "description": "Record the content written for each platform of the launch.",
        "input_schema": {
            "type": "object",
            "properties": properties,
            "required": list(platforms),
        },
    }


def _text(description: str, max_length: int | None = None) -> dict:
    schema = {"type": "string", "description": description}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _platform_schema(brief: Brief, platform: str) -> dict:
    rule = rules.RULES[platform]
    if platform == "twitter":
        tweet = _text("one tweet, max 280 weighted characters (URLs count 23)")
        properties = {"thread": {"type": "array", "items": tweet, "minItems": 1, "maxItems": 6}}
    else:
        properties = {"content": _text("the post text", rule.content_max)}
    if rule.title_max:
        properties["title"] = _text(
            "the title" if platform != "producthunt" else "the tagline", rule.title_max
        )
    if platform == "producthunt":
        properties["maker_comment"] = _text("the maker's first comment", 1000)
    subreddits = (brief.existing.get(platform) or {}).get("subreddits")
    if platform == "reddit" and subreddits:
        item = {
            "type": "object",
            "properties": {
                "name": {"type": "string", "enum": [s["name"] for s in subreddits]},
                "title": _text("title for this subreddit", 300),
                "content": _text("body for this subreddit", 3000),
            },
            "required": ["name", "title", "content"],
        }
        properties["subreddits"] = {"type": "array", "items": item}
    return {"type": "object", "properties": properties, "required": list(properties)}
