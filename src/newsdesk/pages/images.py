"""Stored thumbnails, served from the site: hashed names, so cached for a year and never revalidated."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from newsdesk.images import store

CACHE_CONTROL = "public, max-age=31536000, immutable"


@require_safe
def image(request: HttpRequest, name: str) -> FileResponse:
    path = store.path_for(name)
    if path is None:
        raise Http404("No such image.")
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404("No such image.") from None
    response = FileResponse(handle, content_type="image/webp")
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
