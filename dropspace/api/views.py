from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from dropspace.api.errors import Code, error_body


@csrf_exempt  # an API client has no CSRF cookie: a POST deserves the 404, not a 403 page
def not_found(request, *args, **kwargs):
    """Unknown route under /v1/: 404 SERVER_003 in the API's own shape."""
    return JsonResponse(error_body(Code.SERVER_003, f"no API route for {request.path}"), status=404)
