"""Reads of sandbox accounts for people's pages; the one place their scoping lives."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from connections.sandbox.models import SandboxAccount


def accounts_visible_to(user):
    """The accounts ``user`` signed in to and their pages/organizations; staff see every one."""
    accounts = SandboxAccount.objects.all()
    if user.is_staff:
        return accounts
    return accounts.filter(Q(owner=user) | Q(parent__owner=user))


def get_account_for(user, account_id) -> SandboxAccount:
    """The account, or 404 (also for a stranger's: its existence is not revealed)."""
    account = accounts_visible_to(user).filter(pk=account_id).first()
    if account is None:
        raise Http404("sandbox account not found")
    return account
