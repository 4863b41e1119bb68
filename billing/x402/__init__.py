"""x402 agent payments: wallets pay per launch with a signed USDC authorization.

``requirements`` says what is bought and for how much (x402 v1 and v2 shapes), ``proofs``
reads and checks a payment header against them, ``facilitator`` talks to the x402
facilitator (``/verify``, ``/settle``) through the official SDK, and ``services`` ties them
to wallet accounts, the free tier and the ledger (``billing.models.X402Payment``).
"""
