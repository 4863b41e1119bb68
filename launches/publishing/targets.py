"""Where a launch posts, and every problem that must be fixed before it may.

A *target* is one account a post goes to: a ``user_platform_accounts`` key with the user's
connection, or ``dropspace:<platform>`` with the official account. Platforms without a target
(Product Hunt, Hacker News, Substack, or an auto-post platform no account was chosen for)
become guided manual steps.
"""

from dataclasses import dataclass

from billing import services as billing
from connections import selectors as connection_selectors
from connections.models import Connection
from connections.platforms import adapter_class
from dropspace.api.errors import ApiError
from launches import attachments, rules
from launches.models import Launch
from media.storage import public_media_problem

RECONNECT = "Reconnect the account in Settings -> Connections, then retry."


@dataclass
class Target:
    platform: str
    key: str  # the PostingLog.target_key
    connection: Connection | None = None
    problem: str = ""  # set when the target cannot post (unhealthy or missing account)


def targets_for(launch: Launch) -> list[Target]:
    """One target per account the launch posts to, plus one manual target per other platform."""
    found = _own_targets(launch) + _official_targets(launch)
    posted = {target.platform for target in found}
    manual = [Target(p, "") for p in launch.platforms if p not in posted]
    order = {platform: index for index, platform in enumerate(launch.platforms)}
    return sorted(found + manual, key=lambda t: (order.get(t.platform, 99), t.key))


def _own_targets(launch: Launch) -> list[Target]:
    accounts = launch.user_platform_accounts or {}
    connections = {
        str(c.pk): c
        for c in Connection.objects.filter(owner=launch.owner, pk__in=list(accounts.values()))
    }
    targets = []
    for key, connection_id in accounts.items():
        platform = rules.account_key_platform(key)
        if platform in launch.platforms:
            connection = connections.get(str(connection_id))
            targets.append(Target(platform, key, connection, _health_problem(connection)))
    return targets


def _official_targets(launch: Launch) -> list[Target]:
    targets = []
    for platform in launch.dropspace_platforms or []:
        if platform not in launch.platforms:
            continue
        connection = connection_selectors.connection_for_posting(
            user=None, platform=platform, official=True
        )
        problem = "" if connection else f"dropspace has no official {platform} account"
        targets.append(Target(platform, f"dropspace:{platform}", connection, problem))
    return targets


def _health_problem(connection: Connection | None) -> str:
    if connection is None or not connection.is_active:
        return f"the connected account was disconnected. {RECONNECT}"
    if connection.health == Connection.Health.NEEDS_REAUTH:
        label = adapter_class(connection.platform).label
        return f"{label} access expired or was revoked. {RECONNECT}"
    return ""


# --- what must hold before publishing ---------------------------------------------------------


def publish_problems(launch: Launch, targets: list[Target]) -> list[dict]:
    """Every problem at once (LAUNCH_007 details): content, media, accounts."""
    problems = rules.check_stored_contents(launch.platform_contents, launch.platforms)
    posted = {t.platform for t in targets if t.key}
    for platform in launch.platforms:
        problems += _platform_problems(launch, platform, auto=platform in posted)
    problems += rules.check_posting_targets(
        owner=launch.owner,
        platforms=launch.platforms,
        user_platform_accounts=launch.user_platform_accounts,
        dropspace_platforms=launch.dropspace_platforms,
    )
    for target in targets:
        if target.problem:
            problems.append(rules.problem(_target_field(target), target.problem))
        problems += _public_media_problems(launch, target)
    problems += attachments.thread_media_problems(launch)  # a thread shortened since, say
    return _unique(problems)


def _public_media_problems(launch: Launch, target: Target) -> list[dict]:
    """Instagram (and TikTok photos) fetch media themselves: a real account cannot be handed
    files this server cannot serve publicly. Known now, so said now (sandbox accounts fetch
    from this server and are fine)."""
    connection = target.connection
    if connection is None or connection.is_sandbox or target.platform not in PULLS_MEDIA:
        return []
    # Only files stored here; an item that came with its own URL is served from there.
    media = [item for item in media_for(launch, target.platform) if item.get("id")]
    if target.platform == "tiktok":
        media = _images(media)
    problem = public_media_problem() if media else ""
    return [rules.problem("media_assets", f"{target.platform}: {problem}")] if problem else []


PULLS_MEDIA = {"instagram", "tiktok"}


def _target_field(target: Target) -> str:
    if target.key.startswith("dropspace:"):
        return "dropspace_platforms"
    return f"user_platform_accounts.{target.key}"


def _platform_problems(launch: Launch, platform: str, *, auto: bool) -> list[dict]:
    entry = launch.platform_contents.get(platform) or {}
    field = f"platform_contents.{platform}"
    if not rules.has_content(entry):
        return [rules.problem(field, f"{platform} has no content yet: write or generate it")]
    if not auto:
        return []
    check = PLATFORM_CHECKS.get(platform)
    return check(launch, entry, field) if check else []


