"""With FAL_KEY: fal's queue API mocked at the HTTP transport (respx), its webhook signed with
a test Ed25519 key. The result file is downloaded through dropspace.http (requests: responses)."""

import base64
import hashlib
import io
import json
import time

import httpx
import pytest
import respx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from PIL import Image

from billing.models import MeteredUse
from launches.models import Launch
from media import generation
from media.models import MediaJob
from webhooks.models import Event

QUEUE = "https://queue.fal.run"
REQUEST_ID = "764cabcf-b745-4b3e-ae38-1200304cf45b"
CDN = "https://v3.fal.media/files/monkey/result.png"


@pytest.fixture(autouse=True)
def fal_key(settings, dns):
    settings.FAL_KEY = "test-key:secret"
    settings.SITE_URL = "http://127.0.0.1:8000"  # not public: jobs are polled
    dns["v3.fal.media"] = ["93.184.216.34"]
    dns["rest.alpha.fal.ai"] = ["93.184.216.35"]


@pytest.fixture
def launch(user):
    return Launch.objects.create(
        owner=user, name="Acme", product_description="Files in step.", platforms=["instagram"]
    )


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (1024, 1024), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def submitted(app_path="fal-ai/flux"):
    base = f"{QUEUE}/{app_path}/requests/{REQUEST_ID}"
    return {
        "request_id": REQUEST_ID,
        "response_url": base,
        "status_url": f"{base}/status",
        "cancel_url": f"{base}/cancel",
    }


def start(api, launch):
    response = api.post(
        "/v1/media/generate",
        {"type": "image", "launch_id": str(launch.pk), "prompt": "a bold card for Acme"},
        format="json",
    )
    assert response.status_code == 202, response.json()
    return response.json()["data"]["job_id"]


def test_queue_flow_in_queue_in_progress_completed_downloads_into_our_storage(
    api, launch, no_real_http
):
    no_real_http.get(CDN, body=png_bytes(), content_type="image/png")
    with respx.mock(assert_all_called=True) as fal:
        submit = fal.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            return_value=httpx.Response(200, json=submitted())
        )
        # The pitfall: status and result URLs drop the model's sub-path ("/dev").
        fal.get(f"{QUEUE}/fal-ai/flux/requests/{REQUEST_ID}/status").mock(
            side_effect=[
                httpx.Response(202, json={"status": "IN_QUEUE", "queue_position": 2}),
                httpx.Response(202, json={"status": "IN_PROGRESS", "logs": []}),
                httpx.Response(200, json={"status": "COMPLETED", "logs": [], "metrics": {}}),
                # fal_client.result() confirms COMPLETED once before it fetches the output.
                httpx.Response(200, json={"status": "COMPLETED", "logs": [], "metrics": {}}),
            ]
        )
        fal.get(f"{QUEUE}/fal-ai/flux/requests/{REQUEST_ID}").mock(
            return_value=httpx.Response(
                200, json={"images": [{"url": CDN, "width": 1024, "height": 1024}], "seed": 1}
            )
        )
        job_id = start(api, launch)
        progress = []
        for _ in range(3):
            assert generation.advance_job(job_id) is not None
            progress.append(api.get(f"/v1/media/{job_id}").json()["data"]["progress"])
        assert generation.advance_job(job_id) is None
    assert progress == sorted(progress)
    assert progress[0] < progress[-1] < 100
    body = json.loads(submit.calls[0].request.content)
    prompt = "a bold card for Acme\n\nProduct: Files in step."
    assert body == {"prompt": prompt, "num_images": 1, "image_size": "square_hd"}
    assert submit.calls[0].request.headers["authorization"] == "Key test-key:secret"
    assert "fal_webhook" not in str(submit.calls[0].request.url)  # not public: polled
    job = api.get(f"/v1/media/{job_id}").json()["data"]
    assert job["status"] == "completed"
    assert job["model_id"] == "fal-ai/flux/dev"
    assert job["result_url"].startswith("http://127.0.0.1:8000/media/files/")
    asset = MediaJob.objects.get(pk=job_id).asset
    assert asset.source == "generated"
    assert asset.fal_request_id == REQUEST_ID
    assert asset.source_url == CDN


def test_submit_is_sent_once_even_when_the_job_is_advanced_again(api, launch):
    with respx.mock() as fal:
        submit = fal.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            return_value=httpx.Response(200, json=submitted())
        )
        fal.get(f"{QUEUE}/fal-ai/flux/requests/{REQUEST_ID}/status").mock(
            return_value=httpx.Response(202, json={"status": "IN_QUEUE", "queue_position": 0})
        )
        job_id = start(api, launch)
        generation.advance_job(job_id)
        generation.advance_job(job_id)
        generation.advance_job(job_id)
    assert submit.call_count == 1
    assert MediaJob.objects.get(pk=job_id).fal_request_id == REQUEST_ID


def test_fal_429_on_submit_is_retried(api, launch):
    with respx.mock() as fal:
        submit = fal.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            side_effect=[
                httpx.Response(429, json={"detail": "rate limited"}),
                httpx.Response(200, json=submitted()),
            ]
        )
        job_id = start(api, launch)
        generation.advance_job(job_id)
    assert submit.call_count == 2
    assert MediaJob.objects.get(pk=job_id).fal_request_id == REQUEST_ID


