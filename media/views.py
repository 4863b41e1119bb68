"""Media pages: the library (upload, fetch by URL, details, delete) and the files themselves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dropspace.api.errors import ApiError
from launches import selectors as launch_selectors
from media import generation, selectors, services
from media.forms import FetchForm, GenerateForm, UploadForm
from media.storage import file_url, poster_url

# The bytes behind a URL never change (a new file gets a new token): cache for long.
FILE_CACHE = "public, max-age=31536000, immutable"


@login_required
@require_GET
def media_list(request):
    services.expire_stalled_fetches(request.user)
    context = {
        "assets": _cards(request.user),
        "fetches": [
            {"fetch": fetch, "thumbnail": _thumb(fetch)}
            for fetch in selectors.recent_fetches(request.user)
        ],
        "upload_form": UploadForm(),
        "fetch_form": FetchForm(),
        **generate_panel(request.user),
    }
    return render(request, "media/list.html", context)


def _cards(user) -> list[dict]:
    return [_card(asset) for asset in selectors.library_for(user)]


def _card(asset) -> dict:
    return {
        "asset": asset,
        "url": file_url(asset),
        "thumbnail": poster_url(asset) if asset.is_video else file_url(asset),
        "used": getattr(asset, "launch_count", 0),
    }


@login_required
@require_POST
def media_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose at least one image or video to upload.")
        return redirect("media:list")
    stored, failed = 0, []
    for upload in form.cleaned_data["files"]:
        try:
            services.ingest_upload(owner=request.user, file=upload)
            stored += 1
        except ApiError as exc:
            failed.append(f"{upload.name}: {exc.message}")
    if stored:
        messages.success(request, f"Uploaded {stored} file{'s' if stored > 1 else ''}.")
    for problem in failed:
        messages.error(request, problem)
    return redirect("media:list")


@login_required
@require_POST
def media_fetch(request):
    """Add from a link: a worker fetches it (up to 512 MB) while the page shows its progress."""
    form = FetchForm(request.POST)
    if not form.is_valid():
        message = "Enter the full link to an image or video (https://…)."
        if request.htmx:
            return render(request, "media/_fetch.html", {"error": message})
        messages.error(request, message)
        return redirect("media:list")
    fetch = services.start_fetch(owner=request.user, url=form.cleaned_data["url"])
    if request.htmx:
        return render(request, "media/_fetch.html", {"fetch": fetch})
    messages.info(request, "Fetching the file in the background: its progress is below.")
    return redirect("media:list")


@login_required
@require_GET
def media_fetch_status(request, fetch_id):
    """One background fetch's row (the page polls it while it runs)."""
    services.expire_stalled_fetches(request.user)
    fetch = selectors.fetch_for_user(request.user, fetch_id)
    if fetch is None:
        raise Http404("no such fetch")
    context = {"fetch": fetch, "thumbnail": _thumb(fetch)}
    if fetch.status == fetch.Status.COMPLETED and request.htmx:
        # The poll that sees it done also brings the grid with the new file in it.
        context.update(swap_oob=True, assets=_cards(request.user))
    return render(request, "media/_fetch.html", context)


def _thumb(fetch) -> str:
    asset = fetch.asset
    if asset is None:
        return ""
    return poster_url(asset) if asset.is_video else file_url(asset)


@login_required
@require_GET
def media_detail(request, asset_id):
    asset = _own(request, asset_id)
    context = {**_card(asset), "launches": list(selectors.launches_using(asset))}
    context["used"] = len(context["launches"])
    return render(request, "media/detail.html", context)


@login_required
@require_POST
def media_delete(request, asset_id):
    asset = _own(request, asset_id)
    try:
        services.delete_asset(asset=asset)
    except ApiError as exc:
        messages.error(request, exc.message)
        return redirect("media:detail", asset_id=asset.pk)
    messages.success(request, f"Deleted {asset.filename}.")
    return redirect("media:list")


def _own(request, asset_id):
    try:
        return selectors.get_asset_for_user(request.user, asset_id)
    except ApiError:
        raise Http404("no such media") from None


@require_GET
def media_file(request, token: str, filename: str):
    """The file, to anyone holding the URL (platforms fetch it; the token is the secret)."""
    asset = selectors.asset_by_token(token)
    if asset is None or asset.filename != filename:
        raise Http404("no such media file")
    response = FileResponse(
        selectors.open_file(asset),
        content_type=asset.mime_type,
        as_attachment="download" in request.GET,
        filename=asset.filename,
    )
    response["Cache-Control"] = FILE_CACHE
    return response


@require_GET
def media_poster(request, token: str):
    asset = selectors.asset_by_token(token)
    if asset is None or not asset.poster_name:
        raise Http404("no such poster")
    response = FileResponse(selectors.open_file(asset, poster=True), content_type="image/jpeg")
    response["Cache-Control"] = FILE_CACHE
    return response


@csrf_exempt
@require_POST
def fal_webhook(request):
    """fal's callback when a queued job settles; only a body fal signed changes anything."""
    if not generation.handle_fal_webhook(request.headers, request.body):
        return HttpResponse("signature not verified", status=401)
    return HttpResponse(status=204)


# --- AI generation ----------------------------------------------------------------------------


def generate_panel(user, *, launch=None) -> dict:
    """What the generate form needs: the allowance, the launches, a prompt from the launch."""
    launches = [launch] if launch else list(launch_selectors.launch_list_for(user)[:30])
    initial = {"launch": launches[0].pk if launches else None}
    if launches:
        initial["prompt"] = generation.default_prompt(launches[0])
    return {
        "generate_form": GenerateForm(initial=initial),
        "generate_launches": launches,
        "generate_fixed_launch": launch,
        "allowance": generation.allowance(user),
        "recent_jobs": selectors.recent_jobs(user, launch=launch),
    }


@login_required
@require_POST
def media_generate(request):
    form = GenerateForm(request.POST)
    fixed = request.POST.get("fixed_launch") == "1"
    if not form.is_valid():
        return _generate_error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    data = form.cleaned_data
    is_video = data["type"] != "image"
    try:
        job, _, _ = generation.start_generation(
            owner=request.user,
            generation_type=data["type"],
            launch_id=data["launch"],
            platform=data["platform"] if data["type"] == "script_video" else "",
            prompt=data["prompt"],
            aspect_ratio=data["aspect_ratio"],
            duration_seconds=data["duration_seconds"] if is_video else None,
        )
    except ApiError as exc:
        return _generate_error(request, exc.message)
    if not request.htmx:
        messages.success(request, "Generating: it appears in your library when it is ready.")
        return redirect("launches:detail", job.launch_id) if fixed else redirect("media:list")
    return render(request, "media/_job.html", {"job": _job_view(job)})


def _generate_error(request, message: str):
    if not request.htmx:
        messages.error(request, message)
        return redirect(request.META.get("HTTP_REFERER") or "media:list")
    return render(request, "media/_job.html", {"error": message})


@login_required
@require_GET
def media_job(request, job_id):
    try:
        job = selectors.get_job_for_user(request.user, job_id)
    except ApiError as exc:
        raise Http404 from exc
    return render(request, "media/_job.html", {"job": _job_view(job)})


def _job_view(job) -> dict:
    asset = job.asset
    return {
        "job": job,
        "local": job.is_local,
        "result_url": file_url(asset) if asset else "",
        "thumbnail": (poster_url(asset) if asset.is_video else file_url(asset)) if asset else "",
    }
