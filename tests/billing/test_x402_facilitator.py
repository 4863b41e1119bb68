"""The production facilitator path: /verify and /settle of a real facilitator, mocked at the
HTTP transport (the SDK's HTTPFacilitatorClient uses httpx, so respx) with the facilitator's
own JSON shapes. Payments are signed by the official x402 client."""

import base64
import json
import time

import httpx
import pytest
import respx
from eth_account import Account
from rest_framework.test import APIClient
from x402 import x402ClientSync
from x402.http import x402HTTPClientSync
from x402.http.utils import decode_payment_response_header
from x402.mechanisms.evm import EthAccountSigner
from x402.mechanisms.evm.exact import register_exact_evm_client

from billing.models import Wallet, X402Payment
from launches.models import Launch

pytestmark = pytest.mark.django_db
FACILITATOR = "https://facilitator.example/x402"
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
TX = "0x" + "ab" * 32
LAUNCH = {
    "title": "Acme",
    "product_description": "Acme turns invoices into payments. One click.",
    "platforms": ["twitter"],
    "dropspace_platforms": ["twitter"],
    "custom_content": "Acme is live: invoices into payments in one click.",
}


@pytest.fixture(autouse=True)
def production(settings):
    settings.X402_FACILITATOR_URL = FACILITATOR
    settings.X402_PAY_TO = PAY_TO
    settings.X402_FACILITATOR_API_KEY = "cdp-key"


