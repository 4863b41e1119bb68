"""Sandbox codes and tokens are stored as SHA-256 hashes, like API keys: rename the columns and
hash the values already there (they keep working: lookups hash what the client sends)."""

import hashlib

from django.db import migrations, models


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest() if raw else ""


def hash_existing(apps, schema_editor):
    for model_name, fields in (
        ("SandboxToken", ["access_token_hash", "refresh_token_hash"]),
        ("SandboxGrant", ["code_hash"]),
    ):
        model = apps.get_model("sandbox", model_name)
        for row in model.objects.iterator():
            for field in fields:
                setattr(row, field, _hash(getattr(row, field)))
            row.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("sandbox", "0002_sandboxaccount_owner")]

    operations = [
        migrations.RenameField("sandboxtoken", "access_token", "access_token_hash"),
        migrations.RenameField("sandboxtoken", "refresh_token", "refresh_token_hash"),
        migrations.RenameField("sandboxgrant", "code", "code_hash"),
        migrations.AlterField(
            model_name="sandboxtoken",
            name="access_token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="sandboxgrant",
            name="code_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
