from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from dropspace.crypto import ENCRYPTED_FIELDS


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (platform tokens, webhook secrets, remembered API "
        "responses) under the first key of TOKEN_ENCRYPTION_KEYS. Run after putting a new key "
        "first; then remove the old keys."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, ENCRYPTED_FIELDS)]
            if fields:
                count = self.rotate(model, fields)
                self.stdout.write(f"{model._meta.label}: re-encrypted {count} rows")
        self.stdout.write(self.style.SUCCESS("done"))

    def rotate(self, model, fields: list[str]) -> int:
        count = 0
        for pk in model.objects.values_list("pk", flat=True).iterator():
            # Lock each row: a concurrent write (a token refresh) must not be overwritten.
            with transaction.atomic():
                row = model.objects.select_for_update().get(pk=pk)
                row.save(update_fields=fields)
            count += 1
        return count
