"""Settings -> Webhooks: the dashboard over the same services and selectors as the API."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from billing import selectors as billing_selectors
from dropspace.api.errors import ApiError
from webhooks import catalog, selectors, services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint

LOG_PAGE_SIZE = 20
NEW_SECRET_KEY = "webhooks_new_secret"  # session: {endpoint id: secret}, popped when shown


@login_required
def endpoint_list(request):
    return _render_list(request, EndpointForm())


@login_required
@require_POST
def create(request):
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint = services.create_endpoint(owner=request.user, **form.cleaned_data)
        except ApiError as error:
            _add_error(form, error)
        else:
            _remember_secret(request, endpoint)
            return redirect("webhooks:detail", endpoint_id=endpoint.pk)
    return _render_list(request, form)


@login_required
def detail(request, endpoint_id):
    endpoint = _endpoint(request, endpoint_id)
    form = EndpointForm(initial={"url": endpoint.url, "events": endpoint.events})
    return _render_detail(request, endpoint, form)


@login_required
@require_POST
def edit(request, endpoint_id):
    endpoint = _endpoint(request, endpoint_id)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.update_endpoint(endpoint=endpoint, **form.cleaned_data)
        except ApiError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("webhooks:detail", endpoint_id=endpoint.pk)
    endpoint.refresh_from_db()
    return _render_detail(request, endpoint, form)


@login_required
@require_POST
def toggle(request, endpoint_id):
    endpoint = _endpoint(request, endpoint_id)
    services.update_endpoint(endpoint=endpoint, active=not endpoint.active)
    messages.success(request, "Webhook enabled." if endpoint.active else "Webhook disabled.")
    return redirect("webhooks:detail", endpoint_id=endpoint.pk)


@login_required
@require_POST
def rotate(request, endpoint_id):
    endpoint = services.rotate_endpoint_secret(endpoint=_endpoint(request, endpoint_id))
    _remember_secret(request, endpoint)
    return redirect("webhooks:detail", endpoint_id=endpoint.pk)


@login_required
@require_POST
def send_test(request, endpoint_id):
    endpoint = _endpoint(request, endpoint_id)
    try:
        services.send_test_event(endpoint=endpoint)
    except ApiError as error:
        return _after_log_action(request, endpoint, error.message, level=messages.ERROR)
    sent = (
        "Test event sent. It is at the top of Deliveries below and shows “delivered” "
        "once your endpoint answers with a 2xx."
    )
    return _after_log_action(request, endpoint, sent)


@login_required
@require_POST
def redeliver(request, endpoint_id, delivery_id):
    try:
        delivery = selectors.get_delivery_for_user(request.user, endpoint_id, delivery_id)
        services.redeliver_delivery(delivery=delivery)
    except ApiError as error:
        if error.status == 404:
            raise Http404(error.message) from error
        endpoint = _endpoint(request, endpoint_id)
        return _after_log_action(request, endpoint, error.message, level=messages.ERROR)
    sent = "Delivery queued again: it is sent now, with a fresh retry schedule."
    return _after_log_action(request, _endpoint(request, endpoint_id), sent)


@login_required
@require_POST
def delete(request, endpoint_id):
    services.delete_endpoint(endpoint=_endpoint(request, endpoint_id))
    messages.success(request, "Webhook deleted.")
    return redirect("webhooks:list")


def docs(request):
    """The webhook guide: events and payloads, headers, verifying signatures, retries."""
    return render(
        request,
        "webhooks/docs.html",
        {
            "event_types": [
                (event, _pretty(event.example)) for event in catalog.EVENT_TYPES.values()
            ],
            "schedule": [_duration(delay) for delay in services.RETRY_DELAYS],
            "max_attempts": services.MAX_ATTEMPTS,
            "disable_after_days": settings.WEBHOOKS_DISABLE_AFTER_DAYS,
            "timeout": int(settings.WEBHOOKS_TIMEOUT_SECONDS),
        },
    )


def _endpoint(request, endpoint_id) -> WebhookEndpoint:
    try:
        return selectors.get_endpoint_for_user(request.user, endpoint_id)
    except ApiError as error:
        raise Http404(error.message) from error


def _render_list(request, form):
    endpoints = list(selectors.endpoints_visible_to(request.user))
    limit = billing_selectors.limit_of(request.user, "webhook_endpoints")
    context = {
        "endpoints": endpoints,
        "disabled": [endpoint for endpoint in endpoints if endpoint.auto_disabled],
        "form": form,
        "at_limit": limit is not None and len(endpoints) >= limit,
        "max_endpoints": limit,
        "loopback_allowed": settings.WEBHOOKS_ALLOW_LOOPBACK,
    }
    return render(request, "webhooks/list.html", context)


def _render_detail(request, endpoint, form):
    secrets = request.session.get(NEW_SECRET_KEY, {})
    new_secret = secrets.pop(str(endpoint.pk), None)
    if new_secret:
        request.session[NEW_SECRET_KEY] = secrets
    context = {"endpoint": endpoint, "form": form, "new_secret": new_secret}
    context.update(_log_context(request, endpoint))
    if request.htmx and request.htmx.target == "delivery-log":
        return render(request, "webhooks/detail.html#delivery-log", context)
    return render(request, "webhooks/detail.html", context)


def _log_context(request, endpoint) -> dict:
    page = Paginator(selectors.deliveries_with_attempts(endpoint), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for delivery in page:
        delivery.payload = _pretty(delivery.event.envelope())
    return {"page": page, "has_pending": any(d.status == "pending" for d in page)}


def _after_log_action(request, endpoint, notice: str, *, level=messages.SUCCESS):
    """The refreshed log and a line saying what happened (out-of-band with htmx)."""
    if not request.htmx:
        messages.add_message(request, level, notice)
        return redirect("webhooks:detail", endpoint_id=endpoint.pk)
    kind = "error" if level == messages.ERROR else "success"
    context = {"endpoint": endpoint, **_log_context(request, endpoint)}
    notice_context = {"notice": notice, "notice_kind": kind, "oob": True}
    return HttpResponse(
        render_to_string("webhooks/detail.html#delivery-log", context, request)
        + render_to_string("webhooks/detail.html#log-notice", notice_context, request)
    )


def _remember_secret(request, endpoint) -> None:
    # The secret goes through the session (server-side) so the page after the redirect can
    # show it once; it is removed from the session as soon as it has been shown.
    request.session[NEW_SECRET_KEY] = {
        **request.session.get(NEW_SECRET_KEY, {}),
        str(endpoint.pk): endpoint.secret,
    }


def _add_error(form, error: ApiError) -> None:
    field = (error.details or [{}])[0].get("field")
    message = error.details[0]["message"] if field in form.fields else error.message
    form.add_error(field if field in form.fields else None, message)


def _duration(delay) -> str:
    seconds = int(delay.total_seconds())
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _pretty(value) -> str:
    return json.dumps(value, indent=2)
