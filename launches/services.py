"""Every change to a launch: create, update, delete, and (re)writing its content."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing import services as billing
from billing.models import Meter
from dropspace.api.errors import ApiError, Code
from launches import attachments, history, rules, selectors, writer
from launches.models import READY_STATUSES, Launch
from launches.publishing import targets as targeting
from launches.writer.product_page import product_page_text
from launches.writer.video_script import write_video_script
from personas.voice import voice_for
from webhooks.services import record_event

S = Launch.Status
UNSET: Any = object()  # "field not sent" in updates, distinct from an explicit null


@dataclass
class Generation:
    """The outcome of a writer run on a launch."""

    writer: str
    platforms_generated: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def raise_problems(problems: list, code: Code = Code.SERVER_002) -> None:
    if problems:
        first = problems[0]
        message = first["message"]
        if first["field"] and not message.startswith(first["field"]):
            message = f"{first['field']}: {message}"
        raise ApiError(code, message, details=problems)


# --- create -----------------------------------------------------------------------------------


def create_launch(
    *,
    owner,
    title: str,
    product_description: str,
    platforms: list[str],
    product_url: str = "",
    scheduled_date=None,
    persona_id=None,
    dropspace_platforms: list[str] | None = None,
    user_platform_accounts: dict | None = None,
    platform_contents: dict | None = None,
    custom_content=None,
    custom_content_reddit_title: str | None = None,
    media: list[dict] | None = None,
    media_assets: list[dict] | None = None,
    media_attach_platforms: list[str] | None = None,
    media_mode: str | None = None,
    paid: bool = False,
    generate_ai_videos: list[str] | None = None,
) -> tuple[Launch, Generation | None]:
    """Create a launch and write the platforms it has no content for.

    ``generate_ai_videos``: a video script is written per platform (kept when given in
    ``platform_contents``) and a script video job starts for each once the launch is saved.

    Raises 400 SERVER_002 for a broken rule, 404 SERVER_003 for a persona or media asset not
    owned, 400 UPLOAD_001/002/003 for media that cannot be stored, 400 LAUNCH_007 when the
    media does not meet a platform's requirements (or a scheduled launch could not publish),
    403 AUTH_002 for a platform outside the plan, 429 LAUNCH_002 over the monthly limit (both
    checked by billing), 429 RATE_001 when the AI writer is rate limited.
    ``paid``: bought with an x402 payment, so outside the plan's monthly limit.
    """
    raise_problems(rules.check_platforms(platforms))
    if user_platform_accounts:  # before ownership: a wallet's plan has no own accounts at all
        billing.ensure_can_post(account=owner, platforms=[], own=True, official=False)
    raise_problems(
        check_new_launch(
            owner=owner,
            title=title,
            product_description=product_description,
            platforms=platforms,
            product_url=product_url,
            scheduled_date=scheduled_date,
            dropspace_platforms=dropspace_platforms,
            user_platform_accounts=user_platform_accounts,
            platform_contents=platform_contents,
            custom_content=custom_content,
            custom_content_reddit_title=custom_content_reddit_title,
            media=media,
            media_assets=media_assets,
            media_attach_platforms=media_attach_platforms,
            media_mode=media_mode,
            generate_ai_videos=generate_ai_videos,
        )
    )
    persona = selectors.get_persona_for_user(owner, persona_id) if persona_id else None
    billing.ensure_platforms_allowed(account=owner, platforms=platforms)
    billing.ensure_available(account=owner, meter=Meter.LAUNCHES, paid=paid)  # before the writer
    if generate_ai_videos:
        billing.ensure_available(account=owner, meter=Meter.AI_VIDEOS)
    change = attachments.resolve(
        owner=owner,
        media=media,
        media_assets=media_assets,
        attach=media_attach_platforms,
        mode=media_mode,
    )
    try:
        launch, generated = _create_with_media(
            change,
            paid=paid,
            owner=owner,
            name=title,
            platforms=platforms,
            product_url=product_url,
            product_description=product_description,
            persona=persona,
            scheduled_date=scheduled_date,
            platform_contents=_initial_contents(
                platforms, platform_contents, custom_content, custom_content_reddit_title
            ),
            dropspace_platforms=dropspace_platforms,
            user_platform_accounts=user_platform_accounts,
            video_platforms=generate_ai_videos or [],
        )
    except BaseException:
        change.discard()  # nothing half-saved: the files this request stored go too
        raise
    _start_ai_videos(launch, generate_ai_videos or [])
    return launch, generated


def _check_ai_videos(video_platforms, platforms) -> list:
    outside = [p for p in video_platforms or [] if p not in platforms]
    if outside:
        message = f"generate_ai_videos must be a subset of platforms ({', '.join(outside)})"
        return [rules.problem("generate_ai_videos", message)]
    return []


def _add_video_scripts(launch: Launch, video_platforms: list[str]) -> None:
    """A ``video_script`` for each platform that has none (the writer's, from the launch)."""
    for platform in video_platforms:
        entry = launch.platform_contents.setdefault(platform, {"platform": platform})
        if not entry.get("video_script"):
            entry["video_script"] = write_video_script(
                name=launch.name,
                description=launch.product_description,
                product_url=launch.product_url,
                platform=platform,
            )


def _start_ai_videos(launch: Launch, video_platforms: list[str]) -> None:
    """Start a 9:16 script video per platform; each attaches to its platform when done."""
    from media import generation  # media's generation attaches to launches: import at use

    for platform in video_platforms:
        script = launch.platform_contents[platform]["video_script"]
        generation.start_generation(
            owner=launch.owner,
            generation_type="script_video",
            launch_id=launch.pk,
            platform=platform,
            prompt=script,
            aspect_ratio="9:16",
            duration_seconds=8,
            attach_to=[platform],
        )


def _create_with_media(
    change, video_platforms, *, paid: bool, **fields
) -> tuple[Launch, Generation | None]:
    launch = Launch(status=S.SCHEDULED if fields["scheduled_date"] else S.DRAFT, **fields)
    _add_video_scripts(launch, video_platforms)
    raise_problems(attachments.apply(launch, change))
    raise_problems(attachments.thread_media_problems(launch, asked=True))
    check_media_requirements(launch, video_coming=video_platforms)
    return launch, _write_and_save(launch, change, paid=paid)


def check_media_requirements(launch: Launch, video_coming: list[str] = ()) -> None:
    """400 LAUNCH_007 with every problem the launch's media decides for the platforms it will
    post to (Instagram and TikTok need media, reels a video, TikTok photos JPEG/WebP, Reddit's
    modes). A platform without a posting account is posted by the person, from the kit."""
    posted = {target.platform for target in targeting.targets_for(launch) if target.key}
    problems = [
        item
        for platform in launch.platforms
        if platform in posted and platform not in video_coming  # its AI video is on its way
        for item in targeting.media_problems(launch, platform)
    ]
    if problems:
        raise ApiError(Code.LAUNCH_007, targeting_summary(problems), details=problems)


def check_schedulable(launch: Launch) -> None:
    """400 LAUNCH_007 when the scheduled launch would fail at publish time for a reason known
    now (content, media, subreddits, TikTok privacy, accounts), every problem in details."""
    if not launch.has_posting_accounts:
        return  # nothing is posted automatically: the person posts it themselves
    problems = targeting.publish_problems(launch, targeting.targets_for(launch))
    if problems:
        summary = targeting_summary(problems, prefix="cannot schedule: ")
        raise ApiError(Code.LAUNCH_007, summary, details=problems)


def targeting_summary(problems: list[dict], prefix: str = "") -> str:
    count, first = len(problems), problems[0]
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    where = f"{first['field']}: " if first["field"] else ""
    return f"{prefix}platform requirements not met: {where}{first['message']}{more}"


def check_new_launch(
    *,
    owner,
    title,
    product_description,
    platforms,
    product_url="",
    scheduled_date=None,
    dropspace_platforms=None,
    user_platform_accounts=None,
    platform_contents=None,
    custom_content=None,
    custom_content_reddit_title=None,
    media=None,
    media_assets=None,
    media_attach_platforms=None,
    media_mode=None,
    generate_ai_videos=None,
) -> list:
    """Every rule problem create_launch would raise, without creating anything (import preview)."""
    problems = rules.check_platforms(platforms)
    if problems:
        return problems
    problems = rules.check_name(title) + rules.check_description(product_description)
    problems += _check_create_content(
        platforms, platform_contents, custom_content, custom_content_reddit_title
    )
    if product_url:
        problems += rules.check_product_url(product_url)
    if scheduled_date is not None:
        problems += rules.check_scheduled_date(scheduled_date)
    problems += rules.check_posting_targets(
        owner=owner,
        platforms=platforms,
        user_platform_accounts=user_platform_accounts,
        dropspace_platforms=dropspace_platforms,
    )
    problems += attachments.shape_problems(
        media=media, media_assets=media_assets, attach=media_attach_platforms, mode=media_mode
    )
    return problems + _check_ai_videos(generate_ai_videos, platforms)


def _initial_contents(platforms, platform_contents, custom_content, reddit_title) -> dict:
    if custom_content is not None:
        return rules.expand_custom_content(custom_content, platforms, reddit_title)
    return {
        platform: rules.normalize_entry(platform, entry, written_by="user")
        for platform, entry in (platform_contents or {}).items()
    }


def _write_and_save(launch: Launch, change=None, *, paid: bool = False) -> Generation | None:
    """Write the platforms without content (outside the transaction: it can take a while)."""
    missing = [
        p for p in launch.platforms if not rules.has_content(launch.platform_contents.get(p))
    ]
    generation = _run_writer(launch, missing, on_unavailable="record") if missing else None
    if launch.status == S.SCHEDULED:
        check_schedulable(launch)
    with transaction.atomic():
        billing.charge(account=launch.owner, meter=Meter.LAUNCHES, object_id=launch.pk, paid=paid)
        launch.save()
        if change is not None:
            attachments.link(launch, change)
        if launch.status == S.SCHEDULED:
            record_status_event(launch)
    return generation


def _check_create_content(platforms, platform_contents, custom_content, reddit_title) -> list:
    if platform_contents is not None and custom_content is not None:
        message = "platform_contents and custom_content are mutually exclusive; send one"
        return [rules.problem("custom_content", message)]
    if custom_content is not None:
        return rules.check_custom_content(custom_content, platforms, reddit_title)
    problems = []
    if reddit_title is not None:
        message = "custom_content_reddit_title is only used with custom_content"
        problems.append(rules.problem("custom_content_reddit_title", message))
    if platform_contents is not None:
        problems += rules.check_platform_contents(platform_contents, platforms)
    return problems


# --- update -----------------------------------------------------------------------------------

UPDATABLE = [
    "name",
    "product_description",
    "product_url",
    "persona_id",
    "platforms",
    "scheduled_date",
    "status",
    "platform_contents",
    "user_platform_accounts",
    "dropspace_platforms",
    "media",
    "media_assets",
    "media_attach_platforms",
    "media_mode",
]
MEDIA_FIELDS = ("media", "media_assets", "media_attach_platforms", "media_mode")


def update_launch(*, launch: Launch, by, changes: dict) -> Launch:
    """Apply a PATCH: only the fields in ``changes``; platform_contents deep-merged.

    Raises 400 SERVER_002 for a broken rule or an empty update, 409 LAUNCH_003 when the
    launch's status does not allow the change, 404 SERVER_003 for a persona not owned.
    """
    media = {name: changes.pop(name) for name in MEDIA_FIELDS if name in changes}
    media = {name: value for name, value in media.items() if value is not None}  # null: not given
    if not changes and not media:
        raise ApiError(Code.SERVER_002, "send at least one field to update")
    if changes.get("user_platform_accounts"):
        billing.ensure_can_post(account=by, platforms=[], own=True, official=False)
    if media:
        _check_updatable(launch, {**changes, **media})  # before fetching anything
    change = _media_change(by, media) if media else None
    try:
        return _update_locked(launch, by, changes, change)
    except BaseException:
        if change is not None:
            change.discard()  # nothing half-saved
        raise


def _media_change(by, media: dict) -> "attachments.MediaChange":
    raise_problems(
        attachments.shape_problems(
            media=media.get("media"),
            media_assets=media.get("media_assets"),
            attach=media.get("media_attach_platforms"),
            mode=media.get("media_mode"),
        )
    )
    return attachments.resolve(
        owner=by,
        media=media.get("media"),
        media_assets=media.get("media_assets"),
        attach=media.get("media_attach_platforms"),
        mode=media.get("media_mode"),
    )


def _update_locked(launch: Launch, by, changes: dict, change) -> Launch:
    with transaction.atomic():
        launch = Launch.objects.select_for_update().get(pk=launch.pk)
        _check_updatable(launch, {**changes, **({"media": True} if change else {})})
        before = (launch.status, launch.scheduled_date)
        sets_thread_media = "thread_media" in (changes.get("platform_contents") or {}).get(
            "twitter", {}
        )
        update_fields = _apply_changes(launch, by, changes)
        update_fields += _apply_media(launch, change)
        if sets_thread_media:
            # Checked when asked for; a thread shortened later is reported before publishing.
            raise_problems(attachments.thread_media_problems(launch, asked=True))
        if launch.status == S.SCHEDULED:
            check_schedulable(launch)
        launch.save(update_fields=[*dict.fromkeys(update_fields), "updated_at"])
        if change is not None:
            attachments.link(launch, change)
        if (launch.status, launch.scheduled_date) != before:
            record_status_event(launch)
    return launch


def _apply_media(launch: Launch, change) -> list[str]:
    """The media part of an update; platforms removed from the launch lose its media."""
    fields = ["media_attach_platforms"]
    attachments.prune_attach(launch)
    if change is not None:
        raise_problems(attachments.apply(launch, change))
        fields += ["media_assets", "media_mode", "platform_contents"]  # tweets lose removed media
    return fields


def record_status_event(launch: Launch) -> None:
    """launch.scheduled (also when rescheduled) / launch.cancelled, in the caller's transaction."""
    if launch.status not in (S.SCHEDULED, S.CANCELLED):
        return
    data = {
        "launch_id": str(launch.pk),
        "name": launch.name,
        "status": launch.status,
        "platforms": list(launch.platforms),
    }
    if launch.status == S.SCHEDULED:
        data["scheduled_date"] = launch.scheduled_date.isoformat()
    record_event(owner=launch.owner, type=f"launch.{launch.status}", data=data)


def _check_updatable(launch: Launch, changes: dict) -> None:
    if launch.status == S.RUNNING:
        if changes != {"status": S.CANCELLED}:
            raise ApiError(
                Code.LAUNCH_003, "a running launch can only be updated to status cancelled"
            )
    elif not launch.is_editable:
        raise ApiError(Code.LAUNCH_003, f"a {launch.status} launch cannot be updated")


def _apply_changes(launch: Launch, by, changes: dict) -> list[str]:
    problems = _field_problems(changes)
    raise_problems(problems)
    if "persona_id" in changes:
        persona_id = changes.pop("persona_id")
        launch.persona = selectors.get_persona_for_user(by, persona_id) if persona_id else None
        changes["persona"] = launch.persona
    updated_platforms = list(changes.get("platform_contents") or {})
    if "platform_contents" in changes:
        changes["platform_contents"] = rules.merge_platform_contents(
            launch.platform_contents, changes["platform_contents"]
        )
    requested_status = changes.pop("status", None)
    for name, value in changes.items():
        setattr(launch, name, value)
    raise_problems(
        [
            rules.problem(f"platform_contents.{platform}", f"{platform} is not in platforms")
            for platform in updated_platforms
            if platform not in launch.platforms
        ]
        + _state_problems(launch)
    )
    status = _next_status(launch, requested_status, changes)
    if status != launch.status:
        launch.status = status
        changes["status"] = status
    return list(changes)


def _field_problems(changes: dict) -> list:
    problems = []
    if "name" in changes:
        problems += rules.check_name(changes["name"], field="name")
    if "product_description" in changes:
        problems += rules.check_description(
            changes["product_description"], limit=rules.DESCRIPTION_MAX_UPDATE
        )
    if changes.get("product_url"):
        problems += rules.check_product_url(changes["product_url"])
    if "platforms" in changes:
        problems += rules.check_platforms(changes["platforms"])
    if changes.get("scheduled_date") is not None:
        problems += rules.check_scheduled_date(changes["scheduled_date"])
    if "platform_contents" in changes:
        problems += rules.check_platform_contents(
            changes["platform_contents"], list(rules.PLATFORMS), partial=True
        )
    return problems


def _state_problems(launch: Launch) -> list:
    """The rules over the launch as a whole, after the update."""
    problems = rules.check_stored_contents(launch.platform_contents, launch.platforms)
    return problems + rules.check_posting_targets(
        owner=launch.owner,
        platforms=launch.platforms,
        user_platform_accounts=launch.user_platform_accounts,
        dropspace_platforms=launch.dropspace_platforms,
    )


def _next_status(launch: Launch, requested: str | None, changes: dict) -> str:
    if requested is not None:
        check_requested_status(launch, requested)
        return requested
    if changes.get("scheduled_date") and launch.status in {S.DRAFT, S.FAILED, S.CANCELLED}:
        return S.SCHEDULED
    if launch.status in READY_STATUSES:
        return launch.ready_status()
    return launch.status


def check_requested_status(launch: Launch, status: str) -> None:
    """Whether ``launch`` (with its new fields) may take ``status``; 400/409 otherwise."""
    if status == launch.status:
        return
    if not launch.can_become(status):
        raise ApiError(Code.LAUNCH_003, f"a {launch.status} launch cannot become {status}")
    field_name = "status"
    if status == S.SCHEDULED and not launch.scheduled_date:
        raise_problems([rules.problem(field_name, "status scheduled needs a scheduled_date")])
    if status == S.SCHEDULED and launch.scheduled_date <= timezone.now():
        raise_problems([rules.problem(field_name, "scheduled_date is in the past")])
    if status in (S.MANUAL, S.TRIGGER) and launch.scheduled_date:
        message = f"status {status} is for unscheduled launches; send scheduled_date: null"
        raise_problems([rules.problem(field_name, message)])
    if status == S.TRIGGER and not launch.has_posting_accounts:
        message = "status trigger needs user_platform_accounts or dropspace_platforms"
        raise_problems([rules.problem(field_name, message)])
    if status == S.MANUAL and launch.has_posting_accounts:
        message = "status manual is for launches without posting accounts"
        raise_problems([rules.problem(field_name, message)])


# --- delete -----------------------------------------------------------------------------------


def delete_launch(*, launch: Launch) -> None:
    """Delete a launch and its posting logs; 409 LAUNCH_003 while it is running."""
    with transaction.atomic():
        locked = Launch.objects.select_for_update().filter(pk=launch.pk).first()
        if locked is None:
            return
        if not locked.is_deletable:
            raise ApiError(Code.LAUNCH_003, "cannot delete a launch that is currently running")
        locked.delete()


# --- writing ----------------------------------------------------------------------------------


def generate_content(*, launch: Launch, platforms: list[str] | None = None) -> Generation:
    """Rewrite the content of ``platforms`` (default: all); other platforms are kept.

    Raises 400 SERVER_002 (no description, unknown platform), 409 LAUNCH_003 (not editable),
    429 LAUNCH_002 (regeneration limit), 429 RATE_001 / 503 SERVER_001 (AI writer).
    """
    _check_can_write(launch)
    if not launch.product_description or not launch.platforms:
        raise ApiError(Code.SERVER_002, "the launch needs a product_description and platforms")
    targets = _targets(launch, platforms)
    return _regenerate(launch, targets)


def retry_content(*, launch: Launch, platforms: list[str] | None = None) -> dict:
    """Write again exactly the platforms whose generation failed (optionally filtered)."""
    _check_can_write(launch)
    failed = [p for p in launch.platforms if p in launch.generation_failures]
    if platforms is not None:
        failed = [p for p in failed if p in platforms]
    if not failed:
        raise ApiError(Code.SERVER_002, "no failed platforms to retry")
    generation = _regenerate(launch, failed)
    return {
        "retried": failed,
        "succeeded": generation.platforms_generated,
        "still_failing": [p for p in failed if p in generation.failures],
        "rate_limited": [],
    }


def _check_can_write(launch: Launch) -> None:
    if not launch.is_editable:
        raise ApiError(Code.LAUNCH_003, f"cannot write content for a {launch.status} launch")


def _targets(launch: Launch, platforms: list[str] | None) -> list[str]:
    if not platforms:
        return list(launch.platforms)
    unknown = [p for p in platforms if p not in launch.platforms]
    if unknown:
        message = f"{unknown[0]} is not one of this launch's platforms"
        raise ApiError(Code.SERVER_002, message, details=[rules.problem("platforms", message)])
    return [p for p in launch.platforms if p in platforms]


def _ensure_can_regenerate(launch: Launch) -> None:
    billing.ensure_room(
        account=launch.owner,
        limit_name="regenerations_per_launch",
        count=lambda: launch.regeneration_count,
    )


def _regenerate(launch: Launch, platforms: list[str]) -> Generation:
    _ensure_can_regenerate(launch)  # before the writer runs
    generation = _run_writer(launch, platforms, on_unavailable="raise")
    with transaction.atomic():
        locked = Launch.objects.select_for_update().get(pk=launch.pk)
        _check_can_write(locked)  # publishing may have started while the writer ran
        _ensure_can_regenerate(locked)  # another regeneration may have finished meanwhile
        # Take only what was written: an edit saved meanwhile to another platform stays.
        written = {p: launch.platform_contents[p] for p in generation.platforms_generated}
        locked.content_history = history.remember(
            locked.content_history, locked.platform_contents, written
        )
        locked.platform_contents = {**locked.platform_contents, **written}
        failures = {p: v for p, v in locked.generation_failures.items() if p not in platforms}
        failures.update({p: launch.generation_failures[p] for p in generation.failures})
        locked.generation_failures = failures
        locked.regeneration_count = F("regeneration_count") + 1
        locked.save(
            update_fields=[
                "platform_contents",
                "content_history",
                "generation_failures",
                "regeneration_count",
                "updated_at",
            ]
        )
    launch.refresh_from_db()
    return generation


def undo_regeneration(*, launch: Launch, platform: str) -> Launch:
    """Put back the text ``platform`` had before its last regeneration.

    Raises 400 SERVER_002 when there is no earlier version, 409 LAUNCH_003 when not editable.
    """
    with transaction.atomic():
        locked = Launch.objects.select_for_update().get(pk=launch.pk)
        _check_can_write(locked)
        previous = history.latest(locked.content_history, platform)
        if previous is None or platform not in locked.platforms:
            raise ApiError(Code.SERVER_002, "there is no earlier version to restore")
        locked.platform_contents = {**locked.platform_contents, platform: previous["entry"]}
        locked.content_history = history.without_latest(locked.content_history, platform)
        locked.save(update_fields=["platform_contents", "content_history", "updated_at"])
    return locked


def _run_writer(launch: Launch, platforms: list[str], *, on_unavailable: str) -> Generation:
    """Write ``platforms`` into ``launch`` (not saved) and record per-platform failures."""
    try:
        written = writer.write(_brief(launch, platforms))
    except writer.WriterRateLimited as exc:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        raise ApiError(Code.RATE_001, str(exc), headers=headers) from exc
    except writer.WriterUnavailable as exc:
        if on_unavailable == "raise":
            raise ApiError(Code.SERVER_001, str(exc), status=503) from exc
        written = writer.Written(
            writer=writer.active_writer(), failures=dict.fromkeys(platforms, str(exc))
        )
    return _record(launch, written, platforms)


# A thread rewritten to fewer tweets than thread_media names is reported before publishing.
KEPT_ON_REWRITE = {"video_script", "thread_media", "mixed_carousel"}


def _record(launch: Launch, written: "writer.Written", platforms: list[str]) -> Generation:
    now = timezone.now().isoformat()
    contents = dict(launch.platform_contents)
    failures = {p: v for p, v in launch.generation_failures.items() if p not in platforms}
    for platform in platforms:
        if platform in written.contents:
            kept = {  # the video script and the media choices are not the writer's to replace
                key: value
                for key, value in (contents.get(platform) or {}).items()
                if key in KEPT_ON_REWRITE
            }
            contents[platform] = {**written.contents[platform], **kept}
        else:
            message = written.failures.get(platform, "no content was written")
            failures[platform] = {"message": message, "at": now}
    launch.platform_contents = contents
    launch.generation_failures = failures
    return Generation(
        writer=written.writer,
        platforms_generated=[p for p in platforms if p in written.contents],
        failures={p: failures[p]["message"] for p in platforms if p in failures},
    )


def _brief(launch: Launch, platforms: list[str]) -> "writer.Brief":
    return writer.Brief(
        title=launch.name,
        description=launch.product_description,
        platforms=tuple(platforms),
        product_url=launch.product_url,
        product_text=product_page_text(launch.product_url),
        voice=voice_for(launch.persona, platforms) if launch.persona else None,
        existing={p: launch.platform_contents.get(p) or {} for p in platforms},
        variant=launch.regeneration_count,
    )
