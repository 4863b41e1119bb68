"""One signed authorization sent by several requests at the same instant is accepted once:
the unique (network, wallet, nonce) constraint decides, not the earlier lookup."""

import os
import threading

import httpx
import pytest
import respx
from django import db
from django.test import RequestFactory
from eth_account import Account

from billing.models import X402Payment
from billing.x402 import services as x402
from dropspace.api.errors import ApiError
from tests.billing.test_x402_facilitator import FACILITATOR, PAY_TO, sign

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(not POSTGRES, reason="concurrent writers need PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_the_same_proof_sent_concurrently_is_accepted_once(settings):
    settings.X402_FACILITATOR_URL = FACILITATOR
    settings.X402_PAY_TO = PAY_TO
    account = Account.create()
    headers = sign(account)
    x402.wallet_for(account.address)  # the account exists: only the nonce is raced
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def attempt():
        request = RequestFactory().get("/v1/launches", **headers)
        barrier.wait()
        try:
            x402.authenticate(request)
            outcomes.append("accepted")
        except ApiError as exc:
            outcomes.append(exc.code.name)
        finally:
            db.connections.close_all()

    with respx.mock(base_url=FACILITATOR) as mock:
        mock.post("/verify").mock(
            return_value=httpx.Response(200, json={"isValid": True, "payer": account.address})
        )
        threads = [threading.Thread(target=attempt) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["PAYMENT_002"] * 5 + ["accepted"]
    assert X402Payment.objects.count() == 1
