"""Webhooks: record events, manage endpoints, deliver signed requests on a retry schedule."""

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from billing import services as billing
from dropspace import http
from dropspace.api.errors import ApiError, Code
from webhooks import catalog, selectors, signing, tasks
from webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Svix / Standard Webhooks schedule: the delay before attempt 2, 3, ... 8 (about 27.6 h in all).
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.1  # +-10 %: endpoints that failed together do not all retry in the same second
RETRY_STATUSES = {408, 429}
MAX_RETRY_AFTER = timedelta(hours=10)
# A row handed to a worker is not handed out again before this; longer than one attempt
# (15 s timeout), and short enough that work lost with a crashed worker is soon picked up.
LEASE = timedelta(seconds=60)
DISPATCH_BATCH = 500
# dropspace.http raises past this cap (no truncation), so keep it generous: a receiver that
# answers 2xx with a large body must still count as delivered.
MAX_RESPONSE_BYTES = 1024 * 1024
EXCERPT_CHARS = 1024
# Said wherever a localhost URL is refused: how a self-hoster tests a receiver on this machine.
LOOPBACK_HINT = (
    "a self-hosted dropspace can allow receivers on this machine for local testing "
    "with WEBHOOKS_ALLOW_LOOPBACK=true"
)
Status = WebhookDelivery.Status
Reason = WebhookEndpoint.DisabledReason


# --- Events -----------------------------------------------------------------------------------


def record_event(*, owner, type: str, data: dict) -> Event:
    """Record ``type`` for ``owner`` with one delivery per subscribed endpoint.

    Call it inside the service's ``transaction.atomic()`` block: the event and its deliveries
    exist if and only if the change they report was committed; sending starts after commit.
    Raises ValueError for a type missing from ``webhooks.catalog``.
    """
    if not catalog.is_known(type):
        raise ValueError(f"unknown webhook event type {type!r}: add it to webhooks.catalog")
    # No savepoint inside the caller's transaction (two statements fewer per event): a failure
    # here fails the caller's whole change, which is what "iff committed" asks anyway.
    with transaction.atomic(savepoint=False):
        event = Event.objects.create(owner=owner, type=type, data=data)
        endpoints = selectors.endpoints_subscribed_to(owner, type)
        _enqueue_deliveries(event, endpoints)
    return event


def _enqueue_deliveries(event: Event, endpoints) -> list[WebhookDelivery]:
    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            event=event,
            endpoint=endpoint,
            signing_secret=endpoint.secret,
            next_attempt_at=now,
            locked_until=now + LEASE,
            created_at=now,
        )
        for endpoint in endpoints
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    _send_after_commit([delivery.pk for delivery in deliveries])
    return deliveries


def _send_after_commit(delivery_ids: list) -> None:
    # robust: a broker outage must not break the caller's request; the poller picks the rows
    # up once their lease expires.
    if delivery_ids:
        transaction.on_commit(lambda: _send_now(delivery_ids), robust=True)


def _send_now(delivery_ids) -> None:
    for delivery_id in delivery_ids:
        tasks.send_delivery.delay(str(delivery_id))


# --- Endpoints --------------------------------------------------------------------------------


def create_endpoint(*, owner, url: str, events: list[str]) -> WebhookEndpoint:
    """Create an endpoint with a fresh secret (the caller shows ``endpoint.secret`` once)."""
    check_endpoint_url(url)
    events = _checked_events(events)
    with transaction.atomic():
        billing.ensure_room(
            account=owner,
            limit_name="webhook_endpoints",
            count=selectors.endpoints_visible_to(owner).count,
        )
        return WebhookEndpoint.objects.create(
            owner=owner, url=url, events=events, secret=signing.new_secret()
        )


