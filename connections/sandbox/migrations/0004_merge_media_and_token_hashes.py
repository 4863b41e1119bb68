from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0003_merge_owner_and_media"),
        ("sandbox", "0003_hash_sandbox_tokens"),
    ]

    operations = []
