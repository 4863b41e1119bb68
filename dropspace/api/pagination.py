"""Page-number pagination with the spec's envelope and strict bounds."""

import math

from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
# Far past any real list, and small enough that the row offset fits a 64-bit SQL integer.
MAX_PAGE = 1_000_000


class PageParams(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    page_size = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


class PagePagination(BasePagination):
    """``?page=1&page_size=50`` -> ``{"data": [...], "pagination": {...}}``.

    Out-of-range ``page_size`` or ``page`` (below 1, above ``MAX_PAGE``) is a 400 SERVER_002; a
    page past the end is an empty list (the totals still tell the client where the data ends).
    """

    def paginate_queryset(self, queryset, request, view=None):
        params = PageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        self.page = params.validated_data["page"]
        self.page_size = params.validated_data["page_size"]
        self.total = queryset.count()
        start = (self.page - 1) * self.page_size
        return list(queryset[start : start + self.page_size])

    def get_paginated_response(self, data):
        return Response({"data": data, "pagination": self.pagination()})

    def pagination(self) -> dict:
        return {
            "page": self.page,
            "page_size": self.page_size,
            "total": self.total,
            "total_pages": math.ceil(self.total / self.page_size) if self.total else 0,
        }

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["data", "pagination"],
            "properties": {
                "data": schema,
                "pagination": {
                    "type": "object",
                    "required": ["page", "page_size", "total", "total_pages"],
                    "properties": {
                        "page": {"type": "integer", "example": 1},
                        "page_size": {"type": "integer", "example": DEFAULT_PAGE_SIZE},
                        "total": {"type": "integer", "example": 42},
                        "total_pages": {"type": "integer", "example": 1},
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": f"page number (1-{MAX_PAGE:,}, default: 1)",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"items per page (1-{MAX_PAGE_SIZE}, default: {DEFAULT_PAGE_SIZE})",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
