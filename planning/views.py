"""Dashboard pages of planning: the calendar, bulk import and export, analytics."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dropspace.api.errors import ApiError
from launches import selectors as launch_selectors
from planning import analytics, calendar, charts, export, selectors, services
from planning.forms import AnalyticsForm, CalendarForm, ImportForm, MoveForm
from planning.models import ImportJob

LIST_DAYS = 31


# --- the calendar -----------------------------------------------------------------------------


@login_required
def calendar_view(request):
    choices = CalendarForm(request.GET).choices()
    context = _calendar_context(request.user, choices)
    template = "planning/calendar.html#calendar" if request.htmx else "planning/calendar.html"
    return render(request, template, context)


def _calendar_context(user, choices: dict, *, notice: str = "", problems=()) -> dict:
    grid = calendar.build(choices["view"], choices["date"])
    start, end = grid.bounds()
    launches = selectors.calendar_launches(
        user, start=start, end=end, status=choices["status"], platform=choices["platform"]
    )
    return {
        "grid": calendar.place(grid, launches),
        "choices": choices,
        "hours": calendar.HOURS,
        "status_choices": CalendarForm.base_fields["status"].choices,
        "platform_choices": CalendarForm.base_fields["platform"].choices,
        "notice": notice,
        "problems": problems,
        "create_url": reverse("launches:create"),
    }


@login_required
@require_POST
def calendar_move(request, launch_id):
    """A launch dropped on another day (hour): reschedule it, answer the redrawn calendar."""
    launch = launch_selectors.get_launch_for_user(request.user, launch_id)
    choices = CalendarForm(request.POST).choices()
    form = MoveForm(request.POST)
    notice, problems = "", []
    if not form.is_valid():
        problems = ["Drop the launch on a day of the calendar."]
    else:
        try:
            moved = services.reschedule_launch(
                launch=launch,
                by=request.user,
                to_day=form.cleaned_data["day"],
                to_hour=form.cleaned_data["hour"],
            )
        except ApiError as exc:
            problems = _in_words(exc)
        else:
            when = timezone.localtime(moved.scheduled_date)
            notice = f"{moved.name} now publishes {when:%a %b %-d, %H:%M %Z}."
    if not request.htmx:
        for text in problems:
            messages.error(request, f"{launch.name} was not moved: {text}")
        if notice:
            messages.success(request, notice)
        query = f"view={choices['view']}&date={choices['date']}"
        return redirect(f"{reverse('calendar:index')}?{query}")
    context = _calendar_context(request.user, choices, notice=notice, problems=problems)
    context["moved_name"] = launch.name
    return render(request, "planning/calendar.html#calendar", context)


def _in_words(exc: ApiError) -> list[str]:
    details = [item["message"] for item in exc.details or [] if isinstance(item, dict)]
    return list(dict.fromkeys(details)) or [exc.message]


@login_required
def calendar_list(request):
    """The calendar as a list, day by day: for screen readers and small screens."""
    choices = CalendarForm(request.GET).choices()
    first = choices["date"]
    start = calendar.local_midnight(first)
    end = calendar.local_midnight(first + timedelta(days=LIST_DAYS))
    launches = selectors.calendar_launches(
        request.user, start=start, end=end, status=choices["status"], platform=choices["platform"]
    )
    days: dict = {}
    for launch in launches:
        days.setdefault(timezone.localtime(launch.when).date(), []).append(launch)
    context = {
        "days": days.items(),
        "choices": choices,
        "first": first,
        "last": first + timedelta(days=LIST_DAYS - 1),
        "previous": first - timedelta(days=LIST_DAYS),
        "next": first + timedelta(days=LIST_DAYS),
        "today": calendar.today(),
        "status_choices": CalendarForm.base_fields["status"].choices,
        "platform_choices": CalendarForm.base_fields["platform"].choices,
    }
    return render(request, "planning/calendar_list.html", context)


# --- import and export ------------------------------------------------------------------------


@login_required
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.preview_import(
                owner=request.user, data=upload.read(), filename=upload.name
            )
        except ApiError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:detail", import_id=job.pk)
    context = {"form": form, "imports": selectors.recent_imports(request.user)}
    return render(request, "planning/import.html", context)


@login_required
def import_detail(request, import_id):
    job = _job_or_404(request.user, import_id)
    template = "planning/import_detail.html"
    if request.htmx and request.GET.get("progress"):
        template += "#progress"
    return render(request, template, _import_context(job))


def _import_context(job: ImportJob) -> dict:
    rows = job.rows if job.status == ImportJob.Status.PREVIEW else []
    report = job.report
    return {
        "job": job,
        "rows": rows,
        "ready": sum(1 for row in rows if not row["problems"] and not row["already_imported"]),
        "with_problems": sum(1 for row in rows if row["problems"]),
        "already": sum(1 for row in rows if row["already_imported"]),
        "report": report,
        "created": sum(1 for item in report if item["status"] == services.CREATED),
        "skipped": [item for item in report if item["status"] != services.CREATED],
        "percent": round(100 * job.processed / job.total) if job.total else 100,
    }


def _job_or_404(user, import_id) -> ImportJob:
    try:
        return selectors.get_import_for_user(user, import_id)
    except ApiError as exc:
        raise Http404("no such import") from exc


@login_required
@require_POST
def import_start(request, import_id):
    job = _job_or_404(request.user, import_id)
    try:
        services.start_import(job=job)
    except ApiError as exc:
        messages.error(request, exc.message)
    return redirect("imports:detail", import_id=job.pk)


@login_required
def import_example(request):
    response = render(request, "planning/example.csv", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dropspace-launches-example.csv"'
    return response


@login_required
def export_csv(request):
    return csv_response(request.user)


def csv_response(user) -> StreamingHttpResponse:
    """Every launch and post as a streamed CSV download (the page and the API)."""
    lines = export.csv_lines(export.launches_for_export(user))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="dropspace-launches-{stamp}.csv"'
    return response


# --- analytics --------------------------------------------------------------------------------


@login_required
def analytics_view(request):
    personas = list(launch_selectors.personas_for(request.user))
    form = AnalyticsForm(request.GET or None, personas=personas)
    filters = form.filters()
    data = analytics.summary(request.user, filters)
    context = {
        "form": form,
        "filters": filters,
        "data": data,
        "impressions_chart": charts.bars(data["trend"], "impressions", filters.bucket),
        "engagement_chart": charts.bars(data["trend"], "engagement", filters.bucket),
    }
    template = "planning/analytics.html#report" if request.htmx else "planning/analytics.html"
    return render(request, template, context)
