"""Remembered responses can hold a raw API key or webhook secret: encrypt the bodies already
stored, then switch the column to the encrypted field (the column type does not change)."""

from django.db import migrations

import dropspace.crypto


def encrypt_existing(apps, schema_editor):
    record = apps.get_model("developer", "IdempotencyRecord")  # still the plain BinaryField here
    for row in record.objects.exclude(response_body=None).iterator():
        row.response_body = dropspace.crypto.encrypt_bytes(bytes(row.response_body))
        row.save(update_fields=["response_body"])


def decrypt_existing(apps, schema_editor):
    record = apps.get_model("developer", "IdempotencyRecord")
    for row in record.objects.exclude(response_body=None).iterator():
        row.response_body = dropspace.crypto.decrypt_bytes(bytes(row.response_body))
        row.save(update_fields=["response_body"])


class Migration(migrations.Migration):
    dependencies = [("developer", "0002_rate_limit_counter")]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_body",
            field=dropspace.crypto.EncryptedBinaryField(null=True),
        ),
    ]