def update_endpoint(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change the URL, the subscriptions or the active flag; enabling clears a disable."""
    if url is not None:
        check_endpoint_url(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = _checked_events(events)
    if active is True and not endpoint.active:
        endpoint.active, endpoint.disabled_reason = True, Reason.NONE
        endpoint.disabled_at = endpoint.failing_since = None
    elif active is False and endpoint.active:
        endpoint.active, endpoint.disabled_reason = False, Reason.MANUAL
        endpoint.disabled_at = timezone.now()
    endpoint.save()
    return endpoint


def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def rotate_endpoint_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """New secret at once; deliveries already enqueued keep the secret they were given."""
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


def send_test_event(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send ``webhook.test`` to this endpoint only, whatever it subscribes to."""
    _require_active(endpoint)
    with transaction.atomic():
        event = Event.objects.create(
            owner_id=endpoint.owner_id,
            type=catalog.TEST_EVENT,
            data={"webhook_id": str(endpoint.pk), "message": "test event from dropspace"},
        )
        (delivery,) = _enqueue_deliveries(event, [endpoint])
    return delivery


def redeliver_delivery(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery again now, restarting its retry schedule.

    It keeps its id (``X-Webhook-Delivery``) and event id, and is signed with the endpoint's
    current secret: a redeliver is asked for now, by someone who has the current secret.
    """
    endpoint = delivery.endpoint
    _require_active(endpoint)
    now = timezone.now()
    with transaction.atomic():
        delivery.status, delivery.schedule_step = Status.PENDING, 0
        delivery.next_attempt_at, delivery.locked_until = now, now + LEASE
        delivery.signing_secret, delivery.last_error = endpoint.secret, ""
        delivery.save()
        _send_after_commit([delivery.pk])
    return delivery


def check_endpoint_url(url: str) -> None:
    """Refuse anything but https to a public address (plain http to localhost when allowed)."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and http.is_loopback_url(url)):
        raise _url_error("must be an https URL")
    if parts.username or parts.password:
        raise _url_error("must not contain credentials")
    try:
        http.check_url(url, allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK)
    except http.LoopbackURLError as exc:
        raise _url_error(f"{exc}; {LOOPBACK_HINT}") from exc
    except http.UnsafeURLError as exc:
        raise _url_error(str(exc)) from exc
    except http.FetchError as exc:
        raise _url_error("the host name does not resolve") from exc


def _url_error(message: str) -> ApiError:
    return ApiError(
        Code.SERVER_002, f"url: {message}", details=[{"field": "url", "message": message}]
    )


def _checked_events(events: list[str]) -> list[str]:
    unknown = [name for name in events if not catalog.is_known(name)]
    if unknown:
        message = f"unknown event type {unknown[0]!r}"
        raise ApiError(
            Code.SERVER_002, f"events: {message}", details=[{"field": "events", "message": message}]
        )
    if not events:
        raise ApiError(Code.SERVER_002, "events: subscribe to at least one event type")
    return list(dict.fromkeys(events))


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.active:
        raise ApiError(Code.SERVER_005, "the webhook is disabled: enable it first")


# --- Delivery ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    started_at: object
    duration_ms: int
    response_status: int | None = None
    excerpt: str = ""
    error: str = ""
    retry_after: timedelta | None = None

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300


def dispatch_due_deliveries() -> int:
    """Hand every due, unleased delivery to a worker; the beat poller calls it every few s."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)  # several pollers never share rows
        ids = list(due[:DISPATCH_BATCH])
        WebhookDelivery.objects.filter(pk__in=ids).update(locked_until=now + LEASE)
        _send_after_commit(ids)
    return len(ids)


def attempt_delivery(*, delivery_id) -> WebhookDelivery | None:
    """Make the delivery's due attempt. A no-op when it is not due or another worker has it."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    outcome = _send(delivery)
    _record_outcome(delivery, outcome)
    return delivery


def _claim(delivery_id) -> WebhookDelivery | None:
    now = timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status != Status.PENDING:
        return None
    if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
        return None
    pending = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=Status.PENDING, attempts=delivery.attempts
    )
    if not delivery.endpoint.active:
        pending.update(
            status=Status.FAILED,
            next_attempt_at=None,
            signing_secret="",
            last_error="endpoint disabled",
        )
        return None
    # Compare-and-set on the attempt count: of two workers holding the same id, one sends.
    claimed = pending.update(
        attempts=F("attempts") + 1, schedule_step=F("schedule_step") + 1, locked_until=now + LEASE
    )
    if not claimed:
        return None
    delivery.attempts += 1
    delivery.schedule_step += 1
    return delivery


def _send(delivery: WebhookDelivery) -> Outcome:
    event, endpoint = delivery.event, delivery.endpoint
    body = json.dumps(event.envelope(), separators=(",", ":"), cls=DjangoJSONEncoder).encode()
    started_at = timezone.now()
    headers = signing.signed_headers(
        secret=delivery.signing_secret,
        msg_id=event.pk,
        timestamp=int(started_at.timestamp()),
        body=body,
        event_type=event.type,
        delivery_id=str(delivery.pk),
    )
    clock = time.monotonic()
    outcome = Outcome(started_at=started_at, duration_ms=0)
    try:
        result = http.fetch(
            endpoint.url,
            method="POST",
            headers=headers,
            data=body,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            max_bytes=MAX_RESPONSE_BYTES,
            truncate=True,  # a large 2xx answer is still a delivery; we keep an excerpt
            max_redirects=0,  # a 3xx is a failure: following it could reach anywhere
            allow_loopback=settings.WEBHOOKS_ALLOW_LOOPBACK,
        )
    except http.UnsafeURLError as exc:
        outcome.error = f"refused: {exc}"[:255]
    except http.FetchError as exc:
        outcome.error = str(exc)[:255]
    else:
        outcome.response_status = result.status
        outcome.excerpt = result.text[:EXCERPT_CHARS]
        outcome.retry_after = _retry_after(result.headers.get("retry-after"))
        if 300 <= result.status < 400:
            outcome.error = f"redirect to {result.headers.get('location', '?')} not followed"[:255]
    outcome.duration_ms = int((time.monotonic() - clock) * 1000)
    return outcome


def _retry_after(value: str | None) -> timedelta | None:
    if value and value.strip().isdigit():
        return min(timedelta(seconds=int(value.strip())), MAX_RETRY_AFTER)
    return None


def _record_outcome(delivery: WebhookDelivery, outcome: Outcome) -> None:
    now = timezone.now()
    status, next_attempt_at = _next_step(delivery, outcome, now)
    soon = status == Status.PENDING and next_attempt_at - now < LEASE
    with transaction.atomic():
        # An update, not save(): if the endpoint was deleted meanwhile, nothing is written.
        # A finished delivery no longer needs its copy of the secret (a redeliver takes the
        # endpoint's current one), so it is not kept.
        finished = {"signing_secret": ""} if status != Status.PENDING else {}
        updated = WebhookDelivery.objects.filter(pk=delivery.pk).update(
            **finished,
            status=status,
            next_attempt_at=next_attempt_at,
            locked_until=next_attempt_at + LEASE if soon else None,
            response_status=outcome.response_status,
            last_error=outcome.error,
            delivered_at=now if status == Status.DELIVERED else delivery.delivered_at,
            updated_at=now,
        )
        if not updated:
            return
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            response_status=outcome.response_status,
            response_excerpt=outcome.excerpt,
            error=outcome.error,
        )
        _update_endpoint_health(delivery.endpoint, outcome, now)
        if soon:
            # The 5 s step: a short countdown (far below the broker's visibility timeout) is
            # more punctual than the next poller round; the lease keeps the poller off it,
            # and brings it back if this message is lost.
            wait = (next_attempt_at - now).total_seconds()
            transaction.on_commit(
                lambda: tasks.send_delivery.apply_async((str(delivery.pk),), countdown=wait),
                robust=True,
            )


