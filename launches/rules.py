"""The launch rules, in one place: used by the API, the pages, the writer and publishing.

Each ``check_*`` function returns a list of problems ``{"field": ..., "message": ...}`` (empty
when the input is fine), so a caller can report one problem or all of them. Messages name the
field and the limit.
"""

import functools
import re
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from connections.models import Connection
from launches.models import AUTO_POST_PLATFORMS, Platform

with warnings.catch_warnings():
    # twitter-text-parser loads its emoji table through the deprecated pkg_resources API.
    warnings.simplefilter("ignore")
    from twitter_text import parse_tweet
    from twitter_text.regexp.valid_cctld import valid_cctld
    from twitter_text.regexp.valid_gtld import valid_gtld

PLATFORMS = [str(p) for p in Platform]
TITLE_MAX = 200
DESCRIPTION_MAX_CREATE = 2000
DESCRIPTION_MAX_UPDATE = 10_000
PLATFORMS_MAX = 9
SCHEDULE_MIN_LEAD = timedelta(minutes=15)
TWEET_MAX = 280
THREAD_MAX = 6
TWEET_MEDIA_MAX = 4  # X: up to 4 images, or 1 video or GIF, per tweet
SUBREDDITS_MAX = 10
SUBREDDIT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
FLAIR_TEXT_MAX = 64
MAKER_COMMENT_MAX = 1000
PRIVACY_LEVELS = [
    "PUBLIC_TO_EVERYONE",
    "FOLLOWER_OF_CREATOR",
    "MUTUAL_FOLLOW_FRIENDS",
    "SELF_ONLY",
]
TIKTOK_FLAGS = [
    "allow_comments",
    "allow_duet",
    "allow_stitch",
    "is_commercial",
    "is_your_brand",
    "is_branded_content",
    "auto_add_music",
]
# Writer names recorded in platform_contents[platform]["generated_by"].
WRITTEN_BY = ["claude", "offline", "user"]


@dataclass(frozen=True)
class PlatformRule:
    content_max: int
    title_max: int | None = None
    title_required: bool = False


RULES: dict[str, PlatformRule] = {
    "twitter": PlatformRule(content_max=TWEET_MAX),
    "linkedin": PlatformRule(content_max=3000),
    "reddit": PlatformRule(content_max=3000, title_max=300, title_required=True),
    "facebook": PlatformRule(content_max=3000),
    "instagram": PlatformRule(content_max=2200),
    "tiktok": PlatformRule(content_max=4000),
    "producthunt": PlatformRule(content_max=500, title_max=60),
    "hackernews": PlatformRule(content_max=2000, title_max=80),
    "substack": PlatformRule(content_max=3000),
}

# The fields a person (or the writer) may set on each platform's content.
CONTENT_FIELDS: dict[str, set[str]] = {
    "twitter": {"content", "thread", "thread_media"},
    "reddit": {"content", "title", "subreddits"},
    "producthunt": {"content", "title", "maker_comment"},
    "hackernews": {"content", "title"},
    "tiktok": {"content", "tiktok_settings", "video_script"},
    "instagram": {"content", "video_script", "mixed_carousel"},
}
# Platforms an AI video can be generated for at create time (generate_ai_videos).
VIDEO_SCRIPT_PLATFORMS = ("instagram", "tiktok")
PLAIN_FIELDS = {"content"}
TEXT_FIELDS = {"content", "thread", "title", "subreddits", "maker_comment"}


def problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


# --- counting ---------------------------------------------------------------------------------


def tweet_length(text: str) -> int:
    """Length as X counts it: weighted characters (CJK and emoji 2), every URL 23."""
    return parse_tweet(text).weightedLength


@functools.cache
def x_url_tlds() -> list[str]:
    """The top-level domains X recognises in links (twitter-text's lists), for the editor."""
    tlds = []
    for pattern in (valid_gtld.pattern, valid_cctld.pattern):
        body = pattern.removeprefix("(?:(?:").split(")(?=")[0]
        tlds += body.split("|")
    return sorted(set(tlds), key=lambda tld: (-len(tld), tld))


def text_length(platform: str, text: str) -> int:
    return tweet_length(text) if platform == "twitter" else len(text)


def _over(field: str, length: int, limit: int, unit: str = "characters") -> dict[str, str]:
    return problem(field, f"{field} is {length} {unit} long; the limit is {limit}")


