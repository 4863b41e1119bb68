"""The web process: Django, with the MCP server at /mcp (see developer/mcp/http.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropspace.settings")
django_application = get_asgi_application()

from developer.mcp.http import with_mcp  # noqa: E402 - needs the apps loaded above

application = with_mcp(django_application)
