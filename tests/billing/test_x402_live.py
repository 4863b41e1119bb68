"""x402 end to end: the official x402 Python client (x402_requests + an eth-account key)
against a live server whose facilitator is the sandbox one (real EIP-712 verification)."""

import base64
import json

import pytest
import requests
from eth_account import Account
from x402 import x402ClientSync
from x402.http.clients import x402_requests
from x402.http.utils import decode_payment_response_header
from x402.mechanisms.evm import EthAccountSigner
from x402.mechanisms.evm.exact import register_exact_evm_client

from billing.models import Wallet, X402Payment
from connections.sandbox.models import SandboxX402Fault, SandboxX402Settlement
from launches.models import Launch

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 60  # the live server's first request imports the whole project
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
LAUNCH = {
    "title": "Acme",
    "product_description": "Acme turns invoices into payments. One click.",
    "platforms": ["twitter"],
    "dropspace_platforms": ["twitter"],
    "custom_content": "Acme is live: invoices into payments in one click.",
}


@pytest.fixture
def server(settings, live_server, make_platform_connection):
    settings.SITE_URL = live_server.url
    settings.SANDBOX_ENABLED = True
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.X402_FACILITATOR_URL = f"{live_server.url}/sandbox/x402/facilitator"
    settings.X402_PAY_TO = PAY_TO
    make_platform_connection("twitter", owner=None)  # dropspace's official X account
    return live_server


def agent(account=None) -> requests.Session:
    client = x402ClientSync()
    register_exact_evm_client(client, EthAccountSigner(account or Account.create()))
    return x402_requests(client)


def create(session, server, **changes):
    return session.post(f"{server.url}/v1/launches", json={**LAUNCH, **changes}, timeout=TIMEOUT)


def test_without_key_or_payment_the_402_speaks_x402_v1_and_v2(server):
    response = requests.get(f"{server.url}/v1/launches", timeout=TIMEOUT)
    assert response.status_code == 402
    body = response.json()
    assert body["error"]["code"] == "PAYMENT_001"
    assert body["x402Version"] == 1
    [v1] = body["accepts"]
    assert v1["network"] == "base"
    assert v1["maxAmountRequired"] == "500000"
    assert v1["asset"] == "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
    assert v1["payTo"] == PAY_TO
    assert v1["resource"] == f"{server.url}/v1/launches"
    assert v1["description"]
    assert v1["extra"] == {"name": "USD Coin", "version": "2"}
    v2 = json.loads(base64.b64decode(response.headers["PAYMENT-REQUIRED"]))
    assert v2["x402Version"] == 2
    [accepted] = v2["accepts"]
    assert accepted["network"] == "eip155:8453"
    assert accepted["amount"] == "500000"
    assert accepted["payTo"] == PAY_TO
    assert v2["resource"]["description"]


