from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0002_sandboxaccount_owner"),
        ("sandbox", "0002_sandboxmedia_source_url_sandboxmedia_storage_name"),
    ]

    operations = []
