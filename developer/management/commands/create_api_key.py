from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from developer import services
from dropspace.api.errors import ApiError


class Command(BaseCommand):
    help = "Create an API key for EMAIL and print only the raw key (for scripts)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", help="key name (default: 'cli <timestamp>')")
        parser.add_argument(
            "--scopes",
            help="comma-separated scopes, e.g. read,write (default: read,write,publish,generate)",
        )

    def handle(self, *args, email, name=None, scopes=None, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"no user with email {email}")
        name = name or f"cli {timezone.now():%Y-%m-%d %H:%M:%S}"
        scope_list = None if scopes is None else [s.strip() for s in scopes.split(",") if s.strip()]
        try:
            _, raw_key = services.create_api_key(
                owner=user, granter=user, name=name, scopes=scope_list
            )
        except ApiError as error:
            raise CommandError(error.message) from None
        self.stdout.write(raw_key)
