"""/v1/keys: manage API keys (admin scope); /v1/keys/me: any valid key."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from developer import selectors, services
from developer.models import Scope
from developer.permissions import ANY_KEY
from developer.serializers import (
    ApiKeyCreateSerializer,
    ApiKeyRenameSerializer,
    ApiKeySerializer,
    CreatedApiKeySerializer,
    CurrentApiKeySerializer,
    RenamedApiKeySerializer,
)
from dropspace.api.errors import Code
from dropspace.api.schema import envelope, errors


class CurrentKeyView(APIView):
    required_scopes = {"GET": ANY_KEY}

    @extend_schema(
        tags=["API keys"],
        summary="Get the current API key's info",
        responses={200: envelope(CurrentApiKeySerializer)},
    )
    def get(self, request):
        return Response({"data": CurrentApiKeySerializer(request.auth).data})


class KeyListView(APIView):
    required_scopes = {"GET": Scope.ADMIN, "POST": Scope.ADMIN}

    @extend_schema(
        tags=["API keys"],
        summary="List all API keys",
        responses={200: envelope(ApiKeySerializer, many=True)},
    )
    def get(self, request):
        keys = selectors.api_keys_visible_to(request.user)
        return Response({"data": ApiKeySerializer(keys, many=True).data})

    @extend_schema(
        tags=["API keys"],
        summary="Create a new API key (max 10 active)",
        description=(
            "A key can grant only scopes it holds itself: a key with just `admin` can create "
            "only `admin` keys, and a key without `delete` cannot create one with `delete`. "
            "Asking for more answers 403 `AUTH_003`, with one entry in `details` per scope the "
            'key cannot grant (`{field: "scopes", scope, message}`). When `scopes` is left '
            "out, the default scopes must all be held. In the dashboard, the signed-in person "
            "may grant any scope."
        ),
        request=ApiKeyCreateSerializer,
        responses={
            201: envelope(CreatedApiKeySerializer),
            **errors(
                (
                    Code.AUTH_003,
                    403,
                    "insufficient scope: the key lacks `admin`, or asks for scopes it does not "
                    "hold (listed in details)",
                ),
                Code.SERVER_009,
            ),
        },
    )
    def post(self, request):
        params = ApiKeyCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        api_key, raw_key = services.create_api_key(
            owner=request.user, granter=request.auth, **params.validated_data
        )
        body = {"key": raw_key, "api_key": CurrentApiKeySerializer(api_key).data}
        return Response({"data": body}, status=201)


class KeyDetailView(APIView):
    required_scopes = {"PATCH": Scope.ADMIN, "DELETE": Scope.ADMIN}

    @extend_schema(
        tags=["API keys"],
        summary="Rename an API key",
        request=ApiKeyRenameSerializer,
        responses={
            200: envelope(RenamedApiKeySerializer),
            **errors(Code.SERVER_003, Code.SERVER_009),
        },
    )
    def patch(self, request, key_id):
        params = ApiKeyRenameSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        api_key = selectors.get_active_api_key_for_user(request.user, key_id)
        api_key = services.rename_api_key(api_key=api_key, name=params.validated_data["name"])
        return Response({"data": RenamedApiKeySerializer(api_key).data})

    @extend_schema(
        tags=["API keys"],
        summary="Revoke an API key",
        responses={204: None, **errors(Code.SERVER_003)},
    )
    def delete(self, request, key_id):
        api_key = selectors.get_active_api_key_for_user(request.user, key_id)
        services.revoke_api_key(api_key=api_key)
        return Response(status=204)


urlpatterns = [
    path("keys/me", CurrentKeyView.as_view(), name="api-keys-me"),
    path("keys", KeyListView.as_view(), name="api-keys"),
    path("keys/<uuid:key_id>", KeyDetailView.as_view(), name="api-key-detail"),
]
