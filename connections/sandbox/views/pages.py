"""Sandbox pages for people: each account's feed, and fault injection."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from connections.sandbox import selectors, services
from connections.sandbox.models import SandboxFault, SandboxMedia
from connections.sandbox.views.common import sandbox_only
from media.storage import media_storage


class FaultForm(forms.Form):
    kind = forms.ChoiceField(choices=SandboxFault.Kind.choices)
    count = forms.IntegerField(min_value=1, max_value=100, initial=1, help_text="next N calls")
    retry_after = forms.IntegerField(
        min_value=1, max_value=3600, initial=30, help_text="seconds (rate limits)"
    )


@sandbox_only
@login_required
def index(request):
    roots = selectors.accounts_visible_to(request.user).filter(parent__isnull=True)
    accounts = roots.select_related("owner").prefetch_related("children")
    return render(request, "sandbox/index.html", {"accounts": accounts})


@sandbox_only
@login_required
def feed(request, account_id):
    account = selectors.get_account_for(request.user, account_id)
    posts = list(account.posts.all()[:100])
    for post in posts:
        post.files = services.media_files(post)
    return render(
        request,
        "sandbox/feed.html",
        {
            "account": account,
            "posts": posts,
            "faults": account.faults.all(),
            "form": FaultForm(),
        },
    )


@sandbox_only
@login_required
@require_POST
def inject_fault(request, account_id):
    account = selectors.get_account_for(request.user, account_id)
    form = FaultForm(request.POST)
    if form.is_valid():
        services.inject_fault(account=account, **form.cleaned_data)
        messages.success(request, "Sandbox fault armed.")
    return redirect("sandbox:feed", account_id=account.pk)


@sandbox_only
@login_required
@require_POST
def clear_faults(request, account_id):
    account = selectors.get_account_for(request.user, account_id)
    services.clear_faults(account=account)
    return redirect("sandbox:feed", account_id=account.pk)


@sandbox_only
@login_required
def media_file(request, pk):
    """What a sandbox platform received, as the feed shows it."""
    media = get_object_or_404(SandboxMedia, pk=pk)
    if not media.storage_name:
        raise Http404("nothing was stored for this media")
    return FileResponse(
        media_storage().open(media.storage_name, "rb"),
        content_type=media.content_type or "application/octet-stream",
    )
