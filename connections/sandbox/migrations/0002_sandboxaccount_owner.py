"""Sandbox accounts get an owner: the person who signed in to them on the consent page.

Accounts made before this have none; each gets the one person whose sandbox connections point
at it or at one of its pages (LinkedIn pages are stored as ``urn:li:organization:<id>``), and
stays without an owner (staff only, claimed by the next person to sign in) when that is not
exactly one person.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def owners_from_connections(apps, schema_editor):
    SandboxAccount = apps.get_model("sandbox", "SandboxAccount")
    Connection = apps.get_model("connections", "Connection")
    for account in SandboxAccount.objects.filter(parent__isnull=True, owner__isnull=True):
        family = [account.entity_id, *account.children.values_list("entity_id", flat=True)]
        matches = models.Q(entity_id__in=family)
        for entity_id in family:
            matches |= models.Q(entity_id__endswith=f":{entity_id}")
        owners = set(
            Connection.objects.filter(
                matches, platform=account.platform, is_sandbox=True, owner__isnull=False
            ).values_list("owner_id", flat=True)
        )
        if len(owners) == 1:
            account.owner_id = owners.pop()
            account.save(update_fields=["owner"])


class Migration(migrations.Migration):

    dependencies = [
        ("sandbox", "0001_initial"),
        ("connections", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sandboxaccount",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                help_text="The person who signed in to it on the consent page (its pages follow "
                "it). Only they, and staff, see its feed and faults.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sandbox_accounts",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(owners_from_connections, migrations.RunPython.noop),
    ]