def test_a_fal_error_fails_the_job_and_records_media_failed(api, launch):
    with respx.mock() as fal:
        fal.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            return_value=httpx.Response(200, json=submitted())
        )
        fal.get(f"{QUEUE}/fal-ai/flux/requests/{REQUEST_ID}/status").mock(
            return_value=httpx.Response(
                200,
                json={"status": "COMPLETED", "logs": [], "metrics": {}, "error": "NSFW content"},
            )
        )
        job_id = start(api, launch)
        generation.advance_job(job_id)
        assert generation.advance_job(job_id) is None
    job = api.get(f"/v1/media/{job_id}").json()["data"]
    assert job["status"] == "failed"
    assert "NSFW content" in job["error_message"]
    assert not MeteredUse.objects.exists()  # nothing was made: the job is not counted
    assert Event.objects.get(type="media.failed").data["error"] == job["error_message"]


def test_a_validation_error_from_fal_fails_the_job(api, launch):
    with respx.mock() as fal:
        fal.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            return_value=httpx.Response(422, json={"detail": [{"msg": "prompt too long"}]})
        )
        job_id = start(api, launch)
        generation.advance_job(job_id)
    job = MediaJob.objects.get(pk=job_id)
    assert job.status == "failed"
    assert "HTTP 422" in job.error_message


# --- webhooks ---------------------------------------------------------------------------------

KEY = Ed25519PrivateKey.generate()


def jwks():
    raw = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "test"}]}


def signed_headers(body: bytes, *, timestamp=None, key=KEY):
    timestamp = str(int(timestamp or time.time()))
    message = "\n".join(
        [REQUEST_ID, "user-1", timestamp, hashlib.sha256(body).hexdigest()]
    ).encode()
    return {
        "HTTP_X_FAL_WEBHOOK_REQUEST_ID": REQUEST_ID,
        "HTTP_X_FAL_WEBHOOK_USER_ID": "user-1",
        "HTTP_X_FAL_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_X_FAL_WEBHOOK_SIGNATURE": key.sign(message).hex(),
    }


@pytest.fixture
def submitted_job(api, launch, no_real_http):
    no_real_http.get(
        "https://rest.alpha.fal.ai/.well-known/jwks.json",
        json=jwks(),
        content_type="application/json",
    )
    with respx.mock() as fal:
        fal.post(f"{QUEUE}/fal-ai/flux/dev").mock(
            return_value=httpx.Response(200, json=submitted())
        )
        job_id = start(api, launch)
        generation.advance_job(job_id)
    return job_id


def test_a_signed_fal_webhook_completes_the_job(client, submitted_job, no_real_http):
    no_real_http.get(CDN, body=png_bytes(), content_type="image/png")
    body = json.dumps(
        {"request_id": REQUEST_ID, "status": "OK", "payload": {"images": [{"url": CDN}]}}
    ).encode()
    response = client.post(
        "/media/fal/webhook", body, content_type="application/json", **signed_headers(body)
    )
    assert response.status_code == 204
    job = MediaJob.objects.get(pk=submitted_job)
    assert job.status == "completed"
    assert job.asset.source == "generated"
    assert Event.objects.filter(type="media.ready").count() == 1


@pytest.mark.parametrize("forgery", ["other_key", "stale", "tampered"])
def test_an_unverified_fal_webhook_changes_nothing(client, submitted_job, forgery):
    body = json.dumps(
        {"request_id": REQUEST_ID, "status": "ERROR", "error": "forged", "payload": None}
    ).encode()
    headers = {
        "other_key": lambda: signed_headers(body, key=Ed25519PrivateKey.generate()),
        "stale": lambda: signed_headers(body, timestamp=time.time() - 3600),
        "tampered": lambda: signed_headers(b'{"status": "OK"}'),
    }[forgery]()
    response = client.post("/media/fal/webhook", body, content_type="application/json", **headers)
    assert response.status_code == 401
    job = MediaJob.objects.get(pk=submitted_job)
    assert job.status == "processing"
    assert not Event.objects.filter(type="media.failed").exists()


def test_a_reference_image_is_fetched_safely_and_given_to_the_edit_model(
    api, launch, no_real_http, dns
):
    dns["brand.example"] = ["93.184.216.36"]
    no_real_http.get("https://brand.example/style.png", body=png_bytes(), content_type="image/png")
    with respx.mock() as fal:
        submit = fal.post(f"{QUEUE}/fal-ai/flux-pro/kontext").mock(
            return_value=httpx.Response(200, json=submitted("fal-ai/flux-pro"))
        )
        response = api.post(
            "/v1/media/generate",
            {
                "type": "image",
                "launch_id": str(launch.pk),
                "prompt": "the same style, for Acme",
                "options": {"aspect_ratio": "4:5"},
                "reference_image_url": "https://brand.example/style.png",
            },
            format="json",
        )
        assert response.status_code == 202, response.json()
        job_id = response.json()["data"]["job_id"]
        generation.advance_job(job_id)
    body = json.loads(submit.calls[0].request.content)
    assert body["image_url"].startswith("data:image/png;base64,")
    assert body["aspect_ratio"] == "4:5"
    job = api.get(f"/v1/media/{job_id}").json()["data"]
    assert job["model_id"] == "fal-ai/flux-pro/kontext"
    assert job["reference_image_url"].startswith("http://127.0.0.1:8000/media/files/")


def test_a_reference_url_to_a_private_address_is_refused(api, launch, dns):
    dns["intranet.example"] = ["10.0.0.5"]
    response = api.post(
        "/v1/media/generate",
        {
            "type": "image",
            "launch_id": str(launch.pk),
            "prompt": "the same style, for Acme",
            "reference_image_url": "https://intranet.example/style.png",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "refused" in response.json()["error"]["message"]
    assert not MediaJob.objects.exists()
