from django.core.management.base import BaseCommand
from django.db import transaction

from connections.models import Connection


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored platform token under the first key of TOKEN_ENCRYPTION_KEYS. "
        "Run after putting a new key first; then the old keys can be removed."
    )

    def handle(self, *args, **options):
        count = 0
        for pk in Connection.objects.values_list("pk", flat=True).iterator():
            # Lock each row: a concurrent refresh must not be overwritten by the old token.
            with transaction.atomic():
                connection = Connection.objects.select_for_update().get(pk=pk)
                connection.save(update_fields=["access_token", "refresh_token"])
            count += 1
        self.stdout.write(self.style.SUCCESS(f"re-encrypted the tokens of {count} connections"))
