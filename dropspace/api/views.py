from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from dropspace.api.errors import Code, error_body


@csrf_exempt  # like every API view: key-authenticated, no cookies, so no CSRF to check
def not_found(request, *args, **kwargs):
    """Unknown route under /v1/, whatever the method: 404 SERVER_003 in the API's own shape."""
    return JsonResponse(error_body(Code.SERVER_003, f"no API route for {request.path}"), status=404)
