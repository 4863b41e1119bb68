"""Dashboard pages for launches: list, create, the editor. Thin over the same services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from connections.platforms import GUIDED
from dropspace import wording
from dropspace.api.errors import ApiError
from launches import (
    analytics,
    dashboard,
    deletion,
    history,
    media_panel,
    rules,
    selectors,
    services,
    writer,
)
from launches.forms import (
    FIELD_OF_PATH,
    LaunchCreateForm,
    MarkPostedForm,
    ScheduleForm,
    contents_from_post,
)
from launches.models import Launch, Platform
from launches.publishing import services as publishing
from media.views import generate_panel

PAGE_SIZE = 20
LABELS = dict(Platform.choices)
WRITER_NAMES = dashboard.WRITER_NAMES


@login_required
def launch_list(request):
    status = request.GET.get("status") or ""
    if status not in Launch.Status.values:
        status = ""
    launches = selectors.launch_list_for(request.user, status=status or None)
    page = Paginator(launches, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": Launch.Status.choices}
    template = "launches/list.html#launch-table" if request.htmx else "launches/list.html"
    return render(request, template, context)


@login_required
def launch_create(request):
    personas = selectors.personas_for(request.user)
    # The calendar links an empty slot here with ?scheduled_date=2026-05-01T09:00.
    initial = {"scheduled_date": request.GET.get("scheduled_date")}
    form = LaunchCreateForm(request.POST or None, personas=personas, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            launch, _ = services.create_launch(owner=request.user, **form.service_arguments())
        except ApiError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, "Launch created.")
            return redirect("launches:detail", launch_id=launch.pk)
    context = {"form": form, "writer": writer.active_writer()}
    return render(request, "launches/create.html", context)


def _add_form_errors(form, exc: ApiError) -> None:
    wording.add_to_form(form, exc, FIELD_OF_PATH)


@login_required
def launch_detail(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
    context = _editor_context(launch, tab=request.GET.get("tab"))
    context["identities"] = dashboard.preview_identities(launch, request.user)
    context["personas"] = selectors.personas_for(request.user)
    return render(request, "launches/detail.html", _full_page_context(context, request.user))


def _full_page_context(context: dict, user) -> dict:
    # The counter in editor.js recognises links by X's list of top-level domains.
    launch = context["launch"]
    return {
        **context,
        **_panel_context(launch, user),
        **media_panel.panel_context(launch, user),
        **generate_panel(user, launch=launch),
        "x_url_tlds": rules.x_url_tlds(),
    }


@login_required
@require_POST
def launch_save(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    changes = {
        "name": request.POST.get("name", launch.name),
        "product_description": request.POST.get("product_description", launch.product_description),
        "platform_contents": contents_from_post(
            request.POST, launch.platforms, launch.platform_contents
        ),
    }
    if "persona" in request.POST:
        persona_id = request.POST["persona"] or None
        if persona_id != (str(launch.persona_id) if launch.persona_id else None):
            changes["persona_id"] = persona_id
    schedule = ScheduleForm(request.POST)
    if "scheduled_date" in request.POST and schedule.is_valid():
        changes.update(schedule.changes(launch.scheduled_date))
    if schedule.errors and "scheduled_date" in request.POST:
        # Nothing is saved, but every other problem is shown now too, not after the next try.
        problems = [
            {"field": "scheduled_date", "message": f"Scheduled time: {message}"}
            for message in schedule.errors["scheduled_date"]
        ] + _problems_of_update(launch, request.user, changes)
        _keep_unsaved(launch, changes)
        return _render_editor(request, launch, problems=problems, unsaved=True)
    try:
        launch = services.update_launch(launch=launch, by=request.user, changes=changes)
    except ApiError as exc:
        _keep_unsaved(launch, changes)
        return _render_editor(request, launch, problems=wording.problems_of(exc), unsaved=True)
    return _render_editor(request, launch, notice="Saved.")


class _DryRun(Exception):
    pass


def _problems_of_update(launch: Launch, user, changes: dict) -> list[dict]:
    """What update_launch would refuse in ``changes``, without keeping anything."""
    try:
        with transaction.atomic():
            services.update_launch(launch=launch, by=user, changes=dict(changes))
            raise _DryRun  # roll back: the caller shows the problems, nothing is saved
    except _DryRun:
        return []
    except ApiError as exc:
        return wording.problems_of(exc)


def _keep_unsaved(launch: Launch, changes: dict) -> None:
    """Show what the person typed (not the stored text) next to the errors."""
    launch.name = changes["name"]
    launch.product_description = changes["product_description"]
    launch.platform_contents = rules.merge_platform_contents(
        launch.platform_contents, changes["platform_contents"]
    )


@login_required
@require_POST
def launch_regenerate(request, launch_id):
    """Rewrite one platform (or all). Text a person wrote is replaced only once they confirm;
    the replaced version is kept, so Undo brings it back."""
    launch = selectors.get_launch_for_user(request.user, launch_id)
    platform = request.POST.get("platform") or None
    targets = [platform] if platform in launch.platforms else list(launch.platforms)
    typed = contents_from_post(request.POST, launch.platforms, launch.platform_contents)
    unsaved = _unsaved(launch, typed, targets)
    saved_edits = history.edited_by_person(launch.platform_contents, targets)
    edited = list(dict.fromkeys(unsaved + saved_edits))
    if edited and request.POST.get("confirmed") != "yes":
        _keep_typed(launch, typed)
        confirm = {"platform": platform or "", "labels": [LABELS[p] for p in edited]}
        return _render_editor(request, launch, confirm=confirm, tab=platform)
    problems, notice = [], ""
    try:
        if unsaved:  # keep what was typed as the version Undo brings back
            changes = {"platform_contents": {p: typed[p] for p in unsaved}}
            launch = services.update_launch(launch=launch, by=request.user, changes=changes)
        generation = services.generate_content(
            launch=launch, platforms=[platform] if platform else None
        )
    except ApiError as exc:
        problems = wording.problems_of(exc)
        _keep_typed(launch, typed)
        return _render_editor(request, launch, problems=problems, tab=platform)
    notice = _generation_notice(generation)
    if generation.failures:
        problems = [
            {"field": f"platform_contents.{p}", "message": f"Could not write it: {message}"}
            for p, message in generation.failures.items()
        ]
    launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
    return _render_editor(request, launch, problems=problems, notice=notice, tab=platform)


def _unsaved(launch: Launch, typed: dict, platforms: list[str]) -> list[str]:
    """The platforms whose text in the editor differs from the saved text."""

    def text(entry: dict) -> dict:
        return {
            key: value.replace("\r\n", "\n") if isinstance(value, str) else value
            for key, value in entry.items()
            if key in rules.TEXT_FIELDS and value not in ("", None, [])
        }

    return [
        platform
        for platform in platforms
        if platform in typed
        and text(rules.merge_platform_contents(launch.platform_contents, typed)[platform])
        != text(launch.platform_contents.get(platform) or {})
    ]


def _keep_typed(launch: Launch, typed: dict) -> None:
    launch.platform_contents = rules.merge_platform_contents(launch.platform_contents, typed)


@login_required
@require_POST
def launch_undo(request, launch_id):
    """Bring back the text a platform had before its last regeneration."""
    launch = selectors.get_launch_for_user(request.user, launch_id)
    platform = request.POST.get("platform") or ""
    try:
        launch = services.undo_regeneration(launch=launch, platform=platform)
    except ApiError as exc:
        return _render_editor(request, launch, problems=wording.problems_of(exc), tab=platform)
    notice = f"Restored the earlier {LABELS.get(platform, platform)} text."
    launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
    return _render_editor(request, launch, notice=notice, tab=platform)


def _generation_notice(generation: services.Generation) -> str:
    if not generation.platforms_generated:
        return ""
    names = ", ".join(LABELS[p] for p in generation.platforms_generated)
    return f"Rewritten by {dashboard.WRITER_NAMES[generation.writer]}: {names}."


@login_required
@require_POST
def launch_cancel(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    problems = []
    try:
        launch = services.update_launch(
            launch=launch, by=request.user, changes={"status": Launch.Status.CANCELLED}
        )
    except ApiError as exc:
        problems = wording.problems_of(exc)
    return _render_editor(
        request, launch, problems=problems, notice="" if problems else "Cancelled."
    )


@login_required
@require_POST
def launch_delete(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    try:
        services.delete_launch(launch=launch)
    except ApiError as exc:
        return _render_editor(request, launch, problems=wording.problems_of(exc))
    messages.success(request, f"Deleted “{launch.name}”.")
    if request.htmx:
        return HttpResponseClientRedirect("/launches/")
    return redirect("launches:list")


def _render_editor(
    request, launch, *, problems=(), notice="", tab=None, confirm=None, unsaved=False
):
    context = _editor_context(launch, problems=problems, notice=notice, tab=tab)
    context["identities"] = dashboard.preview_identities(launch, request.user)
    context["confirm"] = confirm
    context["unsaved"] = unsaved  # the problems stopped a save: what is shown was typed
    context["personas"] = selectors.personas_for(request.user)
    if request.htmx:
        return render(request, "launches/detail.html#editor", context)
    if notice and not problems and not confirm:
        messages.success(request, notice)
        return redirect("launches:detail", launch_id=launch.pk)
    return render(request, "launches/detail.html", _full_page_context(context, request.user))


def _editor_context(launch: Launch, *, problems=(), notice="", tab=None) -> dict:
    by_field = {item["field"]: item["message"] for item in problems}
    tabs = [_tab(launch, platform, by_field) for platform in launch.platforms]
    flagged = [t["platform"] for t in tabs if t["has_problem"]]
    if tab not in launch.platforms:
        tab = (flagged or launch.platforms or [None])[0]
    return {
        "launch": launch,
        "tabs": tabs,
        "active_tab": tab,
        "edited_labels": [t["label"] for t in tabs if t["edited"]],
        # Every problem at once, in words, each leading to the tab it is on.
        "problems": [
            {"message": item["message"], "tab": _platform_of(item["field"], launch.platforms)}
            for item in problems
        ],
        "errors": by_field,
        "name_error": by_field.get("name"),
        "description_error": by_field.get("product_description"),
        "schedule_error": by_field.get("scheduled_date") or by_field.get("status"),
        "persona_error": by_field.get("persona_id"),
        "notice": notice,
        "writer": writer.active_writer(),
        "posting_status": selectors.posting_status(launch) if _has_logs(launch) else {},
        "privacy_levels": [(v, wording.PRIVACY_NAMES[v]) for v in rules.PRIVACY_LEVELS],
        "tiktok_flags": [(f, wording.TIKTOK_FLAG_NAMES[f]) for f in rules.TIKTOK_FLAGS],
    }


def _platform_of(field: str, platforms: list[str]) -> str:
    parts = field.split(".")
    if parts[0] == "platform_contents" and len(parts) > 1 and parts[1] in platforms:
        return parts[1]
    return ""


def _has_logs(launch: Launch) -> bool:
    return hasattr(launch, "_prefetched_objects_cache")


# Where each feed cuts a post with "…see more" (characters). X shows a tweet whole.
PREVIEW_FOLDS = {"linkedin": 210, "facebook": 480, "instagram": 125}
FRAMED = ("instagram", "tiktok")  # previews whose post is its picture, the text below or over it


def _tab(launch: Launch, platform: str, by_field: dict) -> dict:
    """What the editor shows for one platform: its content, limits and errors."""
    entry = launch.platform_contents.get(platform) or {}
    prefix = f"platform_contents.{platform}"
    thread = entry.get("thread") or ([entry["content"]] if entry.get("content") else [""])
    rule = rules.RULES[platform]

    def error(field):
        return by_field.get(f"{prefix}.{field}")

    return {
        "platform": platform,
        "label": LABELS[platform],
        "fold": PREVIEW_FOLDS.get(platform),
        "media_cover": media_panel.cover(launch, platform) if platform in FRAMED else "",
        "guided": platform in GUIDED,
        "entry": entry,
        "limit": rule.content_max,
        "title_limit": rule.title_max,
        "fields": rules.allowed_fields(platform),
        "tweets": [
            {"text": text, "error": error(f"thread.{index}")} for index, text in enumerate(thread)
        ],
        "thread_error": error("thread") or error("content") if platform == "twitter" else None,
        "content_error": error("content"),
        "title_error": error("title"),
        "subreddits_text": " ".join(s["name"] for s in entry.get("subreddits") or []),
        "subreddits_error": next(
            (m for f, m in by_field.items() if f.startswith(f"{prefix}.subreddits")), None
        ),
        "maker_comment_error": error("maker_comment"),
        "tiktok_settings": entry.get("tiktok_settings") or {},
        "tiktok_error": next(
            (m for f, m in by_field.items() if f.startswith(f"{prefix}.tiktok_settings")), None
        ),
        "platform_error": by_field.get(prefix),
        "has_problem": any(f == prefix or f.startswith(f"{prefix}.") for f in by_field),
        "generated_by": entry.get("generated_by"),
        "written_by": WRITER_NAMES.get(entry.get("generated_by"), ""),
        "edited": entry.get("generated_by") == "user" and rules.has_content(entry),
        "can_undo": history.latest(launch.content_history, platform) is not None,
        "failure": (launch.generation_failures.get(platform) or {}).get("message"),
    }


# --- the publishing panel: publish, schedule, accounts, live status, guided posts ------------


def _panel_context(launch: Launch, user) -> dict:
    logs = list(launch.posting_logs.all()) if _has_logs(launch) else []
    return {
        **_status_context(launch, logs),
        "accounts": dashboard.account_choices(launch, user) if launch.is_editable else [],
        "kits": dashboard.guided_kits(launch, logs),
        "manual_posts": dashboard.manual_posts(launch, logs),
        "writers": dashboard.writers(launch),
        "can_publish": launch.status in publishing.PUBLISHABLE,
        "can_schedule": launch.status in dashboard.SCHEDULABLE,
        "can_cancel": launch.can_become(Launch.Status.CANCELLED),
        "has_published": any(log.status in ("success", "deleted") for log in logs),
        "deletable_count": sum(1 for log in logs if log.status == "success" and log.post_id),
    }


def _status_context(launch: Launch, logs: list) -> dict:
    return {
        "launch": launch,
        "status_rows": dashboard.status_rows(launch, logs),
        "settled": dashboard.is_settled(launch, logs),
        "can_retry": launch.status in ("partial", "failed")
        and any(log.status in ("failed", "unconfirmed") for log in logs),
    }


def _act(request, launch: Launch, action, success: str):
    """Run one service call for a panel button; its outcome becomes a flash message."""
    try:
        result = action()
    except ApiError as exc:
        problems = wording.problems_of(exc)
        if len(problems) > 1 or exc.details:
            messages.error(request, "Fix these first:")
        for problem in problems:  # every problem at once, each in its own words
            messages.error(request, problem["message"])
    else:
        messages.success(request, success.format(result=result))
    return redirect("launches:detail", launch_id=launch.pk)


@login_required
@require_POST
def launch_publish(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    publish = publishing.publish_launch
    return _act(
        request, launch, lambda: publish(launch=launch, by=request.user), "Publishing started."
    )


@login_required
@require_POST
def launch_schedule(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    form = ScheduleForm(request.POST)
    if not form.is_valid() or form.cleaned_data["scheduled_date"] is None:
        messages.error(request, "Choose a date and time to schedule the launch.")
        return redirect("launches:detail", launch_id=launch.pk)
    changes = {"scheduled_date": form.cleaned_data["scheduled_date"]}

    def schedule():
        launch_ = services.update_launch(launch=launch, by=request.user, changes=changes)
        return timezone.localtime(launch_.scheduled_date)  # the person's timezone is active

    return _act(request, launch, schedule, "Scheduled for {result:%b %-d, %Y %H:%M %Z}.")


@login_required
@require_POST
def launch_unschedule(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    changes = {"scheduled_date": None}
    update = services.update_launch
    return _act(
        request,
        launch,
        lambda: update(launch=launch, by=request.user, changes=changes),
        "Unscheduled.",
    )


@login_required
@require_POST
def launch_accounts(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    changes = dashboard.parse_account_choices(request.POST.getlist("account"))
    update = services.update_launch
    return _act(
        request,
        launch,
        lambda: update(launch=launch, by=request.user, changes=changes),
        "Posting accounts saved.",
    )


@login_required
def launch_status(request, launch_id):
    """The live status fragment; it polls itself until the launch settles."""
    launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
    context = _status_context(launch, list(launch.posting_logs.all()))
    if not request.htmx:
        return redirect("launches:detail", launch_id=launch.pk)
    response = render(request, "launches/_publishing.html#posting-status", context)
    if context["settled"] and request.GET.get("live"):
        # It settled while the page watched: reload once so the header, the buttons and the
        # analytics match the finished launch. The fragment itself no longer polls.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def launch_retry(request, launch_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    retry = publishing.retry_launch
    return _act(
        request,
        launch,
        lambda: ", ".join(LABELS.get(p, p) for p in retry(launch=launch)),
        "Retrying: {result}.",
    )


@login_required
@require_POST
def launch_mark_posted(request, launch_id, log_id):
    launch = selectors.get_launch_for_user(request.user, launch_id)
    log = _or_404(selectors.get_guided_post, launch, log_id)
    form = MarkPostedForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Paste the address of your {LABELS[log.platform]} post.")
        return redirect("launches:detail", launch_id=launch.pk)
    mark = publishing.mark_manual_posted
    url = form.cleaned_data["url"]
    return _act(
        request, launch, lambda: mark(log=log, url=url), f"Marked {LABELS[log.platform]} as posted."
    )


def _or_404(select, *args):
    try:
        return select(*args)
    except ApiError as exc:
        raise Http404(exc.message) from exc


@login_required
def launch_analytics(request, launch_id):
    """The analytics fragment (loaded after the page: it may ask the platforms)."""
    launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
    data = analytics.launch_analytics(launch=launch)
    logs = list(launch.posting_logs.all())
    context = {
        "launch": launch,
        "data": data,
        "cards": dashboard.analytics_cards(data, logs),
        "counts": dashboard.summary_words(logs),
    }
    template = "launches/_publishing.html#analytics" if request.htmx else "launches/analytics.html"
    return render(request, template, context)


@login_required
def launch_delete_post(request, launch_id, log_id):
    """GET: the confirmation step; POST: delete the post from its platform."""
    launch = selectors.get_launch_for_user(request.user, launch_id)
    log = _or_404(selectors.get_deletable_post, launch, log_id)
    if request.method != "POST":
        return render(
            request,
            "launches/confirm_delete_posts.html",
            {"launch": launch, "logs": [log], "single": log},
        )
    result = deletion.delete_post(log=log)
    _deletion_message(request, [result])
    return redirect("launches:detail", launch_id=launch.pk)


@login_required
def launch_delete_posts(request, launch_id):
    """GET: the confirmation step; POST: delete every published post of the launch."""
    launch = selectors.get_launch_for_user(request.user, launch_id)
    if request.method != "POST":
        logs = list(selectors.deletable_posts(launch))
        return render(
            request, "launches/confirm_delete_posts.html", {"launch": launch, "logs": logs}
        )
    _deletion_message(request, deletion.delete_all_posts(launch=launch)["results"])
    return redirect("launches:detail", launch_id=launch.pk)


def _deletion_message(request, results: list[dict]) -> None:
    for result in results:
        label = LABELS.get(result["platform"], result["platform"])
        if result["success"]:
            messages.success(request, f"Deleted the {label} post.")
        elif result["error_code"] == deletion.NOT_SUPPORTED:
            messages.warning(
                request, f"{label} does not let apps delete posts: delete it in the {label} app."
            )
        else:
            messages.error(request, f"Could not delete the {label} post: {result['error']}")
    if not results:
        messages.info(request, "There are no published posts to delete.")
