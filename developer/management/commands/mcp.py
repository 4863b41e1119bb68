import anyio
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from mcp.server.stdio import stdio_server

from developer.authentication import active_api_key
from developer.mcp.server import build_server, fixed_credentials


class Command(BaseCommand):
    help = (
        "Serve the MCP server over stdio for a local agent, acting with the API key in "
        "DROPSPACE_API_KEY."
    )

    def handle(self, *args, **options):
        token = settings.DROPSPACE_API_KEY
        if not token:
            raise CommandError("set DROPSPACE_API_KEY to the API key the agent acts with")
        if active_api_key(token) is None:
            raise CommandError("DROPSPACE_API_KEY is not a valid API key (invalid or revoked)")
        anyio.run(self._serve, token)

    async def _serve(self, token: str) -> None:
        server = build_server(fixed_credentials(token))
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
