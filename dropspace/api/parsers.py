from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """JSON parser whose request body must be a JSON object (or empty)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # json gives up on ~1,000 levels of nesting
            raise ParseError("JSON parse error - the body is nested too deeply") from exc
        if not isinstance(data, dict):
            raise ParseError("request body must be a JSON object")
        return data
