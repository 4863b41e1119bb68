"""Dashboard -> Settings -> API keys: thin pages over developer.services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing import selectors as billing_selectors
from developer import selectors, services
from developer.forms import ApiKeyCreateForm, ApiKeyRenameForm
from developer.models import ApiKey
from dropspace.api.errors import ApiError, Code


def _page(request, form, **extra):
    api_keys = list(selectors.api_keys_visible_to(request.user))
    context = {
        "form": form,
        "api_keys": api_keys,
        "active_count": sum(1 for api_key in api_keys if api_key.is_active),
        "max_active": billing_selectors.limit_of(request.user, "api_keys"),
        **extra,
    }
    return render(request, "developer/keys.html", context)


def _get_active_key(request, key_id) -> ApiKey:
    try:
        return selectors.get_active_api_key_for_user(request.user, key_id)
    except ApiError:
        raise Http404("api key not found") from None


def _add_service_error(form, error: ApiError) -> None:
    """Show a service's message next to the field it is about."""
    if error.code is Code.SERVER_009 or error.message.startswith("name"):
        form.add_error("name", error.message)
    elif error.message.startswith("scopes") and "scopes" in form.fields:
        form.add_error("scopes", error.message.removeprefix("scopes: "))
    else:
        form.add_error(None, error.message)


@login_required
@require_GET
def keys(request):
    return _page(request, ApiKeyCreateForm())


@never_cache  # the response carries the raw key: never keep it in a cache
@login_required
@require_POST
def create(request):
    form = ApiKeyCreateForm(request.POST)
    if form.is_valid():
        try:
            api_key, raw_key = services.create_api_key(
                owner=request.user,
                granter=request.user,  # the person may grant any scope; keys only their own
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ApiError as error:
            _add_service_error(form, error)
        else:
            # Rendered, not redirected: the raw key exists only in this response.
            return _page(request, ApiKeyCreateForm(), created_key=api_key, raw_key=raw_key)
    return _page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def rename(request, key_id):
    api_key = _get_active_key(request, key_id)
    form = ApiKeyRenameForm(request.POST or None, initial={"name": api_key.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_api_key(api_key=api_key, name=form.cleaned_data["name"])
        except ApiError as error:
            _add_service_error(form, error)
        else:
            if request.htmx:
                return render(request, "developer/keys.html#key-row", {"api_key": api_key})
            messages.success(request, f"Key renamed to “{api_key.name}”.")
            return redirect("developer:keys")
    if request.htmx:
        context = {"api_key": api_key, "editing": True, "rename_form": form}
        return render(request, "developer/keys.html#key-row", context)
    return render(request, "developer/rename.html", {"api_key": api_key, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, key_id):
    api_key = _get_active_key(request, key_id)
    if request.method == "GET":  # the confirmation: in the row with htmx, else its own page
        if request.htmx:
            return render(
                request, "developer/keys.html#key-row", {"api_key": api_key, "confirming": True}
            )
        return render(request, "developer/revoke.html", {"api_key": api_key})
    services.revoke_api_key(api_key=api_key)
    if request.htmx:
        # The revoked row, plus the "N of 10 active keys" line swapped out-of-band.
        active = selectors.api_keys_visible_to(request.user).filter(revoked_at__isnull=True)
        count = {
            "active_count": active.count(),
            "max_active": billing_selectors.limit_of(request.user, "api_keys"),
        }
        return HttpResponse(
            render_to_string("developer/keys.html#key-row", {"api_key": api_key}, request)
            + render_to_string("developer/keys.html#key-count", {**count, "oob": True}, request)
        )
    messages.success(request, f"Key “{api_key.name}” revoked. Requests using it now get 401.")
    return redirect("developer:keys")