@pytest.fixture
def facilitator():
    with respx.mock(base_url=FACILITATOR, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def account():
    return Account.create()


def valid(mock, payer):
    return mock.post("/verify").mock(
        return_value=httpx.Response(200, json={"isValid": True, "payer": payer})
    )


def settles(mock, payer, success=True):
    body = {"success": True, "payer": payer, "transaction": TX, "network": "eip155:8453"}
    if not success:
        body = {
            "success": False,
            "errorReason": "insufficient_funds",
            "payer": payer,
            "transaction": "",
            "network": "eip155:8453",
        }
    return mock.post("/settle").mock(return_value=httpx.Response(200, json=body))


def sign(account, path="/v1/launches", method="get", version=2, edit=None) -> dict:
    """Ask the server for its price, then pay it with the official client."""
    unpaid = getattr(APIClient(), method)(path)
    assert unpaid.status_code == 402
    client = x402ClientSync()
    register_exact_evm_client(client, EthAccountSigner(account))
    http = x402HTTPClientSync(client)
    if version == 1:
        from x402.schemas.v1 import PaymentRequiredV1

        required = PaymentRequiredV1.model_validate(
            {"x402Version": 1, "accepts": unpaid.json()["accepts"]}
        )
    else:
        required = http.get_payment_required_response(unpaid.headers.get)
    payload = client.create_payment_payload(required)
    headers = http.encode_payment_signature_header(payload)
    if edit:
        [(name, value)] = headers.items()
        data = json.loads(base64.b64decode(value))
        edit(data)
        headers = {name: base64.b64encode(json.dumps(data).encode()).decode()}
    return {f"HTTP_{name.replace('-', '_')}": value for name, value in headers.items()}


def test_verify_gets_the_real_request_shape_and_the_wallet_is_the_payer(facilitator, account):
    verify = valid(facilitator, account.address)
    response = APIClient().get("/v1/launches", **sign(account))
    assert response.status_code == 200, response.content
    sent = json.loads(verify.calls.last.request.content)
    assert verify.calls.last.request.headers["Authorization"] == "Bearer cdp-key"
    assert sent["x402Version"] == 2
    requirements = sent["paymentRequirements"]
    assert requirements == {
        "scheme": "exact",
        "network": "eip155:8453",
        "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        "amount": "500000",
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 300,
        "extra": {"name": "USD Coin", "version": "2"},
    }
    authorization = sent["paymentPayload"]["payload"]["authorization"]
    assert authorization["from"] == account.address
    assert sent["paymentPayload"]["accepted"] == requirements
    assert Wallet.objects.get().address == account.address
    assert all("/settle" not in str(call.request.url) for call in facilitator.calls)


def test_creation_past_the_free_tier_is_settled_after_the_launch_exists(facilitator, account):
    valid(facilitator, account.address)
    settle = settles(facilitator, account.address)
    for _ in range(3):
        assert (
            APIClient()
            .post("/v1/launches", LAUNCH, format="json", **sign(account, method="post"))
            .status_code
            == 201
        )
    assert not settle.called

    response = APIClient().post(
        "/v1/launches", LAUNCH, format="json", **sign(account, method="post")
    )
    assert response.status_code == 201
    assert settle.call_count == 1
    sent = json.loads(settle.calls.last.request.content)
    assert sent["paymentRequirements"]["amount"] == "500000"
    result = decode_payment_response_header(response["PAYMENT-RESPONSE"])
    assert (result.success, result.transaction) == (True, TX)
    payment = X402Payment.objects.get(status=X402Payment.Status.SETTLED)
    assert payment.launch_id == response.json()["data"]["id"]


def test_v1_settlement_answers_in_x_payment_response(facilitator, account):
    valid(facilitator, account.address)
    settles(facilitator, account.address)
    wallet_user = None
    for _ in range(4):
        response = APIClient().post(
            "/v1/launches", LAUNCH, format="json", **sign(account, method="post", version=1)
        )
        assert response.status_code == 201
        wallet_user = wallet_user or Wallet.objects.get().user
    assert "X-PAYMENT-RESPONSE" in response
    assert "PAYMENT-RESPONSE" not in response
    assert Launch.objects.filter(owner=wallet_user).count() == 4


def test_failed_settlement_undoes_the_creation(facilitator, account):
    valid(facilitator, account.address)
    settles(facilitator, account.address, success=False)
    for _ in range(3):
        APIClient().post("/v1/launches", LAUNCH, format="json", **sign(account, method="post"))
    response = APIClient().post(
        "/v1/launches", {**LAUNCH, "title": "Unpaid"}, format="json", **sign(account, method="post")
    )
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "PAYMENT_002"
    assert "PAYMENT-REQUIRED" in response
    assert not decode_payment_response_header(response["PAYMENT-RESPONSE"]).success
    assert not Launch.objects.filter(name="Unpaid").exists()


def test_facilitator_down_on_settle_undoes_the_creation(facilitator, account):
    valid(facilitator, account.address)
    facilitator.post("/settle").mock(return_value=httpx.Response(502, text="bad gateway"))
    for _ in range(3):
        APIClient().post("/v1/launches", LAUNCH, format="json", **sign(account, method="post"))
    response = APIClient().post(
        "/v1/launches", LAUNCH, format="json", **sign(account, method="post")
    )
    assert response.status_code == 402
    assert Launch.objects.count() == 3


def test_verification_refused_is_payment_002(facilitator, account):
    facilitator.post("/verify").mock(
        return_value=httpx.Response(
            200,
            json={
                "isValid": False,
                "invalidReason": "insufficient_funds",
                "payer": account.address,
            },
        )
    )
    response = APIClient().get("/v1/launches", **sign(account))
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "PAYMENT_002"
    assert "insufficient_funds" in response.json()["error"]["message"]
    assert not Wallet.objects.exists()


def test_facilitator_unreachable_is_payment_002_not_500(facilitator, account):
    facilitator.post("/verify").mock(side_effect=httpx.ConnectError("refused"))
    response = APIClient().get("/v1/launches", **sign(account))
    assert response.status_code == 402
    assert "unavailable" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda p: p["accepted"].update(amount="1"), "amount"),
        (lambda p: p["payload"]["authorization"].update(value="1"), "value"),
        (lambda p: p["accepted"].update(payTo=Account.create().address), "payTo"),
        (lambda p: p["payload"]["authorization"].update(to=Account.create().address), "address"),
        (lambda p: p["accepted"].update(network="eip155:84532"), "network"),
        (
            lambda p: p["accepted"].update(asset="0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
            "asset",
        ),
        (
            lambda p: p["payload"]["authorization"].update(validBefore=str(int(time.time()) - 1)),
            "expired",
        ),
        (
            lambda p: p["payload"]["authorization"].update(validAfter=str(int(time.time()) + 600)),
            "not valid yet",
        ),
        (lambda p: p["payload"]["authorization"].update(nonce="0x12"), "nonce"),
    ],
)
def test_terms_that_do_not_match_never_reach_the_facilitator(facilitator, account, edit, says):
    verify = valid(facilitator, account.address)
    response = APIClient().get("/v1/launches", **sign(account, edit=edit))
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "PAYMENT_002"
    assert says in response.json()["error"]["message"]
    assert not verify.called


def test_garbage_header_is_payment_002(facilitator):
    response = APIClient().get("/v1/launches", HTTP_X_PAYMENT="not base64 json")
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "PAYMENT_002"