def check_text(field: str, value, limit: int, *, platform: str = "", minimum: int = 1) -> list:
    """A string of ``minimum``..``limit`` characters (weighted the X way for Twitter)."""
    if not isinstance(value, str):
        return [problem(field, f"{field} must be a string")]
    if len(value.strip()) < minimum:
        return [problem(field, f"{field} cannot be empty")]
    length = text_length(platform, value)
    if length > limit:
        unit = "weighted characters (as X counts them)" if platform == "twitter" else "characters"
        return [_over(field, length, limit, unit)]
    return []


# --- launch fields ----------------------------------------------------------------------------


def check_name(value, field: str = "title") -> list:
    return check_text(field, value, TITLE_MAX)


def check_description(value, *, limit: int = DESCRIPTION_MAX_CREATE) -> list:
    return check_text("product_description", value, limit)


def check_platforms(value, field: str = "platforms") -> list:
    if not isinstance(value, list) or not value:
        return [problem(field, f"{field} needs 1 to {PLATFORMS_MAX} platforms")]
    unknown = [p for p in value if p not in PLATFORMS]
    if unknown:
        allowed = ", ".join(PLATFORMS)
        return [problem(field, f"unknown platform {unknown[0]!r}; choose from {allowed}")]
    if len(set(value)) != len(value):
        return [problem(field, f"{field} lists a platform twice")]
    if len(value) > PLATFORMS_MAX:
        return [problem(field, f"{field} has {len(value)} platforms; the limit is 9")]
    return []


def check_product_url(value: str) -> list:
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:  # e.g. "http://[" (a broken IPv6 literal)
        hostname = None
    if not hostname or parts.scheme not in ("http", "https"):
        return [problem("product_url", "product_url must be an http:// or https:// URL")]
    if len(value) > 2048:
        return [problem("product_url", "product_url is longer than 2048 characters")]
    return []


def check_scheduled_date(value: datetime, *, now: datetime | None = None) -> list:
    """Timezone-aware and at least 15 minutes ahead."""
    field = "scheduled_date"
    if timezone.is_naive(value):
        return [
            problem(
                field,
                "scheduled_date needs a timezone offset, e.g. 2026-05-01T09:00:00Z or "
                "2026-05-01T11:00:00+02:00",
            )
        ]
    earliest = (now or timezone.now()) + SCHEDULE_MIN_LEAD
    if value < earliest:
        return [problem(field, "scheduled_date must be at least 15 minutes from now")]
    return []


# --- posting targets --------------------------------------------------------------------------

ACCOUNT_KEY = re.compile(
    r"^(?:(?P<simple>twitter|reddit|instagram|tiktok)"
    r"|(?P<linkedin>linkedin):(?:personal|organization:[A-Za-z0-9_-]{1,64})"
    r"|(?P<facebook>facebook):page:[A-Za-z0-9_-]{1,64})$"
)


def account_key_platform(key: str) -> str | None:
    """``"linkedin:organization:42"`` -> ``"linkedin"``; None for a malformed key."""
    match = ACCOUNT_KEY.match(key)
    if not match:
        return None
    return match["simple"] or match["linkedin"] or match["facebook"]


def check_user_platform_accounts(accounts: dict, platforms: list[str]) -> list:
    field = "user_platform_accounts"
    problems = []
    for key, token_id in accounts.items():
        platform = account_key_platform(key)
        if platform is None:
            problems.append(
                problem(
                    f"{field}.{key}",
                    f"{key!r} is not an account key; use twitter, reddit, instagram, tiktok, "
                    "linkedin:personal, linkedin:organization:<id> or facebook:page:<id>",
                )
            )
        elif platform not in platforms:
            problems.append(problem(f"{field}.{key}", f"{platform} is not in platforms"))
        if not _is_uuid(token_id):
            problems.append(problem(f"{field}.{key}", "the value must be a connection id (UUID)"))
    return problems


def check_dropspace_platforms(value: list, platforms: list[str]) -> list:
    field = "dropspace_platforms"
    for platform in value:
        if platform not in AUTO_POST_PLATFORMS:
            allowed = ", ".join(AUTO_POST_PLATFORMS)
            return [problem(field, f"{platform!r} has no dropspace account; choose from {allowed}")]
        if platform not in platforms:
            return [problem(field, f"{platform} is not in platforms")]
    if len(set(value)) != len(value):
        return [problem(field, f"{field} lists a platform twice")]
    return []


def check_posting_targets(*, owner, platforms, user_platform_accounts, dropspace_platforms) -> list:
    """Where a launch will post: account keys, connection ids, official accounts.

    Every connection id must be one of ``owner``'s connected (active) accounts serving the
    key's platform and account (a stranger's id reads exactly like an unknown one).
    """
    problems = check_user_platform_accounts(user_platform_accounts or {}, platforms)
    if not problems and user_platform_accounts:
        problems += check_account_ownership(owner, user_platform_accounts)
    return problems + check_dropspace_platforms(dropspace_platforms or [], platforms)


