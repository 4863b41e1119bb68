"""Media pages: the library, and the files themselves at their unguessable URLs."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from media import selectors

# The bytes behind a URL never change (a new file gets a new token): cache for long.
FILE_CACHE = "public, max-age=31536000, immutable"


@login_required
@require_GET
def media_list(request):
    return render(request, "media/list.html")


@require_GET
def media_file(request, token: str, filename: str):
    """The file, to anyone holding the URL (platforms fetch it; the token is the secret)."""
    asset = selectors.asset_by_token(token)
    if asset is None or asset.filename != filename:
        raise Http404("no such media file")
    response = FileResponse(
        selectors.open_file(asset),
        content_type=asset.mime_type,
        as_attachment="download" in request.GET,
        filename=asset.filename,
    )
    response["Cache-Control"] = FILE_CACHE
    return response


@require_GET
def media_poster(request, token: str):
    asset = selectors.asset_by_token(token)
    if asset is None or not asset.poster_name:
        raise Http404("no such poster")
    response = FileResponse(selectors.open_file(asset, poster=True), content_type="image/jpeg")
    response["Cache-Control"] = FILE_CACHE
    return response
