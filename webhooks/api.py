"""/v1/webhooks: manage webhook endpoints and read their delivery log (admin scope)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from developer.models import Scope
from dropspace.api.errors import Code
from dropspace.api.schema import envelope, errors
from webhooks import selectors, services
from webhooks.serializers import (
    CreatedWebhookSerializer,
    DeliverySerializer,
    RotatedSecretSerializer,
    WebhookCreateSerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
)

TAGS = ["Webhooks"]


class WebhookListView(APIView):
    required_scopes = {"GET": Scope.ADMIN, "POST": Scope.ADMIN}

    @extend_schema(
        tags=TAGS,
        summary="List webhook endpoints",
        operation_id="webhooks_list",
        responses={200: envelope(WebhookSerializer, many=True)},
    )
    def get(self, request):
        endpoints = selectors.endpoints_visible_to(request.user)
        return Response({"data": WebhookSerializer(endpoints, many=True).data})

    @extend_schema(
        tags=TAGS,
        summary="Create a webhook endpoint (max 10)",
        description="The secret is shown only once: store it to verify signatures.",
        request=WebhookCreateSerializer,
        responses={201: envelope(CreatedWebhookSerializer), **errors(Code.SERVER_002)},
    )
    def post(self, request):
        params = WebhookCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        endpoint = services.create_endpoint(owner=request.user, **params.validated_data)
        return Response({"data": CreatedWebhookSerializer(endpoint).data}, status=201)


class WebhookDetailView(APIView):
    required_scopes = {"GET": Scope.ADMIN, "PATCH": Scope.ADMIN, "DELETE": Scope.ADMIN}

    @extend_schema(
        tags=TAGS,
        summary="Get a webhook endpoint",
        responses={200: envelope(WebhookSerializer), **errors(Code.SERVER_003)},
    )
    def get(self, request, webhook_id):
        endpoint = selectors.get_endpoint_for_user(request.user, webhook_id)
        return Response({"data": WebhookSerializer(endpoint).data})

    @extend_schema(
        tags=TAGS,
        summary="Update url, events, or active status",
        request=WebhookUpdateSerializer,
        responses={
            200: envelope(WebhookSerializer),
            **errors(Code.SERVER_002, Code.SERVER_003),
        },
    )
    def patch(self, request, webhook_id):
        params = WebhookUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        endpoint = selectors.get_endpoint_for_user(request.user, webhook_id)
        endpoint = services.update_endpoint(endpoint=endpoint, **params.validated_data)
        return Response({"data": WebhookSerializer(endpoint).data})

    @extend_schema(
        tags=TAGS,
        summary="Delete a webhook endpoint",
        responses={204: None, **errors(Code.SERVER_003)},
    )
    def delete(self, request, webhook_id):
        endpoint = selectors.get_endpoint_for_user(request.user, webhook_id)
        services.delete_endpoint(endpoint=endpoint)
        return Response(status=204)


class RotateSecretView(APIView):
    required_scopes = {"POST": Scope.ADMIN}

    @extend_schema(
        tags=TAGS,
        summary="Rotate the signing secret (new secret shown once)",
        description="The old secret stops signing new deliveries at once; deliveries already "
        "queued keep the secret from enqueue time.",
        request=None,
        responses={200: envelope(RotatedSecretSerializer), **errors(Code.SERVER_003)},
    )
    def post(self, request, webhook_id):
        endpoint = selectors.get_endpoint_for_user(request.user, webhook_id)
        endpoint = services.rotate_endpoint_secret(endpoint=endpoint)
        return Response({"data": RotatedSecretSerializer(endpoint).data})


class TestWebhookView(APIView):
    required_scopes = {"POST": Scope.ADMIN}

    @extend_schema(
        tags=TAGS,
        summary="Send a webhook.test event to this endpoint",
        description="Queued at once; follow it in the delivery log.",
        request=None,
        responses={202: envelope(DeliverySerializer), **errors(Code.SERVER_003, Code.SERVER_005)},
    )
    def post(self, request, webhook_id):
        endpoint = selectors.get_endpoint_for_user(request.user, webhook_id)
        delivery = services.send_test_event(endpoint=endpoint)
        return Response({"data": DeliverySerializer(delivery).data}, status=202)


class DeliveryListView(ListAPIView):
    required_scopes = {"GET": Scope.ADMIN}
    serializer_class = DeliverySerializer

    def get_queryset(self):
        endpoint = selectors.get_endpoint_for_user(self.request.user, self.kwargs["webhook_id"])
        return selectors.deliveries_of(endpoint)

    @extend_schema(
        tags=TAGS,
        summary="List delivery attempts with pagination",
        responses={200: DeliverySerializer(many=True), **errors(Code.SERVER_003)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RedeliverView(APIView):
    required_scopes = {"POST": Scope.ADMIN}

    @extend_schema(
        tags=TAGS,
        summary="Send a delivery again now",
        description="Same event id and X-Webhook-Delivery id, signed with the current secret; "
        "the retry schedule starts over.",
        request=None,
        responses={202: envelope(DeliverySerializer), **errors(Code.SERVER_003, Code.SERVER_005)},
    )
    def post(self, request, webhook_id, delivery_id):
        delivery = selectors.get_delivery_for_user(request.user, webhook_id, delivery_id)
        delivery = services.redeliver_delivery(delivery=delivery)
        return Response({"data": DeliverySerializer(delivery).data}, status=202)


urlpatterns = [
    path("webhooks", WebhookListView.as_view(), name="api-webhooks"),
    path("webhooks/<uuid:webhook_id>", WebhookDetailView.as_view(), name="api-webhook-detail"),
    path(
        "webhooks/<uuid:webhook_id>/rotate-secret",
        RotateSecretView.as_view(),
        name="api-webhook-rotate-secret",
    ),
    path("webhooks/<uuid:webhook_id>/test", TestWebhookView.as_view(), name="api-webhook-test"),
    path(
        "webhooks/<uuid:webhook_id>/deliveries",
        DeliveryListView.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver",
        RedeliverView.as_view(),
        name="api-webhook-redeliver",
    ),
]
