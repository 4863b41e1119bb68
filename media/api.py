"""/v1/media: AI image and video generation jobs."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from developer.models import Scope
from dropspace.api.errors import Code
from dropspace.api.schema import envelope, errors
from media import generation, selectors
from media.serializers import GenerateSerializer, GenerationStartedSerializer, MediaJobSerializer

TAGS = ["Media"]


class GenerateView(APIView):
    required_scopes = {"POST": Scope.GENERATE}

    @extend_schema(
        tags=TAGS,
        summary="Submit an image or video generation job",
        description="`script_video` makes a video from a text script (needs `platform` "
        "instagram or tiktok and a `prompt`); `video` from a visual prompt. Poll "
        "GET /v1/media/{job_id} or listen for the `media.ready` / `media.failed` webhooks. "
        "Without a fal key the server's local renderer makes the file (`model_id` "
        "`dropspace/local-card` or `dropspace/local-video`).",
        request=GenerateSerializer,
        responses={
            202: envelope(GenerationStartedSerializer),
            **errors(Code.SERVER_002, Code.AUTH_002, Code.LAUNCH_001, Code.MEDIA_001),
            **errors(Code.RATE_001, Code.UPLOAD_001, Code.UPLOAD_002),
        },
    )
    def post(self, request):
        params = GenerateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        options = data.get("options") or {}
        job, usage, plan = generation.start_generation(
            owner=request.user,
            generation_type=data["type"],
            launch_id=data["launch_id"],
            platform=data["platform"],
            prompt=data["prompt"],
            product_description=data["product_description"],
            aspect_ratio=options.get("aspect_ratio"),
            duration_seconds=options.get("duration_seconds"),
            reference_image_url=data["reference_image_url"],
        )
        body = {
            "status": job.status,
            "job_id": job.pk,
            "fal_request_id": job.fal_request_id or None,
            "generation_type": job.generation_type,
            "usage": usage,
            "plan": plan,
        }
        return Response({"data": GenerationStartedSerializer(body).data}, status=202)


class MediaJobView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=TAGS,
        summary="Poll media generation status",
        responses={200: envelope(MediaJobSerializer), **errors(Code.SERVER_003)},
    )
    def get(self, request, job_id):
        job = selectors.get_job_for_user(request.user, job_id)
        return Response({"data": MediaJobSerializer(job).data})


urlpatterns = [
    path("media/generate", GenerateView.as_view(), name="media-generate"),
    path("media/<uuid:job_id>", MediaJobView.as_view(), name="media-job"),
]
