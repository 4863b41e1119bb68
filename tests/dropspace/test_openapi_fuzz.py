"""schemathesis over the whole /openapi.json: the document describes exactly what the server does.

Every operation is fuzzed through the real WSGI application (every middleware included) with the
demo account's key holding every scope. schemathesis's checks run on every answer: no 5xx; every
status, header, content type and body as documented; schema-valid requests accepted and invalid
ones rejected. Path parameters point at real objects of the account (a launch that can publish,
a failed post, a persona, a webhook and its delivery, a second key), so operations get past the
404. Each generated request runs in a savepoint that is rolled back, so no request sees another's
writes (quotas such as "10 active keys" never fill up) and nothing leaks out of the test.
"""

import re

import pytest
import responses
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.management.commands.create_demo_account import DEMO_EMAIL
from accounts.models import User
from developer import services as developer_services
from developer.models import Scope
from dropspace.wsgi import application
from launches.models import PostingLog
from personas.models import Persona
from tests.conftest import PUBLIC_IP
from tests.launches.factories import LaunchFactory, PostingLogFactory
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from webhooks.signing import new_secret

# Bounded so the whole run stays around a minute on two CPUs.
EXAMPLES_PER_OPERATION = 10

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
        },
        "phases": {
            # Each operation on its own: a stateful chain could revoke or rotate its own key.
            "stateful": {"enabled": False},
            # The coverage phase tries every boundary of every field (hundreds of requests for a
            # launch): too slow for `make test`; the fuzzing phase still reaches the boundaries.
            "coverage": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/openapi.json", application, config=CONFIG)
DEMO_KEY: dict[str, str] = {}  # the raw key of the running test's demo account


@schema.auth(refresh_interval=None)  # a fresh key per test: never cached across tests
class DemoKey:
    """The demo account's key as the credential: schemathesis then also checks that the same
    request without it, or with a wrong one, is refused."""

    def get(self, case, context):
        return DEMO_KEY["raw"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# Rules the server applies that a JSON schema cannot state, because they depend on the clock, on
# another field or on the objects already there: (method, path) -> error message fragments.
# A schema-valid request refused with one of these is a correct answer, anything else is a bug.
LAUNCH_RULES = [
    "at least 15 minutes from now",  # scheduled_date: the clock
    "is not in platforms",  # a posting target must be one of the launch's platforms
    "must be a subset of platforms",  # so must media_attach_platforms
    "is not one of your connected accounts",  # user_platform_accounts: the account's connections
    "is only used with",  # custom_content_reddit_title needs custom_content
    "is required when reddit is in platforms",  # ... and custom_content to reddit needs it
    # Inline media: what the bytes are, or what the URL's server answers.
    "UPLOAD_001",  # the (well-formed) base64 or the fetched file is not an allowed image/video
    "could not fetch",  # source "url": the host does not answer
    "answered HTTP",  # source "url": the host answers 4xx/5xx
]
# A file (``content``, or the multipart upload) is read by the server: what its columns and rows
# are cannot be in the schema. (``launches``, the same rows as objects, is described exactly, so
# a request with it gets no allowance.)
IMPORT_FILE_RULES = [
    "unknown column",
    "needs a title column",
    "has no launches in it",
    "cannot be read",
    "is not UTF-8 text",
    "more values than the header",
    "must be a list of launch objects",
    "launches; import at most",
]
STATEFUL_RULES = {
    ("POST", "/v1/launches"): LAUNCH_RULES,
    ("PATCH", "/v1/launches/{launch_id}"): LAUNCH_RULES,
    ("POST", "/v1/launches/{launch_id}/generate-content"): ["is not one of this launch's"],
    ("POST", "/v1/launches/{launch_id}/retry-content"): ["no failed platforms to retry"],
    # `format: uri` admits any scheme ("webhooks:list"); the server wants a web address. A
    # script video needs a platform and a prompt (a rule across fields, like the ones above).
    ("POST", "/v1/media/generate"): ["Enter a valid URL.", "script_video needs"],
}


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def nothing_leaves_the_machine():
    """Generated URLs (media, product pages) are fetched through dropspace.http (requests):
    every one answers 404 here instead of reaching the fake public address."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, re.compile(r"https?://.*"), status=404)
        mock.add(responses.POST, re.compile(r"https?://.*"), status=404)
        yield mock


@pytest.fixture
def keep_test_connection():
    """Requests go through the real WSGI handler, whose request signals close the database
    connection (CONN_MAX_AGE 0), which would end the test's transaction on PostgreSQL; Django's
    test client disconnects the same handler for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo(db, settings, plan_limits, dns, make_platform_connection, keep_test_connection):
    """The demo account, a key with every scope and one object of each kind it owns."""
    # Key auth only, as in production without a facilitator: a request without a key is 401
    # (with the embedded sandbox facilitator it would be x402's 402, tested in tests/billing).
    settings.X402_FACILITATOR_URL = ""
    plan_limits(api_requests_per_minute=1_000_000)  # fuzzing is not abuse: no 429s
    # Any generated host is public; this machine's services (Redis, PostgreSQL) resolve as
    # they are, or their clients would connect to the fake public address.
    dns.answer = lambda host: None if host in LOCAL_HOSTS else dns.get(host, [PUBLIC_IP])
    call_command("create_demo_account", stdout=open("/dev/null", "w"))  # noqa: SIM115
    user = User.objects.get(email=DEMO_EMAIL)
    _, raw = developer_services.create_api_key(
        owner=user, granter=user, name="fuzz", scopes=[scope.value for scope in Scope]
    )
    spare_key, _ = developer_services.create_api_key(
        owner=user, granter=user, name="spare", scopes=["read"]
    )
    x_account = make_platform_connection("twitter", owner=user)
    launch = LaunchFactory(owner=user, user_platform_accounts={"twitter": str(x_account.pk)})
    log = PostingLogFactory(launch=launch, status=PostingLog.Status.FAILED)
    persona = Persona.objects.create(owner=user, name="Acme", description="dev tools")
    endpoint = WebhookEndpoint.objects.create(
        owner=user, url="https://hooks.example.com/in", events=["launch.completed"]
    )
    endpoint.secret = new_secret()
    endpoint.save()
    event = Event.objects.create(owner=user, type="launch.completed", data={"id": "x"})
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    ids = {
        "launch_id": launch.pk,
        "log_id": log.pk,
        "persona_id": persona.pk,
        "webhook_id": endpoint.pk,
        "delivery_id": delivery.pk,
        "key_id": spare_key.pk,
    }
    DEMO_KEY["raw"] = raw
    yield {name: str(value) for name, value in ids.items()}
    DEMO_KEY.clear()


def sends_a_file(case) -> bool:
    if case.media_type and case.media_type.startswith("multipart/"):
        return True
    return isinstance(case.body, dict) and "content" in case.body


def refused_by_a_stateful_rule(case, response) -> bool:
    fragments = STATEFUL_RULES.get((case.operation.method.upper(), case.operation.path), [])
    if case.operation.path == "/v1/launches/import" and sends_a_file(case):
        fragments = IMPORT_FILE_RULES
    if response.status_code != 400 or not fragments:
        return False
    message = str(response.json()["error"])
    return any(fragment in message for fragment in fragments)


@schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_does_what_the_openapi_document_says(case, demo):
    ids = demo
    if case.meta is None or case.meta.generation.mode.is_positive:
        case.path_parameters = {
            name: ids.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
    with transaction.atomic():
        response = case.call()
        transaction.set_rollback(True)
    excluded = [positive_data_acceptance] if refused_by_a_stateful_rule(case, response) else []
    case.validate_response(response, excluded_checks=excluded)
