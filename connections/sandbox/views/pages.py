"""Sandbox pages for people: each account's feed, and fault injection."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from connections.sandbox import selectors, services
from connections.sandbox.models import SandboxAccount, SandboxFault, SandboxMedia, SandboxPost
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
def post(request, post_id):
    """One sandbox post as its platform would show it: where the dashboard's "View post"
    leads for a sandbox account (the real platform has never seen it)."""
    visible = SandboxPost.objects.filter(account__in=selectors.accounts_visible_to(request.user))
    # A stranger's post reads like a missing one.
    item = get_object_or_404(visible.select_related("account"), post_id=post_id)
    replies = SandboxPost.objects.filter(account=item.account, reply_to=item.post_id)
    return render(
        request,
        "sandbox/post.html",
        {"post": item, "account": item.account, "replies": replies},
        status=410 if item.deleted_at else 200,
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
    visible = SandboxMedia.objects.filter(account__in=selectors.accounts_visible_to(request.user))
    media = get_object_or_404(visible, pk=pk)
    if not media.storage_name:
        raise Http404("nothing was stored for this media")
    return FileResponse(
        media_storage().open(media.storage_name, "rb"),
        content_type=media.content_type or "application/octet-stream",
    )


@sandbox_only
def picture(request, account_id):
    """An account's profile picture, public like a platform CDN's (the app fetches it)."""
    account = get_object_or_404(SandboxAccount, pk=account_id)
    response = HttpResponse(services.draw_picture(account), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
