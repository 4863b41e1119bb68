"""The sandbox x402 facilitator (connections/sandbox/x402.py) on its own, the docs page, and
the official sandbox accounts make run connects for wallets."""

import time

import pytest
from eth_account import Account
from x402 import x402ClientSync
from x402.mechanisms.evm import EthAccountSigner
from x402.mechanisms.evm.exact import register_exact_evm_client
from x402.schemas import PaymentRequired, PaymentRequirements

from connections.models import Connection
from connections.sandbox import services as sandbox
from connections.sandbox.models import SandboxX402Settlement

pytestmark = pytest.mark.django_db
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
URL = "/sandbox/x402/facilitator"


@pytest.fixture(autouse=True)
def sandbox_on(settings):
    settings.SANDBOX_ENABLED = True


def requirements(**changes) -> PaymentRequirements:
    values = {
        "scheme": "exact",
        "network": "eip155:8453",
        "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        "amount": "500000",
        "pay_to": PAY_TO,
        "max_timeout_seconds": 300,
        "extra": {"name": "USD Coin", "version": "2"},
    }
    return PaymentRequirements(**{**values, **changes})


def body(account=None, signed_for=None, required=None) -> dict:
    """A /verify body: the official client signs ``signed_for``, sent against ``required``."""
    client = x402ClientSync()
    register_exact_evm_client(client, EthAccountSigner(account or Account.create()))
    signed_for = signed_for or requirements()
    payload = client.create_payment_payload(PaymentRequired(accepts=[signed_for]))
    return {
        "x402Version": 2,
        "paymentPayload": payload.model_dump(by_alias=True, exclude_none=True),
        "paymentRequirements": (required or signed_for).model_dump(by_alias=True),
    }


def post(client, path, data):
    return client.post(f"{URL}/{path}", data, content_type="application/json").json()


def test_a_good_payment_verifies_and_settles_once(client):
    account = Account.create()
    data = body(account)
    assert post(client, "verify", data) == {
        "isValid": True,
        "payer": account.address,
        "extra": {"sandbox": True, "note": "dropspace sandbox facilitator: no chain, no funds"},
    }
    settled = post(client, "settle", data)
    assert settled["success"] is True
    assert settled["transaction"].startswith("sandbox:0x")
    assert SandboxX402Settlement.objects.get().payer == account.address
    again = post(client, "settle", data)
    assert (again["success"], again["errorReason"]) == (
        False,
        "invalid_exact_evm_nonce_already_used",
    )
    assert post(client, "verify", data)["invalidReason"] == "invalid_exact_evm_nonce_already_used"


@pytest.mark.parametrize(
    ("required", "reason"),
    [
        (requirements(amount="600000"), "invalid_exact_evm_payload_authorization_value_mismatch"),
        (
            requirements(pay_to=Account.create().address),
            "invalid_exact_evm_payload_recipient_mismatch",
        ),
        (requirements(network="eip155:84532"), "network_mismatch"),
        (
            requirements(asset="0x036CbD53842c5426634e7929541eC2318f3dCF7e"),
            "invalid_exact_evm_failed_to_get_asset_info",
        ),
    ],
)
def test_terms_that_do_not_match_are_refused(client, required, reason):
    assert post(client, "verify", body(required=required))["invalidReason"] == reason


def test_another_signer_or_an_edited_value_breaks_the_signature(client):
    data = body()
    data["paymentPayload"]["payload"]["authorization"]["from"] = Account.create().address
    assert post(client, "verify", data)["invalidReason"] == "invalid_exact_evm_payload_signature"
    data = body(signed_for=requirements(amount="1"), required=requirements(amount="1"))
    data["paymentPayload"]["payload"]["authorization"]["value"] = "500000"
    data["paymentRequirements"]["amount"] = "500000"
    data["paymentPayload"]["accepted"]["amount"] = "500000"
    assert post(client, "verify", data)["invalidReason"] == "invalid_exact_evm_payload_signature"


def test_an_expiring_authorization_is_refused(client):
    data = body(signed_for=requirements(max_timeout_seconds=3))
    assert (
        post(client, "verify", data)["invalidReason"]
        == "invalid_exact_evm_payload_authorization_valid_before"
    )


def test_not_yet_valid_is_refused(client):
    data = body()
    data["paymentPayload"]["payload"]["authorization"]["validAfter"] = str(int(time.time()) + 60)
    assert (
        post(client, "verify", data)["invalidReason"]
        == "invalid_exact_evm_payload_authorization_valid_after"
    )


def test_garbage_is_invalid_payload_and_non_json_is_400(client):
    assert post(client, "verify", {"x402Version": 2})["invalidReason"] == "invalid_payload"
    response = client.post(f"{URL}/verify", "nope", content_type="application/json")
    assert response.status_code == 400


def test_supported_names_both_versions(client):
    kinds = client.get(f"{URL}/supported").json()["kinds"]
    assert {(k["x402Version"], k["network"]) for k in kinds} == {(1, "base"), (2, "eip155:8453")}


def test_the_facilitator_is_off_with_the_sandbox(client, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get(f"{URL}/supported").status_code == 404


def test_official_sandbox_accounts_are_connected_once():
    sandbox.connect_official_accounts()
    sandbox.connect_official_accounts()
    official = Connection.objects.filter(owner=None, is_sandbox=True)
    assert sorted(official.values_list("platform", flat=True)) == ["reddit", "twitter"]


def test_docs_page_for_agent_developers(client, settings):
    settings.X402_FACILITATOR_URL = f"{settings.SANDBOX_BASE_URL}/x402/facilitator"
    settings.X402_PAY_TO = PAY_TO
    page = client.get("/docs/x402").content.decode()
    assert "Sandbox." in page
    assert "$0.50 USDC" in page
    assert "x402_requests" in page
    assert "wrapFetchWithPayment" in page
    assert f"{settings.SITE_URL}/v1" in page


def test_docs_page_says_when_wallet_payments_are_off(client, settings):
    settings.X402_FACILITATOR_URL = ""
    assert "Wallet payments are off" in client.get("/docs/x402").content.decode()


def test_official_accounts_skip_a_sandbox_account_someone_took(user):
    sandbox.sign_in(platform="twitter", username=sandbox.OFFICIAL_USERNAME, person=user)
    sandbox.connect_official_accounts()
    official = Connection.objects.filter(owner=None, is_sandbox=True)
    assert list(official.values_list("platform", flat=True)) == ["reddit"]