def _reddit(launch: Launch, entry: dict, field: str) -> list[dict]:
    problems = []
    subreddits = entry.get("subreddits") or []
    if not subreddits:
        problems.append(
            rules.problem(f"{field}.subreddits", "reddit needs at least one subreddit to post to")
        )
    titled = subreddits and all(s.get("title") for s in subreddits)
    if not entry.get("title") and not titled:
        problems.append(rules.problem(f"{field}.title", "reddit needs a title (max 300)"))
    return problems + media_problems(launch, "reddit")


def _instagram(launch: Launch, entry: dict, field: str) -> list[dict]:
    return media_problems(launch, "instagram")


def _tiktok(launch: Launch, entry: dict, field: str) -> list[dict]:
    problems = []
    if not (entry.get("tiktok_settings") or {}).get("privacy_level"):
        problems.append(
            rules.problem(
                f"{field}.tiktok_settings.privacy_level",
                "TikTok requires privacy_level in tiktok_settings before publishing",
            )
        )
    return problems + media_problems(launch, "tiktok")


PLATFORM_CHECKS = {"reddit": _reddit, "instagram": _instagram, "tiktok": _tiktok}


# --- media ------------------------------------------------------------------------------------

media_for = attachments.media_for
asset_is_video = attachments.is_video


def media_problems(launch: Launch, platform: str) -> list[dict]:
    """What the launch's media decides for ``platform`` (checked on create, schedule, publish)."""
    check = MEDIA_CHECKS.get(platform)
    return check(launch, media_for(launch, platform)) if check else []


def _instagram_media(launch: Launch, media: list[dict]) -> list[dict]:
    if attachments.mixed_carousel(launch):
        if not (_videos(media) and _images(media)):
            message = "an Instagram mixed carousel needs at least one image and the video"
            return [rules.problem("platform_contents.instagram.mixed_carousel", message)]
        return []
    if launch.media_mode == "video" and not _videos(media):
        return [rules.problem("media_assets", "an Instagram reel needs a video")]
    if launch.media_mode == "images" and not _images(media):
        return [rules.problem("media_assets", "Instagram image mode needs images")]
    if not media:
        return [rules.problem("media_assets", "Instagram needs at least one image or video")]
    return []


def _tiktok_media(launch: Launch, media: list[dict]) -> list[dict]:
    if launch.media_mode == "video" and not _videos(media):
        return [rules.problem("media_assets", "TikTok video mode needs a video")]
    if launch.media_mode == "images" and not _images(media):
        return [rules.problem("media_assets", "TikTok photo mode needs images")]
    if not media:
        return [rules.problem("media_assets", "TikTok needs a video or photos")]
    if any(item.get("mime_type") not in TIKTOK_PHOTO_TYPES for item in _images(media)):
        return [rules.problem("media_assets", "TikTok photos must be JPEG or WebP (not PNG/GIF)")]
    return []


def _reddit_media(launch: Launch, media: list[dict]) -> list[dict]:
    if not media:
        return []  # no media attached to Reddit: a text post, whatever the launch's mode
    if launch.media_mode == "video" and not (_videos(media) and _has_thumbnail(media)):
        return [rules.problem("media_assets", "reddit video mode needs a video and a thumbnail")]
    if launch.media_mode == "images" and not _images(media):
        return [rules.problem("media_assets", "reddit image mode needs images")]
    return []


TIKTOK_PHOTO_TYPES = {"image/jpeg", "image/webp"}
MEDIA_CHECKS = {"instagram": _instagram_media, "tiktok": _tiktok_media, "reddit": _reddit_media}


def _videos(media: list[dict]) -> list[dict]:
    return [asset for asset in media if asset_is_video(asset)]


def _images(media: list[dict]) -> list[dict]:
    return [asset for asset in media if not asset_is_video(asset)]


def _has_thumbnail(media: list[dict]) -> bool:
    return any(a.get("thumbnail_url") for a in media) or bool(_images(media))


def _unique(problems: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in problems:
        key = (item["field"], item["message"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def problem_platform(launch: Launch, field: str) -> str | None:
    """The platform a problem belongs to (None: it concerns the whole launch)."""
    head, _, rest = field.partition(".")
    if head == "platform_contents":
        return rest.split(".")[0]
    if head == "user_platform_accounts":
        return rules.account_key_platform(rest)
    return None


def ensure_plan_allows(launch: Launch, targets: list[Target]) -> None:
    """Posting where these targets post must be in the owner's plan (403 AUTH_002)."""
    billing.ensure_can_post(
        account=launch.owner,
        platforms=sorted({t.platform for t in targets if t.key}),
        own=any(t.key and not t.key.startswith("dropspace:") for t in targets),
        official=any(t.key.startswith("dropspace:") for t in targets),
    )


def plan_problem(launch: Launch, targets: list[Target]) -> str:
    """The plan restriction a launch runs into, or ""."""
    try:
        ensure_plan_allows(launch, targets)
    except ApiError as exc:
        return exc.message
    return ""
