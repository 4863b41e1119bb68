"""Problems and raw values in a person's words: the one translation every page uses.

Every dashboard page that shows a service's ApiError goes through ``problems_of`` (a list) or
``add_to_form`` (a Django form), so all problems are shown at once, in sentences.

The rules and the API speak in field paths and stored values (``platform_contents.twitter.
thread.2``, ``scheduled_date``, ``PUBLIC_TO_EVERYONE``); the API keeps them in ``details``.
Pages show ``sentence(problem)``: "Tweet 3 is 415 characters long as X counts them; the limit
is 280." Tweets are counted from 1, as the editor numbers them.
"""

import re

from dropspace.api.errors import ApiError
from launches.models import Launch, Platform, PostingLog

PLATFORM_NAMES = dict(Platform.choices)
FIELD_NAMES = {
    "title": "Name",
    "name": "Name",
    "product_description": "Product description",
    "product_url": "Product URL",
    "platforms": "Platforms",
    "persona_id": "Persona",
    "scheduled_date": "Scheduled time",
    "status": "Status",
    "custom_content": "Custom text",
    "custom_content_reddit_title": "Reddit title",
    "user_platform_accounts": "Posting accounts",
    "dropspace_platforms": "Official dropspace accounts",
    "platform_contents": "Content",
}
# A platform's fields, "{platform}" being its name.
ENTRY_FIELDS = {
    "content": "{platform} text",
    "thread": "X thread",
    "title": "{platform} title",
    "maker_comment": "Product Hunt maker comment",
    "subreddits": "Subreddits",
    "tiktok_settings": "TikTok settings",
}
PRODUCT_HUNT_FIELDS = {"title": "Product Hunt tagline", "content": "Product Hunt description"}
PRIVACY_NAMES = {
    "PUBLIC_TO_EVERYONE": "Everyone",
    "FOLLOWER_OF_CREATOR": "Followers",
    "MUTUAL_FOLLOW_FRIENDS": "Friends (followers you follow back)",
    "SELF_ONLY": "Only me",
}
TIKTOK_FLAG_NAMES = {
    "allow_comments": "Allow comments",
    "allow_duet": "Allow duets",
    "allow_stitch": "Allow stitches",
    "is_commercial": "Commercial content",
    "is_your_brand": "Promotes your own brand",
    "is_branded_content": "Branded content (a paid partnership)",
    "auto_add_music": "Add music automatically",
}
ACCOUNT_KINDS = {
    "personal": "Your profile",
    "organization": "Company page",
    "page": "Page",
    "business": "Business account",
}
# A connection's health, as the account pickers say it (healthy says nothing).
HEALTH_NAMES = {"needs_reauth": "Reconnect needed", "error": "Not working"}
STATUS_NAMES = dict(Launch.Status.choices)
POST_STATUS_NAMES = dict(PostingLog.Status.choices)
METRIC_NAMES = {
    "likes": "Likes",
    "retweets": "Reposts",
    "replies": "Replies",
    "quotes": "Quotes",
    "bookmarks": "Bookmarks",
    "impressions": "Impressions",
    "uniqueImpressions": "Unique impressions",
    "urlClicks": "Link clicks",
    "profileClicks": "Profile clicks",
    "comments": "Comments",
    "shares": "Shares",
    "clicks": "Clicks",
    "engagement": "Engagement rate",
    "reactions": "Reactions",
    "views": "Views",
    "saved": "Saves",
    "score": "Score",
    "upvotes": "Upvotes",
    "upvoteRatio": "Upvote ratio",
}
# Raw words that can appear inside a rule's message, and what a person calls them. Longest
# first, so "custom_content_reddit_title" is replaced before "custom_content".
RAW_WORDS = dict(
    sorted(
        {
            **{name: label.lower() for name, label in FIELD_NAMES.items() if "_" in name},
            "privacy_level": "who can view",
            "tiktok_settings": "TikTok settings",
            "maker_comment": "maker comment",
            **PRIVACY_NAMES,
            **{flag: f"“{label}”" for flag, label in TIKTOK_FLAG_NAMES.items()},
            **PLATFORM_NAMES,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)
RAW_WORD = re.compile(r"(?<![\w/.:-])(" + "|".join(map(re.escape, RAW_WORDS)) + r")(?![\w/:-])")
ACCOUNT_KEY = re.compile(r"\b(?:linkedin|facebook):[\w:-]+")
PATH = re.compile(r"\b(?:platform_contents|user_platform_accounts)(?:\.[\w:-]+)+")
STATUS_WORD = re.compile(r"\b(status) (" + "|".join(STATUS_NAMES) + r")\b", re.IGNORECASE)


def field_label(path: str) -> str:
    """``platform_contents.twitter.thread.2`` -> "Tweet 3"; ``scheduled_date`` -> "Scheduled
    time"; a path it does not know -> its last part, spaced."""
    parts = path.split(".") if path else []
    if not parts:
        return ""
    if parts[0] == "platform_contents" and len(parts) > 1:
        return _entry_label(parts[1], parts[2:])
    if parts[0] == "user_platform_accounts" and len(parts) > 1:
        return f"Posting account {account_label(parts[1])}"
    if parts[0] in FIELD_NAMES:
        return FIELD_NAMES[parts[0]]
    return parts[-1].replace("_", " ").capitalize()


def _entry_label(platform: str, rest: list[str]) -> str:
    name = PLATFORM_NAMES.get(platform, platform)
    if not rest:
        return name
    field = rest[0]
    if field == "thread" and len(rest) > 1 and rest[1].isdigit():
        return f"Tweet {int(rest[1]) + 1}"
    if platform == "twitter" and field == "content":
        return "Tweet"
    if field == "subreddits" and len(rest) > 1 and rest[1].isdigit():
        what = {"title": "title", "content": "text", "name": "name"}.get(rest[-1], "")
        return f"Subreddit {int(rest[1]) + 1} {what}".strip()
    if field == "tiktok_settings" and len(rest) > 1:
        key = rest[1]
        return "Who can view" if key == "privacy_level" else TIKTOK_FLAG_NAMES.get(key, key)
    if platform == "producthunt" and field in PRODUCT_HUNT_FIELDS:
        return PRODUCT_HUNT_FIELDS[field]
    return ENTRY_FIELDS.get(field, f"{name} {field}").format(platform=name)


def account_label(key: str) -> str:
    """``linkedin:organization:42`` -> "for LinkedIn (organization 42)"."""
    platform, _, rest = key.partition(":")
    name = PLATFORM_NAMES.get(platform, platform)
    if not rest:
        return f"for {name}"
    if rest == "personal":
        return f"for {name} (your profile)"
    kind, _, entity = rest.partition(":")
    return f"for {name} ({kind} {entity})".replace("  ", " ")


def words(text: str) -> str:
    """Raw names and values inside a message replaced by a person's words."""
    text = PATH.sub(lambda match: field_label(match.group(0)), text)
    text = ACCOUNT_KEY.sub(lambda match: account_label(match.group(0)).removeprefix("for "), text)
    text = STATUS_WORD.sub(
        lambda match: f"{match.group(1)} “{STATUS_NAMES[match.group(2).lower()]}”", text
    )
    text = RAW_WORD.sub(lambda match: RAW_WORDS[match.group(1)], text)
    text = re.sub(r"\bapi key", "API key", text)
    return text.replace(
        "weighted characters (as X counts them) long", "characters long as X counts them"
    )


def sentence(problem: dict) -> str:
    """One problem as a sentence: what is wrong, with the field named the way the page does."""
    field, message = problem.get("field") or "", str(problem.get("message") or "")
    label = field_label(field)
    if field and message.startswith(field):
        message = label + message[len(field) :]
    message = words(message)
    if label and not _names(message, label):
        message = f"{label}: {message}"
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def _names(message: str, label: str) -> bool:
    return label.lower() in message.lower()


def problems_of(exc: ApiError) -> list[dict]:
    """Every problem of an error, each with its field and a sentence a person understands."""
    items = [item for item in exc.details or [] if isinstance(item, dict)]
    if not items:
        items = [{"field": "", "message": exc.message}]
    seen, out = set(), []
    for item in items:
        said = sentence(item)
        if said not in seen:
            seen.add(said)
            out.append({"field": item.get("field") or "", "message": said})
    return out


def message_of(exc: ApiError) -> str:
    """Every problem of ``exc`` as one paragraph (for a flash message or a form's top)."""
    return " ".join(problem["message"] for problem in problems_of(exc))


def add_to_form(form, exc: ApiError, fields: dict[str, str] | None = None) -> None:
    """Every problem of ``exc`` on ``form``: next to its field when the form has it (``fields``
    maps a service field to the form's name), else at the top of the form."""
    for item in problems_of(exc):
        head = item["field"].split(".")[0]
        name = (fields or {}).get(head, head)
        form.add_error(name if name in form.fields else None, item["message"])


def choice_name(value: str) -> str:
    """A stored value shown on a page: a privacy level, a flag, a metric, a status."""
    for names in (PRIVACY_NAMES, TIKTOK_FLAG_NAMES, METRIC_NAMES, PLATFORM_NAMES):
        if value in names:
            return names[value]
    return str(value).replace("_", " ").capitalize()
