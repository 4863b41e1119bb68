"""What the launch page's publishing panel shows: posting accounts, live status in plain words,
the guided Product Hunt / Hacker News checklist and the analytics charts. Reads only; every
change goes through the services."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from connections import avatars
from connections import selectors as connection_selectors
from connections.models import Connection
from connections.platforms import GUIDED, adapter_class, hackernews, producthunt
from dropspace import wording
from launches import analytics, selectors
from launches.models import AUTO_POST_PLATFORMS, Launch, Platform, PostingLog

LABELS = dict(Platform.choices)
S = PostingLog.Status
IN_FLIGHT = {S.PENDING, S.PUBLISHING}
SCHEDULABLE = {"draft", "manual", "trigger", "scheduled", "failed", "cancelled"}
# Who wrote a platform's text (its generated_by), as the page says it.
WRITER_NAMES = {"offline": "the offline writer", "claude": "Claude", "user": "you"}


# --- posting accounts -------------------------------------------------------------------------


def account_key(connection: Connection) -> str | None:
    """The user_platform_accounts key a connection posts as (None: it cannot be a target)."""
    if connection.platform == "linkedin":
        if connection.account_type == Connection.AccountType.ORGANIZATION:
            return f"linkedin:organization:{connection.entity_id.rsplit(':', 1)[-1]}"
        return "linkedin:personal"
    if connection.platform == "facebook":
        page = connection.account_type == Connection.AccountType.PAGE
        return f"facebook:page:{connection.entity_id}" if page else None
    return connection.platform


def account_choices(launch: Launch, user) -> list[dict]:
    """Per auto-post platform of the launch: the person's accounts and the official one."""
    chosen = {f"{k}={v}" for k, v in (launch.user_platform_accounts or {}).items()}
    officials = {
        row["platform"]: row.get("account_name", "dropspace")
        for row in connection_selectors.dropspace_status()
        if row["connected"]
    }
    mine = list(connection_selectors.connections_visible_to(user))
    rows = []
    for platform in (p for p in launch.platforms if p in AUTO_POST_PLATFORMS):
        options = [
            _own_option(connection, chosen)
            for connection in mine
            if connection.platform == platform and account_key(connection)
        ]
        if platform in officials:
            checked = platform in (launch.dropspace_platforms or [])
            label = f"Official dropspace account ({officials[platform]})"
            options.append({"value": f"dropspace:{platform}", "label": label, "checked": checked})
        rows.append({"platform": platform, "label": LABELS[platform], "options": options})
    return rows


def _own_option(connection: Connection, chosen: set[str]) -> dict:
    value = f"{account_key(connection)}={connection.pk}"
    name = person_name(connection) or connection.entity_id
    # Only LinkedIn mixes kinds (a profile and company pages): there the kind tells them apart.
    company = connection.account_type == Connection.AccountType.ORGANIZATION
    kind = wording.ACCOUNT_KINDS[Connection.AccountType.ORGANIZATION]
    return {
        "value": value,
        "label": f"{name} ({kind})" if company else name,
        "checked": value in chosen,
        "health": connection.health,
        "health_label": wording.HEALTH_NAMES.get(connection.health, ""),
        "sandbox": connection.is_sandbox,
        "avatar": avatars.avatar_src(connection),
    }


def parse_account_choices(values: list[str]) -> dict:
    """The checked boxes as update_launch changes (unknown values are left to the rules)."""
    accounts, officials = {}, []
    for value in values:
        if value.startswith("dropspace:"):
            officials.append(value.removeprefix("dropspace:"))
        elif "=" in value:
            key, _, connection_id = value.partition("=")
            accounts[key] = connection_id
    return {"user_platform_accounts": accounts or None, "dropspace_platforms": officials or None}


# --- live status ------------------------------------------------------------------------------


def is_settled(launch: Launch, logs: list[PostingLog]) -> bool:
    """Nothing left to watch: the launch is not running and no post is in flight."""
    return launch.status != Launch.Status.RUNNING and not any(
        log.status in IN_FLIGHT for log in logs
    )


def status_rows(launch: Launch, logs: list[PostingLog]) -> list[dict]:
    connections = selectors.posting_connections(logs)
    return [_status_row(log, connections.get(log.connection_id)) for log in logs]


