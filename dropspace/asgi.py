"""The web process: Django, with the MCP server at /mcp (see developer/mcp/http.py)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropspace.settings")
django_application = get_asgi_application()

# Under ASGI each request's synchronous part runs in a thread of its own, where a persistent
# database connection would never be reused, only left open: Django's advice is to disable
# them in ASGI servers. The Celery processes keep DATABASE_CONN_MAX_AGE.
for database in settings.DATABASES.values():
    database["CONN_MAX_AGE"] = 0

from developer.mcp.http import with_mcp  # noqa: E402 - needs the apps loaded above

application = with_mcp(django_application)
