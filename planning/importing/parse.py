"""A CSV or JSON file of launches -> one dict of raw values per row, or a FileProblem."""

import csv
import io
import json

from django.conf import settings

from launches.models import Platform

PLATFORMS = [str(p) for p in Platform]
TITLED = ["reddit", "producthunt", "hackernews"]
# Column -> the name the importer reads it under; the aliases are the API's field names.
COLUMNS = {
    "title": "title",
    "name": "title",
    "description": "description",
    "product_description": "description",
    "product_url": "product_url",
    "url": "product_url",
    "platforms": "platforms",
    "scheduled_at": "scheduled_at",
    "scheduled_date": "scheduled_at",
    "timezone": "timezone",
    "persona": "persona",
    "persona_id": "persona",
    "media_urls": "media_urls",
    "accounts": "accounts",
    "user_platform_accounts": "accounts",
    "dropspace_accounts": "dropspace_accounts",
    "dropspace_platforms": "dropspace_accounts",
    "platform_contents": "platform_contents",  # JSON only: the API's object as it is
    "reddit_subreddits": "reddit_subreddits",
    "producthunt_maker_comment": "producthunt_maker_comment",
    **{platform: platform for platform in PLATFORMS},
    **{f"{platform}_content": platform for platform in PLATFORMS},
    **{f"{platform}_title": f"{platform}_title" for platform in TITLED},
}


class FileProblem(Exception):
    """The file as a whole cannot be read: nothing is previewed or created."""


def parse(data: bytes, *, filename: str = "", format: str = "") -> tuple[str, list[dict]]:
    """(format, rows) of an uploaded file; the format from ``format``, the name or the bytes."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise FileProblem(f"the file is larger than {settings.IMPORT_MAX_BYTES // 1024} KB")
    format = format or _guess_format(filename, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem("the file is not UTF-8 text; save it as CSV UTF-8") from exc
    rows = _json_rows(text) if format == "json" else _csv_rows(text)
    if not rows:
        raise FileProblem("the file has no launches in it")
    if len(rows) > settings.IMPORT_MAX_ROWS:
        raise FileProblem(
            f"the file has {len(rows)} launches; import at most {settings.IMPORT_MAX_ROWS} "
            "at a time"
        )
    return format, [_rename(row) for row in rows]


def _guess_format(filename: str, data: bytes) -> str:
    if filename.lower().endswith(".json"):
        return "json"
    if filename.lower().endswith(".csv"):
        return "csv"
    return "json" if data.lstrip()[:1] in (b"[", b"{") else "csv"


def _csv_rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
        _check_columns(header)
        reader.fieldnames = header
        rows = [row for row in reader if any((value or "").strip() for value in row.values())]
    except csv.Error as exc:
        raise FileProblem(f"the CSV cannot be read: {exc}") from exc
    if any(None in row for row in rows):
        line = next(i for i, row in enumerate(rows, start=2) if None in row)
        raise FileProblem(f"line {line} has more values than the header has columns")
    return rows


def _json_rows(text: str) -> list[dict]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"the JSON cannot be read: {exc.msg} (line {exc.lineno})") from exc
    if isinstance(value, dict) and set(value) == {"launches"}:
        value = value["launches"]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise FileProblem('the JSON must be a list of launch objects, or {"launches": [...]}')
    for item in value:
        _check_columns([str(key).lower() for key in item])
    return [{str(key).lower(): item_value for key, item_value in item.items()} for item in value]


def _check_columns(names: list[str]) -> None:
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise FileProblem(
            f"unknown column {unknown[0]!r}; the columns are title, description, platforms, "
            "scheduled_at, timezone, persona, product_url, media_urls, accounts, "
            "dropspace_accounts, a content column per platform (twitter, linkedin, …) and "
            "reddit_title, producthunt_title, hackernews_title"
        )
    if "title" not in [COLUMNS[name] for name in names]:
        raise FileProblem("the file needs a title column")


def _rename(row: dict) -> dict:
    renamed = {}
    for name, value in row.items():
        if isinstance(value, str):
            value = value.strip()
        if value not in ("", None, [], {}):
            renamed[COLUMNS[name]] = value
    return renamed
