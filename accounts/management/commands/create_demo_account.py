from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from developer import services as developer_services
from developer.models import ApiKey

DEMO_EMAIL = "demo@dropspace.local"
DEMO_KEY_NAME = "make run"


class Command(BaseCommand):
    help = "Create (or refresh) the demo account and print its credentials and a fresh API key."

    def handle(self, *args, **options):
        with transaction.atomic():
            user = self._demo_user()
            raw_key = self._fresh_key(user)
        dashboard = settings.SITE_URL + reverse("home")
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "dropspace demo account",
                    f"  dashboard: {dashboard}",
                    f"  email:     {DEMO_EMAIL}",
                    f"  password:  {settings.DEMO_ACCOUNT_PASSWORD}",
                    f"  API key:   {raw_key}",
                    "",
                ]
            )
        )

    def _demo_user(self) -> User:
        user, _ = User.objects.get_or_create(email=DEMO_EMAIL, defaults={"name": "Demo"})
        # A new password hash changes the session auth hash and signs the demo person out of
        # every browser, so only a changed DEMO_ACCOUNT_PASSWORD (or a new account) sets it.
        if not user.check_password(settings.DEMO_ACCOUNT_PASSWORD):
            user.set_password(settings.DEMO_ACCOUNT_PASSWORD)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        EmailAddress.objects.update_or_create(
            user=user, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
        )
        return user

    def _fresh_key(self, user: User) -> str:
        """Revoke the keys earlier runs printed, then make one (the raw key is only known now)."""
        earlier = ApiKey.objects.filter(owner=user, name=DEMO_KEY_NAME, revoked_at__isnull=True)
        for api_key in earlier:
            developer_services.revoke_api_key(api_key=api_key)
        _, raw_key = developer_services.create_api_key(owner=user, granter=user, name=DEMO_KEY_NAME)
        return raw_key
