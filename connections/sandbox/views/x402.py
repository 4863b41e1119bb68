"""/sandbox/x402/facilitator/{verify,settle,supported}: the sandbox x402 facilitator."""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from connections.sandbox import x402
from connections.sandbox.views.common import sandbox_only


def _body(request):
    try:
        return json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


@csrf_exempt
@sandbox_only
@require_POST
def verify(request):
    body = _body(request)
    if body is None:
        return JsonResponse({"error": "the body must be JSON"}, status=400)
    return JsonResponse(x402.verify(body))


@csrf_exempt
@sandbox_only
@require_POST
def settle(request):
    body = _body(request)
    if body is None:
        return JsonResponse({"error": "the body must be JSON"}, status=400)
    return JsonResponse(x402.settle(body))


@sandbox_only
@require_GET
def supported(request):
    return JsonResponse(x402.supported())
