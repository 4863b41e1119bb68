from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any request this API documents; a library may raise Python's recursion limit,
# so the depth is checked here rather than left to json's RecursionError alone.
MAX_JSON_DEPTH = 64
TOO_DEEP = "JSON parse error - the body is nested too deeply"


class StrictJSONParser(JSONParser):
    """JSON parser whose request body must be a JSON object (or empty)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # json gives up at the interpreter's recursion limit
            raise ParseError(TOO_DEEP) from exc
        if not isinstance(data, dict):
            raise ParseError("request body must be a JSON object")
        if nesting_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(TOO_DEEP)
        return data


def nesting_depth(data) -> int:
    """How deeply lists and objects nest in ``data`` (iterative: no recursion of our own)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return deepest