def test_a_replay_is_refused_before_the_facilitator(facilitator, account):
    verify = valid(facilitator, account.address)
    headers = sign(account)
    assert APIClient().get("/v1/launches", **headers).status_code == 200
    again = APIClient().get("/v1/launches", **headers)
    assert again.status_code == 402
    assert verify.call_count == 1


def test_thirty_requests_a_minute_per_wallet(facilitator, account):
    valid(facilitator, account.address)
    headers = sign(account)
    for _ in range(30):
        response = APIClient().get("/v1/launches", **headers)
        assert response["X-RateLimit-Limit"] == "30"
    limited = APIClient().get("/v1/launches", **headers)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "RATE_001"
    assert "Retry-After" in limited
    other = Account.create()
    valid(facilitator, other.address)
    assert APIClient().get("/v1/launches", **sign(other)).status_code == 200


def test_wallet_cannot_reach_endpoints_outside_the_list(facilitator, account):
    valid(facilitator, account.address)
    response = APIClient().get("/v1/personas", **sign(account))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"


def test_wallet_cannot_patch_in_own_accounts(facilitator, account):
    valid(facilitator, account.address)
    created = APIClient().post(
        "/v1/launches", LAUNCH, format="json", **sign(account, method="post")
    )
    launch_id = created.json()["data"]["id"]
    response = APIClient().patch(
        f"/v1/launches/{launch_id}",
        {"user_platform_accounts": {"twitter": "1"}},
        format="json",
        **sign(account, path=f"/v1/launches/{launch_id}", method="patch"),
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"


def test_a_wallet_account_cannot_sign_in(facilitator, account, client):
    valid(facilitator, account.address)
    APIClient().get("/v1/launches", **sign(account))
    user = Wallet.objects.get().user
    assert not user.has_usable_password()
    assert not client.login(email=user.email, password="")


def test_wallet_auth_off_without_facilitator(settings):
    settings.X402_FACILITATOR_URL = ""
    response = APIClient().get("/v1/launches")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"


def test_api_keys_still_work_on_wallet_endpoints(api):
    assert api.get("/v1/launches").status_code == 200


def test_a_refused_creation_past_the_free_tier_is_never_charged(facilitator, account):
    valid(facilitator, account.address)
    settle = settles(facilitator, account.address)
    for _ in range(3):
        APIClient().post("/v1/launches", LAUNCH, format="json", **sign(account, method="post"))
    response = APIClient().post(
        "/v1/launches", {**LAUNCH, "title": ""}, format="json", **sign(account, method="post")
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"
    assert not settle.called


def test_operators_see_wallets_their_launches_and_payments(facilitator, account, admin_client):
    valid(facilitator, account.address)
    settles(facilitator, account.address)
    for _ in range(4):
        APIClient().post("/v1/launches", LAUNCH, format="json", **sign(account, method="post"))
    wallet = Wallet.objects.get()
    listing = admin_client.get("/admin/billing/wallet/").content.decode()
    assert account.address in listing
    page = admin_client.get(f"/admin/billing/wallet/{wallet.pk}/change/").content.decode()
    assert f"?owner__id__exact={wallet.user_id}" in page
    assert TX in page
    payments = admin_client.get("/admin/billing/x402payment/?status=settled").content.decode()
    assert TX in payments
    assert admin_client.get("/admin/sandbox/sandboxx402settlement/").status_code == 200


def test_openapi_describes_wallet_auth_exactly_where_it_is_accepted(client):
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["x402PaymentSignature"]["name"] == "PAYMENT-SIGNATURE"
    assert schemes["x402Payment"]["name"] == "X-PAYMENT"
    wallet_operations = [
        ("/v1/launches", "get"),
        ("/v1/launches", "post"),
        ("/v1/launches/{launch_id}", "get"),
        ("/v1/launches/{launch_id}", "patch"),
        ("/v1/launches/{launch_id}", "delete"),
        ("/v1/launches/{launch_id}/publish", "post"),
        ("/v1/launches/{launch_id}/status", "get"),
        ("/v1/usage", "get"),
    ]
    for path, method in wallet_operations:
        operation = schema["paths"][path][method]
        assert {"x402Payment": []} in operation["security"], (path, method)
        assert "PAYMENT-REQUIRED" in operation["responses"]["402"]["headers"]
    created = schema["paths"]["/v1/launches"]["post"]["responses"]["201"]
    assert set(created["headers"]) == {"PAYMENT-RESPONSE", "X-PAYMENT-RESPONSE"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if (path, method) not in wallet_operations and isinstance(operation, dict):
                assert "402" not in operation.get("responses", {}), (path, method)
