"""Template context every page gets: the site's sections, for the navigation."""

from __future__ import annotations

from django.http import HttpRequest

from newsdesk.sources.sections import sections


def site_sections(request: HttpRequest) -> dict[str, object]:
    path = request.path
    current = next((s.slug for s in sections() if path.startswith(f"/section/{s.slug}/")), "")
    return {"site_sections": sections(), "current_section": current}