def check_account_ownership(owner, accounts: dict) -> list:
    """Each ``key: connection id`` names the owner's active connection for that account."""
    field = "user_platform_accounts"
    found = {
        str(connection.pk): connection
        for connection in Connection.objects.filter(
            owner=owner, is_active=True, pk__in=list(accounts.values())
        )
    }
    problems = []
    for key, connection_id in accounts.items():
        connection = found.get(str(connection_id))
        if connection is None:
            message = f"connection {connection_id} is not one of your connected accounts"
        elif not account_key_matches(key, connection):
            message = f"connection {connection_id} is not a {key} account"
        else:
            continue
        problems.append(problem(f"{field}.{key}", message))
    return problems


def account_key_matches(key: str, connection) -> bool:
    """``linkedin:organization:42`` needs the LinkedIn organization 42, ``facebook:page:7``
    the Facebook page 7, ``linkedin:personal`` a LinkedIn profile, ``twitter`` an X account."""
    platform, _, rest = key.partition(":")
    if connection.platform != platform:
        return False
    if not rest:
        return True
    if rest == "personal":
        return connection.account_type == "personal"
    account_type, _, entity = rest.partition(":")
    # LinkedIn stores organizations as URNs (urn:li:organization:42); compare the id.
    return (
        connection.account_type == account_type
        and connection.entity_id.rsplit(":", 1)[-1] == entity
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


# --- platform content -------------------------------------------------------------------------


def allowed_fields(platform: str) -> set[str]:
    return CONTENT_FIELDS.get(platform, PLAIN_FIELDS)


def has_content(entry: dict | None) -> bool:
    """Whether a platform already has text (the writer skips it)."""
    return bool(entry and (entry.get("content") or entry.get("thread")))


def check_thread(thread, field: str) -> list:
    if not isinstance(thread, list) or not thread:
        return [problem(field, f"{field} needs 1 to {THREAD_MAX} tweets")]
    if len(thread) > THREAD_MAX:
        return [problem(field, f"{field} has {len(thread)} tweets; the limit is {THREAD_MAX}")]
    problems = []
    for index, tweet in enumerate(thread):
        problems += check_text(f"{field}.{index}", tweet, TWEET_MAX, platform="twitter")
    return problems


def check_thread_media_shape(value, field: str) -> list:
    """``thread_media``: one list of media asset ids per tweet (the launch's own assets are
    checked in launches.attachments, which knows them). An empty list clears it."""
    if not isinstance(value, list) or len(value) > THREAD_MAX:
        return [problem(field, f"{field} must be a list of at most {THREAD_MAX} lists of ids")]
    problems, seen = [], set()
    for index, ids in enumerate(value):
        where = f"{field}.{index}"
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            problems.append(problem(where, f"{where} must be a list of media asset ids"))
            continue
        if len(ids) > TWEET_MEDIA_MAX:
            problems.append(
                problem(where, f"tweet {index + 1} has {len(ids)} media; X takes at most 4")
            )
        for asset_id in ids:
            if asset_id in seen:
                problems.append(problem(where, f"media {asset_id} is on more than one tweet"))
            seen.add(asset_id)
    return problems


def check_tiktok_settings(value, field: str = "platform_contents.tiktok.tiktok_settings") -> list:
    if not isinstance(value, dict):
        return [problem(field, f"{field} must be an object")]
    problems = [
        problem(f"{field}.{key}", f"unrecognized field {key!r}")
        for key in value
        if key != "privacy_level" and key not in TIKTOK_FLAGS
    ]
    level = value.get("privacy_level")
    if "privacy_level" in value and level not in PRIVACY_LEVELS:
        choices = ", ".join(PRIVACY_LEVELS)
        problems.append(
            problem(f"{field}.privacy_level", f"privacy_level must be one of {choices}")
        )
    for flag in TIKTOK_FLAGS:
        if flag in value and not isinstance(value[flag], bool):
            problems.append(problem(f"{field}.{flag}", f"{flag} must be true or false"))
    if value.get("is_branded_content") is True and level == "SELF_ONLY":
        problems.append(
            problem(
                f"{field}.privacy_level",
                "branded content (is_branded_content) cannot use SELF_ONLY privacy",
            )
        )
    return problems


def check_subreddits(value, field: str, entry: dict, *, partial: bool = False) -> list:
    """The subreddit targets. Each needs a title (its own or the platform's) once the post
    has a body; an update (``partial``) is checked again after the merge."""
    if not isinstance(value, list) or len(value) > SUBREDDITS_MAX:
        return [problem(field, f"{field} must be a list of at most {SUBREDDITS_MAX} subreddits")]
    problems, seen = [], set()
    needs_title = not partial and has_content(entry) and not entry.get("title")
    for index, target in enumerate(value):
        problems += _check_subreddit(target, f"{field}.{index}", seen, needs_title=needs_title)
    return problems


def _check_subreddit(target, field: str, seen: set, *, needs_title: bool) -> list:
    if not isinstance(target, dict):
        return [problem(field, "each subreddit must be an object with a name")]
    unknown = set(target) - {"name", "title", "content", "flair_id", "flair_text"}
    if unknown:
        return [problem(f"{field}.{sorted(unknown)[0]}", "unrecognized field")]
    name = str(target.get("name", "")).removeprefix("r/")
    if not SUBREDDIT_NAME.match(name):
        return [problem(f"{field}.name", "name must be a subreddit name like SideProject")]
    if name.lower() in seen:
        return [problem(f"{field}.name", f"r/{name} is listed twice")]
    seen.add(name.lower())
    problems = []
    if "title" in target:
        problems += check_text(f"{field}.title", target["title"], RULES["reddit"].title_max)
    elif needs_title:
        problems.append(problem(f"{field}.title", "a title is required (here or reddit.title)"))
    if "content" in target:
        problems += check_text(f"{field}.content", target["content"], RULES["reddit"].content_max)
    for key in ("flair_id", "flair_text"):
        if key in target:
            problems += check_text(f"{field}.{key}", target[key], FLAIR_TEXT_MAX)
    return problems


def check_platform_entry(platform: str, entry, *, partial: bool = False) -> list:
    """One platform's content. ``partial``: an update, whose text fields may be absent.

    A created entry without text is allowed (the writer fills it); text that is given must
    fit the platform's limits.
    """
    field = f"platform_contents.{platform}"
    if not isinstance(entry, dict):
        return [problem(field, f"{field} must be an object")]
    unknown = set(entry) - allowed_fields(platform) - {"platform", "generated_by"}
    if unknown:
        return [problem(f"{field}.{sorted(unknown)[0]}", f"unrecognized field for {platform}")]
    if "content" in entry and "thread" in entry:
        return [problem(field, "content and thread are mutually exclusive; send one")]
    return _check_entry_fields(platform, entry, field, partial=partial)


def _check_entry_fields(platform: str, entry: dict, field: str, *, partial: bool) -> list:
    rule = RULES[platform]
    problems = []
    if "content" in entry and (entry["content"] or partial):
        problems += check_text(
            f"{field}.content", entry["content"], rule.content_max, platform=platform
        )
    if "thread" in entry:
        problems += check_thread(entry["thread"], f"{field}.thread")
    if "thread_media" in entry:
        problems += check_thread_media_shape(entry["thread_media"], f"{field}.thread_media")
    if "title" in entry:
        problems += check_text(f"{field}.title", entry["title"], rule.title_max)
    elif rule.title_required and entry.get("content") and not partial and not _titled(entry):
        problems.append(
            problem(f"{field}.title", f"{platform} needs a title (max {rule.title_max})")
        )
    if "subreddits" in entry:
        problems += check_subreddits(
            entry["subreddits"], f"{field}.subreddits", entry, partial=partial
        )
    if "maker_comment" in entry:
        problems += check_text(f"{field}.maker_comment", entry["maker_comment"], MAKER_COMMENT_MAX)
    if "tiktok_settings" in entry:
        problems += check_tiktok_settings(entry["tiktok_settings"], f"{field}.tiktok_settings")
    if "mixed_carousel" in entry and not isinstance(entry["mixed_carousel"], bool):
        problems.append(problem(f"{field}.mixed_carousel", "mixed_carousel must be true or false"))
    return problems


def _titled(entry: dict) -> bool:
    """Every subreddit has its own title, so the platform's title is not needed."""
    targets = entry.get("subreddits")
    return bool(targets) and all(
        isinstance(t, dict) and isinstance(t.get("title"), str) and t["title"].strip()
        for t in targets
    )


def check_platform_contents(contents, platforms: list[str], *, partial: bool = False) -> list:
    if not isinstance(contents, dict):
        return [problem("platform_contents", "platform_contents must be an object")]
    problems = []
    for platform, entry in contents.items():
        if platform not in platforms:
            field = f"platform_contents.{platform}"
            problems.append(problem(field, f"{platform} is not in platforms"))
            continue
        problems += check_platform_entry(platform, entry, partial=partial)
    return problems


def check_stored_contents(contents: dict, platforms: list[str]) -> list:
    """The whole stored content of a launch (after a merge): what publishing will send."""
    problems = []
    for platform in platforms:
        entry = contents.get(platform)
        if entry:
            problems += check_platform_entry(platform, entry)
            if entry.get("tiktok_settings"):
                # A merge can pair an old flag with a new level; check the combination again.
                problems += check_tiktok_settings(entry["tiktok_settings"])
    return _unique(problems)


def _unique(problems: list) -> list:
    seen, out = set(), []
    for item in problems:
        key = (item["field"], item["message"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def merge_platform_contents(existing: dict, update: dict, *, written_by: str = "user") -> dict:
    """Deep-merge an update per platform: sent fields replace, omitted fields are kept."""
    merged = {platform: dict(entry) for platform, entry in existing.items()}
    for platform, changes in update.items():
        entry = merged.setdefault(platform, {"platform": platform})
        if "thread" in changes:
            entry.pop("content", None)
        if "content" in changes:
            entry.pop("thread", None)
        settings = {**entry.get("tiktok_settings", {}), **changes.get("tiktok_settings", {})}
        entry.update(changes)
        if "tiktok_settings" in changes:
            entry["tiktok_settings"] = settings
        if entry.get("thread_media") == []:
            del entry["thread_media"]  # cleared: X's media goes on the first tweet again
        if TEXT_FIELDS & set(changes):
            entry["generated_by"] = written_by
    return merged


def normalize_entry(platform: str, entry: dict, *, written_by: str) -> dict:
    """The stored form of a platform's content."""
    stored = {key: value for key, value in entry.items() if key != "generated_by"}
    if stored.get("thread_media") == []:
        del stored["thread_media"]
    if "subreddits" in stored:
        stored["subreddits"] = [
            {**target, "name": str(target["name"]).removeprefix("r/")}
            for target in stored["subreddits"]
        ]
    stored["platform"] = platform
    if has_content(stored) or "title" in stored:
        stored["generated_by"] = written_by
    return stored


# --- custom content ---------------------------------------------------------------------------


def most_restrictive(platforms: list[str]) -> str:
    return min(platforms, key=lambda p: (RULES[p].content_max, p != "twitter"))


def check_custom_content(value, platforms: list[str], reddit_title) -> list:
    field = "custom_content"
    problems = []
    if "reddit" in platforms:
        if reddit_title is None:
            problems.append(
                problem(
                    "custom_content_reddit_title",
                    "custom_content_reddit_title is required when reddit is in platforms",
                )
            )
        else:
            problems += check_text("custom_content_reddit_title", reddit_title, 300)
    if isinstance(value, list):
        return problems + _check_custom_thread(value, platforms)
    if not isinstance(value, str) or not value.strip():
        return [*problems, problem(field, f"{field} must be non-empty text or a list of tweets")]
    return problems + _fits_every_platform(field, value, platforms)


def _check_custom_thread(tweets: list, platforms: list[str]) -> list:
    field = "custom_content"
    if "twitter" not in platforms:
        return [problem(field, "a list of tweets (thread) needs twitter in platforms")]
    problems = check_thread(tweets, field)
    others = [p for p in platforms if p != "twitter"]
    if problems or not others:
        return problems
    return _fits_every_platform(field, "\n\n".join(tweets), others, joined=True)


def _fits_every_platform(field: str, text: str, platforms: list[str], joined=False) -> list:
    for platform in sorted(platforms, key=lambda p: RULES[p].content_max):
        limit = RULES[platform].content_max
        length = text_length(platform, text)
        if length > limit:
            what = "the tweets joined with blank lines are" if joined else f"{field} is"
            return [
                problem(
                    field,
                    f"{what} {length} characters long; {platform}, the most restrictive "
                    f"selected platform, allows {limit}",
                )
            ]
    return []


def expand_custom_content(value, platforms: list[str], reddit_title) -> dict:
    """One text (or thread) for every platform, as platform_contents entries."""
    contents = {}
    for platform in platforms:
        entry: dict = {"platform": platform}
        if isinstance(value, list):
            if platform == "twitter":
                entry["thread"] = list(value)
            else:
                entry["content"] = "\n\n".join(value)
        else:
            entry["content"] = value
        if platform == "reddit":
            entry["title"] = reddit_title
        entry["generated_by"] = "user"
        contents[platform] = entry
    return contents
