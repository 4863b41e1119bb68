"""/v1/launches: create, read, update, delete launches and (re)write their content."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from developer.models import Scope
from dropspace.api.errors import Code
from dropspace.api.schema import envelope, errors
from launches import analytics, deletion, selectors, services
from launches.models import Launch
from launches.publishing import services as publishing
from launches.serializers import (
    AnalyticsSerializer,
    DeletedPostSerializer,
    DeletedPostsSerializer,
    GenerateContentResponseSerializer,
    LaunchCreateSerializer,
    LaunchDetailSerializer,
    LaunchSerializer,
    LaunchStatusSerializer,
    LaunchUpdateSerializer,
    NoBodySerializer,
    PlatformsSerializer,
    PostingLogSerializer,
    PublishQueuedSerializer,
    RetryContentResultSerializer,
    RetryQueuedSerializer,
)

TAGS = ["Launches"]
WRITER_UNAVAILABLE = (Code.SERVER_001, 503, "content generation unavailable")


def _detail(launch_id, user) -> dict:
    launch = selectors.get_launch_for_user(user, launch_id, with_logs=True)
    return LaunchDetailSerializer(launch).data


class LaunchListView(generics.GenericAPIView):
    serializer_class = LaunchSerializer
    required_scopes = {"GET": Scope.READ, "POST": Scope.WRITE}

    def get_queryset(self):
        status = self.request.query_params.get("status") or None
        return selectors.launch_list_for(self.request.user, status=status)

    @extend_schema(
        tags=TAGS,
        summary="List launches with pagination",
        parameters=[
            OpenApiParameter(
                "status", str, enum=Launch.Status.values, description="only this status"
            )
        ],
        responses={200: LaunchSerializer(many=True)},
    )
    def get(self, request):
        status = request.query_params.get("status")
        if status and status not in Launch.Status.values:
            services.raise_problems(
                [{"field": "status", "message": f"status must be one of {Launch.Status.values}"}]
            )
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LaunchSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Create a launch with AI-written or custom content",
        description="Platforms without content are written by the AI writer (Claude, or the "
        "offline writer when no Anthropic key is configured). `media` items are fetched or "
        "decoded and stored now; their type is read from the bytes.",
        request=LaunchCreateSerializer,
        responses={
            201: envelope(LaunchDetailSerializer),
            **errors(
                Code.SERVER_003,
                Code.LAUNCH_002,
                Code.UPLOAD_001,
                Code.UPLOAD_002,
                Code.UPLOAD_003,
                Code.LAUNCH_007,
                (Code.AUTH_002, 403, "a platform is not in your plan"),
            ),
        },
    )
    def post(self, request):
        params = LaunchCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        launch, _ = services.create_launch(owner=request.user, **params.validated_data)
        return Response({"data": _detail(launch.pk, request.user)}, status=201)


class LaunchDetailView(APIView):
    required_scopes = {"GET": Scope.READ, "PATCH": Scope.WRITE, "DELETE": Scope.DELETE}

    @extend_schema(
        tags=TAGS,
        summary="Get a launch with its posting status",
        responses={200: envelope(LaunchDetailSerializer), **errors(Code.LAUNCH_001)},
    )
    def get(self, request, launch_id):
        return Response({"data": _detail(launch_id, request.user)})

    @extend_schema(
        tags=TAGS,
        summary="Update a draft, ready, scheduled, failed or cancelled launch",
        request=LaunchUpdateSerializer,
        responses={
            200: envelope(LaunchDetailSerializer),
            **errors(
                Code.LAUNCH_001,
                Code.LAUNCH_003,
                Code.SERVER_003,
                Code.UPLOAD_001,
                Code.UPLOAD_002,
                Code.UPLOAD_003,
                Code.LAUNCH_007,
            ),
        },
    )
    def patch(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        params = LaunchUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.update_launch(launch=launch, by=request.user, changes=dict(params.validated_data))
        return Response({"data": _detail(launch.pk, request.user)})

    @extend_schema(
        tags=TAGS,
        summary="Delete a launch (any status except running)",
        responses={204: None, **errors(Code.LAUNCH_001, Code.LAUNCH_003)},
    )
    def delete(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        services.delete_launch(launch=launch)
        return Response(status=204)


class GenerateContentView(APIView):
    required_scopes = {"POST": Scope.GENERATE}

    @extend_schema(
        tags=TAGS,
        summary="Regenerate AI content for all or specific platforms",
        description="Other platforms' content is kept. Each call counts against the launch's "
        "regeneration limit.",
        request=PlatformsSerializer,
        responses={
            200: GenerateContentResponseSerializer,
            **errors(Code.LAUNCH_001, Code.LAUNCH_003, Code.LAUNCH_002, WRITER_UNAVAILABLE),
        },
    )
    def post(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        params = PlatformsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        generation = services.generate_content(
            launch=launch, platforms=params.validated_data.get("platforms")
        )
        launch = selectors.get_launch_for_user(request.user, launch_id)
        return Response(
            {
                "data": {
                    "id": str(launch.pk),
                    "name": launch.name,
                    "platform_contents": LaunchDetailSerializer(launch).data["platform_contents"],
                },
                "generation": {
                    "platforms_generated": generation.platforms_generated,
                    "failures": generation.failures or None,
                    "generated_by": generation.writer,
                },
            }
        )


class RetryContentView(APIView):
    required_scopes = {"POST": Scope.GENERATE}

    @extend_schema(
        tags=TAGS,
        summary="Retry content generation for the platforms that failed",
        request=PlatformsSerializer,
        responses={
            200: envelope(RetryContentResultSerializer),
            **errors(Code.LAUNCH_001, Code.LAUNCH_003, Code.LAUNCH_002, WRITER_UNAVAILABLE),
        },
    )
    def post(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        params = PlatformsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        result = services.retry_content(
            launch=launch, platforms=params.validated_data.get("platforms")
        )
        return Response({"data": result})


class PublishView(APIView):
    required_scopes = {"POST": Scope.PUBLISH}

    @extend_schema(
        tags=TAGS,
        summary="Queue a launch for publishing",
        description="Validates every platform requirement first (all problems are listed in "
        "`details`), then moves the launch to `running` and posts in the background: poll "
        "/status or listen for launch.completed / launch.partial / launch.failed webhooks. "
        "Product Hunt, Hacker News and Substack become guided manual steps.",
        request=NoBodySerializer,
        responses={
            202: envelope(PublishQueuedSerializer),
            **errors(
                Code.LAUNCH_001,
                Code.LAUNCH_004,
                Code.LAUNCH_007,
                Code.AUTH_002,
                (Code.LAUNCH_007, 422, "no posting account configured"),
            ),
        },
    )
    def post(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        publishing.publish_launch(launch=launch, by=request.user)
        return Response({"data": {"message": "publish queued"}}, status=202)


class RetryView(APIView):
    required_scopes = {"POST": Scope.PUBLISH}

    @extend_schema(
        tags=TAGS,
        summary="Retry the failed platforms of a launch",
        description="Only failed (and unconfirmed: check the platform first) posts are sent "
        "again; a thread resumes after its last posted tweet. Published posts are never "
        "re-posted.",
        request=NoBodySerializer,
        responses={
            202: envelope(RetryQueuedSerializer),
            **errors(
                Code.LAUNCH_001,
                Code.LAUNCH_004,
                (Code.LAUNCH_003, 400, "no failed platforms to retry"),
            ),
        },
    )
    def post(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        platforms = publishing.retry_launch(launch=launch)
        return Response({"data": {"message": "retry queued", "platforms": platforms}}, status=202)


class StatusView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=TAGS,
        summary="Detailed posting logs per platform account",
        responses={200: envelope(LaunchStatusSerializer), **errors(Code.LAUNCH_001)},
    )
    def get(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
        logs = selectors.posting_logs(launch)
        return Response(
            {
                "data": {
                    "launch_id": str(launch.pk),
                    "launch_status": launch.status,
                    "posting_logs": PostingLogSerializer(logs, many=True).data,
                }
            }
        )


urlpatterns = [
    path("launches", LaunchListView.as_view(), name="api-launches"),
    path("launches/<str:launch_id>", LaunchDetailView.as_view(), name="api-launch-detail"),
    path(
        "launches/<str:launch_id>/generate-content",
        GenerateContentView.as_view(),
        name="api-launch-generate-content",
    ),
    path(
        "launches/<str:launch_id>/retry-content",
        RetryContentView.as_view(),
        name="api-launch-retry-content",
    ),
    path("launches/<str:launch_id>/publish", PublishView.as_view(), name="api-launch-publish"),
    path("launches/<str:launch_id>/retry", RetryView.as_view(), name="api-launch-retry"),
    path("launches/<str:launch_id>/status", StatusView.as_view(), name="api-launch-status"),
]


# --- after publishing: analytics and post deletion ---------------------------------------------


class LaunchAnalyticsView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=TAGS,
        summary="Publishing analytics with per-post engagement metrics (live refresh)",
        description="Metrics older than 5 minutes are fetched again from the platforms; a "
        "platform that cannot be asked (rate limit, expired token) answers its last numbers "
        "with cache_status stale instead of failing the response.",
        responses={200: envelope(AnalyticsSerializer), **errors(Code.LAUNCH_001)},
    )
    def get(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id, with_logs=True)
        data = analytics.launch_analytics(launch=launch)
        return Response({"data": AnalyticsSerializer(data).data})


class LaunchPostView(APIView):
    required_scopes = {"DELETE": Scope.DELETE}

    @extend_schema(
        tags=TAGS,
        operation_id="launches_post_destroy",
        summary="Delete a single published post from its platform",
        description="Only a post with status success and a post_id. A post already gone on the "
        "platform counts as deleted. Instagram and TikTok answer success false with error_code "
        "DELETE_NOT_SUPPORTED in a 200 body (delete those in the app).",
        responses={
            200: envelope(DeletedPostSerializer),
            **errors(Code.LAUNCH_001, Code.SERVER_003),
        },
    )
    def delete(self, request, launch_id, log_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        log = selectors.get_deletable_post(launch, log_id)
        result = deletion.delete_post(log=log)
        return Response({"data": DeletedPostSerializer(result).data})


class LaunchPostsView(APIView):
    required_scopes = {"DELETE": Scope.DELETE}

    @extend_schema(
        tags=TAGS,
        operation_id="launches_posts_destroy_all",
        summary="Delete all published posts of a launch from their platforms",
        description="Instagram and TikTok posts are skipped with DELETE_NOT_SUPPORTED "
        "(skipped_count); no_failures is true only when every post was deleted.",
        responses={200: envelope(DeletedPostsSerializer), **errors(Code.LAUNCH_001)},
    )
    def delete(self, request, launch_id):
        launch = selectors.get_launch_for_user(request.user, launch_id)
        result = deletion.delete_all_posts(launch=launch)
        return Response({"data": DeletedPostsSerializer(result).data})


urlpatterns += [
    path(
        "launches/<str:launch_id>/analytics",
        LaunchAnalyticsView.as_view(),
        name="api-launch-analytics",
    ),
    path("launches/<str:launch_id>/posts", LaunchPostsView.as_view(), name="api-launch-posts"),
    path(
        "launches/<str:launch_id>/posts/<str:log_id>",
        LaunchPostView.as_view(),
        name="api-launch-post",
    ),
]
