"""GET /v1/usage: the plan, its billing period, usage against every limit, and features."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors
from billing.plans import all_plans
from billing.serializers import UsageSerializer
from developer.models import Scope
from dropspace.api.schema import envelope


class UsageView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=["Usage"],
        summary="Get plan limits and current usage",
        description=(
            "Monthly limits count from `billing_period.start` and reset at "
            '`billing_period.end`. `limit` and `remaining` are the string "unlimited" on plans '
            "without that limit. `personas` is a lifetime limit; `analyses_per_persona` and "
            "`regenerations_per_launch` apply to each persona / launch, so they have no "
            "`used` or `remaining`."
        ),
        responses={200: envelope(UsageSerializer)},
    )
    def get(self, request):
        usage = selectors.usage_for(request.user)
        return Response({"data": UsageSerializer(usage).data})


urlpatterns = [path("usage", UsageView.as_view(), name="api-usage")]


def describe_rate_limits(result, generator, request, public):
    """drf-spectacular hook: the API description lists each plan's rate limit (from the plans)."""
    plans = ", ".join(
        f"{plan.label} {plan.api_requests_per_minute}" for plan in all_plans().values()
    )
    result["info"]["description"] += (
        f"\n\n**Rate limits.** Requests per minute per API key, by plan: {plans}. Every "
        "response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`; "
        "a 429 adds `Retry-After`. `GET /v1/usage` shows your plan and its limits."
    )
    return result