def test_other_endpoints_without_a_key_stay_401(server):
    response = requests.get(f"{server.url}/v1/personas", timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"


def test_agent_creates_reads_and_publishes_with_no_account_free_tier_first(server):
    session = agent()
    response = create(session, server)
    assert response.status_code == 201, response.text
    launch_id = response.json()["data"]["id"]
    assert "PAYMENT-RESPONSE" not in response.headers  # free: nothing settled
    assert response.headers["X-RateLimit-Limit"] == "30"

    listed = session.get(f"{server.url}/v1/launches", timeout=TIMEOUT)
    assert [item["id"] for item in listed.json()["data"]] == [launch_id]
    assert session.get(f"{server.url}/v1/launches/{launch_id}", timeout=TIMEOUT).status_code == 200
    patched = session.patch(
        f"{server.url}/v1/launches/{launch_id}", json={"name": "Acme 2"}, timeout=TIMEOUT
    )
    assert patched.status_code == 200
    assert patched.json()["data"]["name"] == "Acme 2"
    published = session.post(f"{server.url}/v1/launches/{launch_id}/publish", timeout=TIMEOUT)
    assert published.status_code == 202, published.text
    status = session.get(f"{server.url}/v1/launches/{launch_id}/status", timeout=TIMEOUT)
    assert status.status_code == 200
    usage = session.get(f"{server.url}/v1/usage", timeout=TIMEOUT).json()["data"]
    assert usage["limits"]["launches_per_month"] == {"limit": 3, "used": 1, "remaining": 2}

    wallet = Wallet.objects.get()
    assert Launch.objects.get(pk=launch_id).owner == wallet.user
    assert not wallet.user.has_usable_password()
    assert not SandboxX402Settlement.objects.exists()
    assert X402Payment.objects.filter(status=X402Payment.Status.VERIFIED).count() == 7


def test_fourth_creation_is_settled_and_says_so(server):
    session = agent()
    for _ in range(3):
        assert create(session, server).status_code == 201
    assert not SandboxX402Settlement.objects.exists()

    response = create(session, server)
    assert response.status_code == 201, response.text
    settlement = decode_payment_response_header(response.headers["PAYMENT-RESPONSE"])
    assert settlement.success
    assert settlement.transaction.startswith("sandbox:0x")
    assert settlement.network == "eip155:8453"
    recorded = SandboxX402Settlement.objects.get()
    assert recorded.amount == "500000"
    assert recorded.pay_to == PAY_TO
    payment = X402Payment.objects.get(status=X402Payment.Status.SETTLED)
    assert payment.launch_id == response.json()["data"]["id"]
    assert payment.transaction == settlement.transaction
    assert Launch.objects.count() == 4


def test_settlement_failure_leaves_no_launch(server):
    account = Account.create()
    session = agent(account)
    for _ in range(3):
        assert create(session, server).status_code == 201
    SandboxX402Fault.objects.create(payer=account.address)

    response = create(session, server, title="Never")
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "PAYMENT_002"
    failed = decode_payment_response_header(response.headers["PAYMENT-RESPONSE"])
    assert not failed.success
    assert failed.error_reason == "invalid_exact_evm_insufficient_balance"
    assert not Launch.objects.filter(name="Never").exists()
    assert Launch.objects.count() == 3
    assert X402Payment.objects.get(status=X402Payment.Status.SETTLEMENT_FAILED).launch_id == ""


def paid_header(server, account) -> dict:
    """One signed v2 payment for GET /v1/launches, as the official client would send it."""
    unpaid = requests.get(f"{server.url}/v1/launches", timeout=TIMEOUT)
    client = x402ClientSync()
    register_exact_evm_client(client, EthAccountSigner(account))
    from x402.http import x402HTTPClientSync

    http = x402HTTPClientSync(client)
    required = http.get_payment_required_response(unpaid.headers.get, unpaid.json())
    return http.encode_payment_signature_header(client.create_payment_payload(required))


def test_a_replayed_proof_is_refused(server):
    header = paid_header(server, Account.create())
    first = requests.get(f"{server.url}/v1/launches", headers=header, timeout=TIMEOUT)
    assert first.status_code == 200
    again = requests.get(f"{server.url}/v1/launches", headers=header, timeout=TIMEOUT)
    assert again.status_code == 402
    assert again.json()["error"]["code"] == "PAYMENT_002"
    assert "already used" in again.json()["error"]["message"]


def test_a_tampered_signature_is_refused(server):
    header = paid_header(server, Account.create())
    payload = json.loads(base64.b64decode(header["PAYMENT-SIGNATURE"]))
    signature = payload["payload"]["signature"]
    payload["payload"]["signature"] = (
        signature[:-6] + ("0" if signature[-6] != "0" else "1") + signature[-5:]
    )
    tampered = {"PAYMENT-SIGNATURE": base64.b64encode(json.dumps(payload).encode()).decode()}
    response = requests.get(f"{server.url}/v1/launches", headers=tampered, timeout=TIMEOUT)
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "PAYMENT_002"
    assert not Wallet.objects.exists()


def test_a_proof_claiming_another_payer_is_refused(server):
    header = paid_header(server, Account.create())
    payload = json.loads(base64.b64decode(header["PAYMENT-SIGNATURE"]))
    payload["payload"]["authorization"]["from"] = Account.create().address
    forged = {"PAYMENT-SIGNATURE": base64.b64encode(json.dumps(payload).encode()).decode()}
    response = requests.get(f"{server.url}/v1/launches", headers=forged, timeout=TIMEOUT)
    assert response.status_code == 402
    assert "signature" in response.json()["error"]["message"]


def test_wallet_a_cannot_see_wallet_b_launches(server):
    alice, bob = agent(), agent()
    launch_id = create(alice, server).json()["data"]["id"]
    assert bob.get(f"{server.url}/v1/launches", timeout=TIMEOUT).json()["data"] == []
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"name": "x"}} if method == "patch" else {}
        response = getattr(bob, method)(
            f"{server.url}/v1/launches/{launch_id}", timeout=TIMEOUT, **kwargs
        )
        assert response.status_code == 404
    assert (
        bob.post(f"{server.url}/v1/launches/{launch_id}/publish", timeout=TIMEOUT).status_code
        == 404
    )
    assert (
        bob.get(f"{server.url}/v1/launches/{launch_id}/status", timeout=TIMEOUT).status_code == 404
    )


def test_wallets_cannot_use_own_accounts(server, make_platform_connection, user):
    someone_elses = make_platform_connection("twitter")
    response = create(
        agent(),
        server,
        dropspace_platforms=None,
        user_platform_accounts={"twitter": str(someone_elses.pk)},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"
    assert not Launch.objects.exists()


def test_the_v1_client_path_pays_with_x_payment(server):
    """An x402 v1 agent reads the JSON body (network "base") and sends X-PAYMENT."""
    from x402.schemas.v1 import PaymentRequiredV1

    unpaid = requests.get(f"{server.url}/v1/launches", timeout=TIMEOUT)
    body = unpaid.json()
    required = PaymentRequiredV1.model_validate({"x402Version": 1, "accepts": body["accepts"]})
    client = x402ClientSync()
    register_exact_evm_client(client, EthAccountSigner(Account.create()))
    from x402.http import x402HTTPClientSync

    headers = x402HTTPClientSync(client).encode_payment_signature_header(
        client.create_payment_payload(required)
    )
    assert list(headers) == ["X-PAYMENT"]
    response = requests.get(f"{server.url}/v1/launches", headers=headers, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert X402Payment.objects.get().x402_version == 1
