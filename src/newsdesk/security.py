"""Content-Security-Policy on every HTML page: defence in depth against XSS (the sanitiser is the
first line; should markup ever slip through, the browser still runs no script and loads no style
that is not ours). Pictures come from this site only: thumbnails are stored and served here
(flow/images.py), so no page tells another site who reads it.

Our templates carry no inline script, style attribute or event handler (the static files do that
work), so the policy is strict. The Django admin (5.2) and django-ninja's bundled Swagger UI at
/api/docs run under the same policy with no violation (tests/e2e/test_csp.py checks in Chromium), so
no path needs a relaxed one; a page that ever does would get it here, by path, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only HTML runs script or applies style; feeds, JSON and static files need no policy.
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", POLICY)
        return response
