"""One raw row -> ``create_launch`` arguments (JSON-safe), its problems and notes.

Shape only (splitting lists, reading times, naming a persona); the launch rules are
``launches.services.check_new_launch``, the same ones ``create_launch`` applies.
"""

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from launches import services as launch_services
from planning.importing.parse import PLATFORMS, TITLED

SPLIT = re.compile(r"[,;|\s]+")
THREAD_BREAK = re.compile(r"\n\s*---+\s*\n")  # tweets of a thread, one per block
ALIASES = {"x": "twitter", "twitter/x": "twitter", "product hunt": "producthunt"}
# Field paths of the rules -> the column a person wrote them in (the others are the same).
COLUMN_OF_FIELD = {"name": "title"}


@dataclass
class Row:
    number: int  # 1 = the first launch of the file
    title: str = ""
    arguments: dict = field(default_factory=dict)  # create_launch's, JSON-safe
    problems: list = field(default_factory=list)  # [{"column", "message"}]
    notes: list = field(default_factory=list)  # said, but do not stop the row

    def as_dict(self) -> dict:
        return {
            "row": self.number,
            "title": self.title,
            "input": self.arguments,
            "problems": self.problems,
            "notes": self.notes,
        }


def read_row(number: int, raw: dict, *, owner, personas: dict) -> Row:
    row = Row(number, title=str(raw.get("title", ""))[:200])
    arguments = {
        "title": str(raw.get("title", "")),
        "product_description": str(raw.get("description", "")),
        "platforms": _platforms(raw.get("platforms", [])),
    }
    if raw.get("product_url"):
        arguments["product_url"] = str(raw["product_url"])
    contents = _contents(raw, arguments["platforms"], row)
    if contents:
        arguments["platform_contents"] = contents
    _schedule(raw, arguments, row, owner)
    _persona(raw.get("persona"), personas, arguments, row)
    _accounts(raw, arguments, row)
    if raw.get("media_urls"):
        # Fetched by create_launch through the one SSRF-safe fetcher, like the API's media items.
        arguments["media"] = [{"source": "url", "url": url} for url in _list(raw["media_urls"])]
    row.arguments = arguments
    row.problems += _rule_problems(owner, arguments)
    return row


def _rule_problems(owner, arguments: dict) -> list:
    kwargs = {key: value for key, value in arguments.items() if key != "persona_id"}
    if "scheduled_date" in kwargs:
        kwargs["scheduled_date"] = datetime.fromisoformat(kwargs["scheduled_date"])
    problems = launch_services.check_new_launch(owner=owner, **kwargs)
    return [in_words(item) for item in problems]


def in_words(problem: dict) -> dict:
    path = problem["field"] or ""
    head = path.split(".")[0]
    if head == "platform_contents":
        column = path.split(".")[1] if "." in path else "content"
    else:
        column = COLUMN_OF_FIELD.get(head, head)
    return {"column": column, "message": problem["message"]}


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item for item in SPLIT.split(str(value)) if item]


def _platforms(value) -> list[str]:
    names = [ALIASES.get(name.lower(), name.lower()) for name in _list(value)]
    return list(dict.fromkeys(names))


def _contents(raw: dict, platforms: list[str], row: Row) -> dict:
    if isinstance(raw.get("platform_contents"), dict):
        return raw["platform_contents"]
    if "platform_contents" in raw:
        row.problems.append({"column": "platform_contents", "message": "must be an object"})
    contents = {}
    for platform in PLATFORMS:
        entry = _entry(platform, raw)
        if entry:
            if platform not in platforms:
                message = f"there is {platform} content but {platform} is not in platforms"
                row.problems.append({"column": platform, "message": message})
            contents[platform] = entry
    return contents


def _entry(platform: str, raw: dict) -> dict:
    entry = {}
    text = raw.get(platform)
    if isinstance(text, list) and platform == "twitter":
        entry["thread"] = [str(tweet) for tweet in text]
    elif text:
        parts = THREAD_BREAK.split(str(text).replace("\r\n", "\n"))
        key_value = ("thread", parts) if platform == "twitter" and len(parts) > 1 else None
        entry.update([key_value] if key_value else [("content", str(text))])
    if platform in TITLED and raw.get(f"{platform}_title"):
        entry["title"] = str(raw[f"{platform}_title"])
    if platform == "reddit" and raw.get("reddit_subreddits"):
        entry["subreddits"] = [
            {"name": name.removeprefix("r/")} for name in _list(raw["reddit_subreddits"])
        ]
    if platform == "producthunt" and raw.get("producthunt_maker_comment"):
        entry["maker_comment"] = str(raw["producthunt_maker_comment"])
    return entry


def _schedule(raw: dict, arguments: dict, row: Row, owner) -> None:
    value = raw.get("scheduled_at")
    zone_name = str(raw.get("timezone") or owner.timezone or "UTC")
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        message = f"{zone_name!r} is not a timezone; use a name like Europe/Paris or UTC"
        row.problems.append({"column": "timezone", "message": message})
        return
    if not value:
        return
    try:
        when = datetime.fromisoformat(str(value).replace(" ", "T", 1))
    except ValueError:
        message = f"{value!r} is not a date and time; write it like 2026-05-01 09:00"
        row.problems.append({"column": "scheduled_date", "message": message})
        return
    if timezone.is_naive(when):
        when = when.replace(tzinfo=zone)
    arguments["scheduled_date"] = when.isoformat()


def _persona(value, personas: dict, arguments: dict, row: Row) -> None:
    if not value:
        return
    persona = personas.get(str(value).strip().lower())
    if persona is None:
        message = f"you have no persona named {value!r}"
        row.problems.append({"column": "persona", "message": message})
    else:
        arguments["persona_id"] = str(persona.pk)


def _accounts(raw: dict, arguments: dict, row: Row) -> None:
    value = raw.get("accounts")
    if isinstance(value, dict):
        arguments["user_platform_accounts"] = value
    elif value:
        pairs = [item.partition("=") for item in _list(value)]
        broken = [key for key, sign, connection in pairs if not sign or not connection]
        if broken:
            message = (
                f"{broken[0]!r} needs a connection id: write accounts like "
                "twitter=<connection id>; linkedin:personal=<connection id>"
            )
            row.problems.append({"column": "user_platform_accounts", "message": message})
        else:
            arguments["user_platform_accounts"] = {key: conn for key, _, conn in pairs}
    if raw.get("dropspace_accounts"):
        arguments["dropspace_platforms"] = [p.lower() for p in _list(raw["dropspace_accounts"])]