def _status_row(log: PostingLog, connection: Connection | None) -> dict:
    needs_reauth = log.status == S.FAILED and (
        log.connection_id is not None
        and (connection is None or connection.health == Connection.Health.NEEDS_REAUTH)
    )
    deletable = (
        log.status == S.SUCCESS and bool(log.post_id) and log.platform in AUTO_POST_PLATFORMS
    )
    return {
        "log": log,
        "label": LABELS.get(log.platform, log.platform),
        "account": _account_name(log, connection),
        "message": _plain_words(log, needs_reauth),
        "needs_reauth": needs_reauth,
        "deletable": deletable and adapter_class(log.platform).supports_delete,
        "guided": log.platform in GUIDED,
        "view_url": view_url(log, connection),
    }


def view_url(log: PostingLog, connection: Connection | None) -> str:
    """Where "View post" leads: the post on its platform, the sandbox's own page for a
    sandbox account (x.com has never seen it), nowhere once the post is deleted."""
    if log.status == S.DELETED or not log.post_url:
        return ""
    if connection is not None and connection.is_sandbox and log.post_id:
        try:
            return reverse("sandbox:post", args=[log.post_id])
        except NoReverseMatch:  # the sandbox is switched off: its posts have no page
            return ""
    return log.post_url


def _account_name(log: PostingLog, connection: Connection | None) -> str:
    if log.target_key.startswith("dropspace:"):
        return "official dropspace account"
    if connection is not None:
        return person_name(connection) or log.target_key
    return log.target_key


def person_name(connection: Connection) -> str:
    """The account as people call it: "Acme Inc", not its handle "acmeinc"."""
    return connection.display_name or connection.account_name


def _plain_words(log: PostingLog, needs_reauth: bool) -> str:
    if log.status == S.PENDING:
        return "Waiting to post…"
    if log.status == S.PUBLISHING:
        return "Posting now…"
    if log.status == S.UNCONFIRMED:
        return (
            "The platform did not answer in time, so we cannot tell whether the post went out. "
            "Check the platform before retrying."
        )
    if log.status == S.FAILED:
        reason = log.error_message or "the platform refused the post"
        if needs_reauth:
            return f"Could not post: the account needs to be reconnected ({reason})."
        return f"Could not post: {reason}"
    if log.status == S.MANUAL:
        return "Posted by you." if log.post_url else "Post it yourself, then record the link."
    if log.status == S.DELETED:
        return log.error_message.capitalize() if log.error_message else "Deleted."
    return ""


# --- guided platforms -------------------------------------------------------------------------


def guided_kits(launch: Launch, logs: list[PostingLog]) -> list[dict]:
    """The Product Hunt / Hacker News checklist, with the manual posting log when it exists."""
    by_platform = {log.platform: log for log in logs if log.platform in GUIDED}
    kits = []
    for platform in (p for p in launch.platforms if p in GUIDED):
        entry = launch.platform_contents.get(platform) or {}
        kit = _kit(platform, launch, entry)
        kits.append(
            {
                "platform": platform,
                "label": LABELS[platform],
                "kit": kit,
                "log": by_platform.get(platform),
            }
        )
    return kits


def manual_posts(launch: Launch, logs: list[PostingLog]) -> list[dict]:
    """Auto-post platforms that had no posting account: their text, ready to paste by hand."""
    return [
        {
            "log": log,
            "platform": log.platform,
            "label": LABELS.get(log.platform, log.platform),
            "parts": _parts(launch.platform_contents.get(log.platform) or {}),
        }
        for log in logs
        if log.status == S.MANUAL and log.platform not in GUIDED
    ]


def _parts(entry: dict) -> list[tuple[str, str]]:
    """(what, text) pairs to copy one by one: a thread's tweets, a title, the body."""
    if entry.get("thread"):
        return [(f"Tweet {n}", text) for n, text in enumerate(entry["thread"], 1) if text]
    parts = [("Title", entry.get("title") or ""), ("Text", entry.get("content") or "")]
    return [(name, text) for name, text in parts if text]


def writers(launch: Launch) -> list[str]:
    """Who wrote the launch's content, once each, in words: "the offline writer", "you"."""
    names = (entry.get("generated_by") for entry in (launch.platform_contents or {}).values())
    return list(dict.fromkeys(WRITER_NAMES.get(n, n) for n in names if n))