def _next_step(delivery: WebhookDelivery, outcome: Outcome, now):
    """(status, next_attempt_at) after an attempt, per the retry rules."""
    code = outcome.response_status
    if outcome.succeeded:
        return Status.DELIVERED, None
    retryable = code is None or code in RETRY_STATUSES or 300 <= code < 400 or code >= 500
    if not retryable or delivery.schedule_step >= MAX_ATTEMPTS:
        return Status.FAILED, None
    delay = RETRY_DELAYS[delivery.schedule_step - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311
    if outcome.retry_after:
        delay = max(delay, outcome.retry_after)
    return Status.PENDING, now + delay


def _update_endpoint_health(endpoint: WebhookEndpoint, outcome: Outcome, now) -> None:
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if outcome.succeeded:
        if endpoint.failing_since is not None:
            endpoints.update(failing_since=None)
        return
    if outcome.response_status == 410:
        _disable_endpoint(endpoint, Reason.GONE, now)
        return
    endpoints.filter(failing_since__isnull=True).update(failing_since=now)
    endpoint.refresh_from_db(fields=["failing_since", "active"])
    cutoff = now - timedelta(days=settings.WEBHOOKS_DISABLE_AFTER_DAYS)
    if endpoint.active and endpoint.failing_since <= cutoff:
        _disable_endpoint(endpoint, Reason.FAILING, now)


def _disable_endpoint(endpoint: WebhookEndpoint, reason: str, now) -> None:
    """Disable the endpoint and tell its owner (dashboard notice + email)."""
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_reason=reason, disabled_at=now, updated_at=now
    )
    if disabled:
        logger.info("webhook endpoint %s disabled: %s", endpoint.pk, reason)
        transaction.on_commit(lambda: _email_disabled(endpoint.pk), robust=True)


def purge_old_events() -> int:
    """Delete events (and their delivery logs) past the retention period, unless pending."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOKS_RETENTION_DAYS)
    pending = WebhookDelivery.objects.filter(event=OuterRef("pk"), status=Status.PENDING)
    old = Event.objects.filter(created_at__lt=cutoff).exclude(Exists(pending))
    deleted, _ = old.delete()
    return deleted


def _email_disabled(endpoint_id) -> None:
    endpoint = WebhookEndpoint.objects.select_related("owner").get(pk=endpoint_id)
    reason = Reason(endpoint.disabled_reason).label
    send_mail(
        subject="dropspace: a webhook endpoint was disabled",
        message=(
            f"Your webhook endpoint {endpoint.url} was disabled: {reason}.\n"
            f"Fix the receiver, then enable it again at {settings.SITE_URL}"
            f"{reverse('webhooks:detail', args=[endpoint.pk])}"
        ),
        from_email=None,
        recipient_list=[endpoint.owner.email],
    )
