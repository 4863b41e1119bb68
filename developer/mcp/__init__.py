"""The MCP server: one tool per API operation, dispatched through the API itself.

``catalog`` names the tools and the operation each one is; ``schemas`` derives their input
schemas from the OpenAPI document the API serves; ``dispatch`` runs a call as an in-process
request through Django (middleware, URL resolution, the DRF view); ``server`` wires these into
the MCP SDK; ``http`` serves it at /mcp (streamable HTTP) and the ``mcp`` management command
over stdio.
"""