def _kit(platform: str, launch: Launch, entry: dict):
    if platform == "producthunt":
        return producthunt.submission_kit(
            name=launch.name,
            url=launch.product_url,
            tagline=entry.get("title") or launch.name,
            description=entry.get("content") or launch.product_description,
            maker_comment=entry.get("maker_comment") or "",
        )
    return hackernews.submission_kit(
        title=entry.get("title") or launch.name,
        url=launch.product_url,
        text=entry.get("content") or "",
    )


# --- analytics charts -------------------------------------------------------------------------

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_WIDTH = 14, 6, 124, 150
# Ratios (0..1) share no scale with counts: shown in the numbers, not as bars.
RATIO_FIELDS = {"upvoteRatio", "engagement"}


def analytics_cards(data: dict, logs: list[PostingLog]) -> list[dict]:
    """One card per post: which account it is for, its numbers once (counts as bars, ratios
    in words) and an inline SVG bar chart of the counts."""
    connections = selectors.posting_connections(logs)
    cards = []
    # launch_analytics answers one entry per log, in the logs' order.
    for entry, log in zip(data["platforms"], logs, strict=True):
        metrics = entry["metrics"] or {}
        numbers = [
            (name, metrics[name])
            for name in analytics.METRIC_FIELDS.get(entry["platform"], [])
            if name in metrics
        ]
        cards.append(
            {
                **entry,
                "label": LABELS.get(entry["platform"], entry["platform"]),
                "account": _account_name(log, connections.get(log.connection_id)),
                "post_url": view_url(log, connections.get(log.connection_id)),
                "chart": _chart(numbers),
                # Ratios share no scale with the bars: they are said in words, once.
                "ratios": [(name, value) for name, value in numbers if name in RATIO_FIELDS],
                "numbers": numbers,
            }
        )
    return cards


def summary_words(logs: list[PostingLog]) -> dict:
    """The page's counts: what went out, what failed, what is still on its way, and what
    waits for the person to post it themselves (never counted as "pending")."""
    counts = {"published": 0, "failed": 0, "waiting": 0, "yours": 0}
    for log in logs:
        if log.status in (S.SUCCESS, S.DELETED) or (log.status == S.MANUAL and log.post_url):
            counts["published"] += 1
        elif log.status == S.FAILED:
            counts["failed"] += 1
        elif log.status == S.MANUAL:
            counts["yours"] += 1
        else:
            counts["waiting"] += 1
    return counts


def _chart(numbers: list[tuple[str, float]]) -> dict | None:
    counts = [(name, value) for name, value in numbers if name not in RATIO_FIELDS]
    if not counts:
        return None
    top = max(value for _, value in counts) or 1
    step = BAR_HEIGHT + BAR_GAP
    bars = [
        {
            "name": name,
            "value": value,
            "y": index * step,
            "text_y": index * step + BAR_HEIGHT - 3,
            "width": max(round(value / top * BAR_WIDTH), 1 if value else 0),
        }
        for index, (name, value) in enumerate(counts)
    ]
    return {
        "bars": bars,
        "height": len(bars) * step,
        "label_width": LABEL_WIDTH,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 6,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
    }


# --- previews ---------------------------------------------------------------------------------

HANDLE_PREFIX = {"twitter": "@", "instagram": "", "tiktok": "@", "reddit": "u/"}


def preview_identities(launch: Launch, user) -> dict[str, dict]:
    """Per platform, who the preview shows as the author: the account the launch posts through
    (the chosen one, else the person's first account there), else the person themself."""
    chosen = {str(v) for v in (launch.user_platform_accounts or {}).values()}
    mine = [
        c
        for c in connection_selectors.connections_visible_to(user)
        if c.platform in launch.platforms
    ]
    fallback = user.name or user.email.split("@")[0]
    identities = {}
    for platform in launch.platforms:
        own = [c for c in mine if c.platform == platform]
        connection = next((c for c in own if str(c.pk) in chosen), own[0] if own else None)
        name = (person_name(connection) if connection else "") or fallback
        # Adapters store the handle as the platform writes it ("@olive", "u/olive"): bare
        # here, so the platform's own prefix is added once.
        username = connection.username.removeprefix("u/").lstrip("@") if connection else ""
        prefix = HANDLE_PREFIX.get(platform)
        identities[platform] = {
            "name": name,
            "handle": f"{prefix}{username}" if username and prefix is not None else "",
            "initial": name[:1].upper(),
            "avatar": avatars.avatar_src(connection),
        }
    return identities
