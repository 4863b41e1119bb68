"""Settings -> Connections: connect, choose accounts, disconnect (over connections.services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from connections import selectors, services
from connections.avatars import avatar_src
from connections.models import Connection, Platform
from media.storage import media_storage


def _platform_or_404(platform: str) -> str:
    if platform not in Platform.values:
        raise Http404("unknown platform")
    return platform


def _redirect_uri(request, platform: str) -> str:
    return request.build_absolute_uri(reverse("connections:callback", args=[platform]))


@login_required
def index(request):
    """Settings -> Connections: every platform, its accounts, health and the official ones."""
    platforms = selectors.platform_overview(request.user)
    context = {"platforms": platforms, "any_sandbox": any(row["sandbox"] for row in platforms)}
    return render(request, "connections/list.html", context)


@login_required
@require_POST
def connect(request, platform: str):
    platform = _platform_or_404(platform)
    official = request.POST.get("official") == "1" and request.user.is_staff
    try:
        url = services.begin_connect(
            session=request.session,
            owner=request.user,
            platform=platform,
            redirect_uri=_redirect_uri(request, platform),
            official=official,
        )
    except services.ConnectError as exc:
        messages.error(request, str(exc))
        return redirect("connections:list")
    return redirect(url)


@login_required
def callback(request, platform: str):
    platform = _platform_or_404(platform)
    try:
        saved = services.complete_connect(
            session=request.session,
            user=request.user,
            platform=platform,
            params=request.GET.dict(),
            redirect_uri=_redirect_uri(request, platform),
        )
    except services.ConnectError as exc:
        messages.error(request, str(exc))
        return redirect("connections:list")
    if saved is None:
        return redirect("connections:choose")
    messages.success(request, f"Connected {', '.join(c.account_name for c in saved)}.")
    return redirect("connections:list")


@login_required
def choose(request):
    choice = services.pending_choice(session=request.session)
    if choice is None:
        return redirect("connections:list")
    if request.method == "POST":
        try:
            saved = services.choose_accounts(
                session=request.session,
                user=request.user,
                entity_ids=request.POST.getlist("accounts"),
            )
        except services.ConnectError as exc:
            messages.error(request, str(exc))
            return redirect("connections:choose")
        messages.success(request, f"Connected {', '.join(c.account_name for c in saved)}.")
        return redirect("connections:list")
    return render(request, "connections/choose.html", {"choice": choice})


@login_required
@require_POST
def disconnect(request, connection_id):
    connection = Connection.objects.filter(
        pk=connection_id, owner=request.user, is_active=True
    ).first()
    if connection is None:
        raise Http404("connection not found")
    services.disconnect_connection(connection=connection)
    messages.success(request, f"Disconnected {connection.account_name}.")
    return redirect("connections:list")


@login_required
def avatar(request, connection_id, filename: str):
    """Our copy of an account's profile picture (connections.avatars), to the person whose
    account it is; an official account's to everyone signed in."""
    visible = Connection.objects.filter(is_active=True).filter(
        Q(owner=request.user) | Q(owner__isnull=True)
    )
    connection = visible.filter(pk=connection_id).first()
    if connection is None or avatar_src(connection).rsplit("/", 1)[-1] != filename:
        raise Http404("no such picture")
    response = FileResponse(media_storage().open(connection.avatar_name, "rb"))
    response["Content-Type"] = "image/png"
    # The file's name changes with the picture: this URL's bytes never do.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
