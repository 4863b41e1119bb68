"""/v1/connections (read scope) and /v1/dropspace/status."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from connections import selectors
from connections.serializers import ConnectionSerializer, DropspaceStatusSerializer
from developer.models import Scope
from dropspace.api.errors import Code
from dropspace.api.schema import envelope, errors


class ConnectionListView(generics.ListAPIView):
    required_scopes = {"GET": Scope.READ}
    serializer_class = ConnectionSerializer

    def get_queryset(self):
        return selectors.connections_visible_to(self.request.user)

    @extend_schema(
        tags=["Connections"],
        summary="List your OAuth platform connections",
        description="Read-only: connections are managed through the dashboard OAuth flow.",
        responses={200: ConnectionSerializer(many=True), **errors(Code.SERVER_002)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DropspaceStatusView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=["Official accounts"],
        summary="Check which official dropspace accounts are connected",
        description=(
            "Always all 6 auto-post platforms in canonical order. Reads the is_active flag and "
            "token expiry from the database; no live health check."
        ),
        responses={200: envelope(DropspaceStatusSerializer)},
    )
    def get(self, request):
        platforms = selectors.dropspace_status()
        body = {
            "platforms": platforms,
            "connected_platforms": [row["platform"] for row in platforms if row["connected"]],
            "timestamp": timezone.now(),
        }
        return Response({"data": DropspaceStatusSerializer(body).data})


urlpatterns = [
    path("connections", ConnectionListView.as_view(), name="api-connections"),
    path("dropspace/status", DropspaceStatusView.as_view(), name="api-dropspace-status"),
]
