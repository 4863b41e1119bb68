"""/v1/personas: brand voices, their writing samples and their analysis."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from connections import selectors as connection_selectors
from developer.models import Scope
from dropspace.api.errors import Code
from dropspace.api.schema import envelope, errors
from personas import selectors, services
from personas.serializers import (
    AnalysisStartedSerializer,
    AnalyzeSerializer,
    ImportResultSerializer,
    ImportSerializer,
    PersonaCreateSerializer,
    PersonaDetailSerializer,
    PersonaSerializer,
    PersonaUpdateSerializer,
)

TAGS = ["Personas"]


class PersonaListView(GenericAPIView):
    required_scopes = {"GET": Scope.READ, "POST": Scope.WRITE}
    serializer_class = PersonaSerializer

    def get_queryset(self):
        return selectors.personas_visible_to(self.request.user)

    @extend_schema(
        tags=TAGS,
        summary="List personas with pagination",
        operation_id="personas_list",
        responses={200: PersonaSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PersonaSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Create a new persona",
        request=PersonaCreateSerializer,
        responses={
            201: envelope(PersonaDetailSerializer),
            **errors(Code.SERVER_009, Code.PERSONA_001),
        },
    )
    def post(self, request):
        params = PersonaCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        persona = services.create_persona(owner=request.user, **params.validated_data)
        return Response({"data": PersonaDetailSerializer(persona).data}, status=201)


class PersonaDetailView(APIView):
    required_scopes = {"GET": Scope.READ, "PATCH": Scope.WRITE, "DELETE": Scope.DELETE}

    @extend_schema(
        tags=TAGS,
        summary="Get a persona with all writing samples",
        responses={200: envelope(PersonaDetailSerializer), **errors(Code.PERSONA_002)},
    )
    def get(self, request, persona_id):
        persona = selectors.get_persona_for_user(request.user, persona_id)
        return Response({"data": PersonaDetailSerializer(persona).data})

    @extend_schema(
        tags=TAGS,
        summary="Update name, attributes and/or writing samples",
        description="Each `<source>_samples` array given replaces that whole list.",
        request=PersonaUpdateSerializer,
        responses={
            200: envelope(PersonaDetailSerializer),
            **errors(Code.PERSONA_002, Code.SERVER_009),
        },
    )
    def patch(self, request, persona_id):
        params = PersonaUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        persona = selectors.get_persona_for_user(request.user, persona_id)
        persona = services.update_persona(persona=persona, **params.validated_data)
        return Response({"data": PersonaDetailSerializer(persona).data})

    @extend_schema(
        tags=TAGS,
        summary="Delete a persona (refused while launches use it)",
        responses={204: None, **errors(Code.PERSONA_002, (Code.SERVER_005, 422))},
    )
    def delete(self, request, persona_id):
        persona = selectors.get_persona_for_user(request.user, persona_id)
        services.delete_persona(persona=persona)
        return Response(status=204)


class PersonaAnalyzeView(APIView):
    required_scopes = {"POST": Scope.GENERATE}

    @extend_schema(
        tags=TAGS,
        summary="Trigger AI persona analysis (async)",
        description="Listen for the `persona.analyzed` webhook, or poll the persona's "
        "`build_status` and `build_progress`.",
        request=AnalyzeSerializer,
        responses={
            202: envelope(AnalysisStartedSerializer),
            **errors(Code.SERVER_002, Code.SERVER_005, Code.PERSONA_002),
            **errors(Code.SERVER_009, Code.PERSONA_003),
        },
    )
    def post(self, request, persona_id):
        params = AnalyzeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        persona = selectors.get_persona_for_user(request.user, persona_id)
        persona = services.analyze_persona(persona=persona, **params.validated_data)
        body = {"started": True, "persona_id": persona.pk}
        return Response({"data": AnalysisStartedSerializer(body).data}, status=202)


class PersonaImportView(APIView):
    required_scopes = {"POST": Scope.WRITE}

    @extend_schema(
        tags=TAGS,
        summary="Import writing samples from a connected account",
        description="Pulls the account's recent posts into the persona's samples for the "
        "account's platform (at most 50 per platform); posts already there are skipped.",
        request=ImportSerializer,
        responses={
            200: envelope(ImportResultSerializer),
            **errors(
                Code.PERSONA_002, Code.SERVER_003, (Code.SERVER_005, 422), (Code.SERVER_001, 503)
            ),
        },
    )
    def post(self, request, persona_id):
        params = ImportSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        persona = selectors.get_persona_for_user(request.user, persona_id)
        connection = connection_selectors.get_connection_for_user(
            request.user, params.validated_data["connection_id"]
        )
        result = services.import_samples(persona=persona, connection=connection)
        return Response({"data": ImportResultSerializer(result).data})


urlpatterns = [
    path("personas", PersonaListView.as_view(), name="api-personas"),
    path("personas/<str:persona_id>", PersonaDetailView.as_view(), name="api-persona-detail"),
    path(
        "personas/<str:persona_id>/analyze",
        PersonaAnalyzeView.as_view(),
        name="api-persona-analyze",
    ),
    path(
        "personas/<str:persona_id>/import", PersonaImportView.as_view(), name="api-persona-import"
    ),
]
