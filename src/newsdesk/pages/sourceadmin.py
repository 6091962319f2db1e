"""Staff actions on sources from the site: add (with a preview), edit, pause/resume, delete, refresh
now, OPML upload. Every action is a POST with a CSRF token; anyone but an active staff member gets
403 and nothing changes. The work is done by flow/ (adding, preview, importing), never here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from newsdesk.flow.adding import AddError, add_url, import_opml
from newsdesk.flow.preview import preview_url
from newsdesk.flow.tasks import fetch_source_task
from newsdesk.pipeline.opml import OpmlError
from newsdesk.sources.models import Source
from newsdesk.sources.sections import section_of

MAX_OPML_BYTES = 2 * 2**20
View = Callable[..., HttpResponse]


def staff_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return render(request, "sources/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _category(request: HttpRequest) -> str:
    return " ".join(request.POST.get("category", "").split())[:300]


@require_POST
@staff_only
def add(request: HttpRequest) -> HttpResponse:
    """'Preview' shows what the URL holds; 'Add' stores it and queues its first fetch."""
    url = request.POST.get("url", "").strip()[:2000]
    category = _category(request)
    if not url:
        messages.error(request, "Give the address of a feed or of a site.")
        return redirect("sources")
    if request.POST.get("action") != "save":
        preview = preview_url(url)
        return render(
            request,
            "sources/preview.html",
            {"preview": preview, "category": category, "section": section_of(category, preview.title)},
        )
    try:
        added = add_url(url, category=category)
    except AddError as exc:
        messages.error(request, str(exc))
        return redirect("sources")
    source = added.source
    title = " ".join(request.POST.get("title", "").split())[:500]
    if (category and source.category != category) or (title and not source.title):
        source.category = category or source.category
        source.title = source.title or title  # the feed's title as the preview read it
        source.save(update_fields=["category", "title"])
    if not added.created:
        messages.info(request, f"{source.display_name} is already one of the sources.")
    else:
        if source.kind == Source.Kind.FEED:
            fetch_source_task(source.pk)
        messages.success(request, f"Added {source.display_name}; its first fetch is queued.")
    return redirect("source", pk=source.pk)


@require_POST
@staff_only
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    source.category = _category(request)
    title = " ".join(request.POST.get("title", "").split())[:500]
    if title:
        source.title = title
    source.save(update_fields=["category", "title"])
    found = section_of(source.category, source.title)
    where = f" It is in {found.name}." if found else " It is in no section."
    messages.success(request, f"Saved {source.display_name}.{where}")
    return redirect("source", pk=pk)


@require_POST
@staff_only
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    source.active = request.POST.get("active") == "1"
    source.save(update_fields=["active"])
    state = "resumed" if source.active else "paused: it is not fetched until resumed"
    messages.success(request, f"{source.display_name} {state}.")
    return redirect("sources") if request.POST.get("next") == "list" else redirect("source", pk=pk)


@require_POST
@staff_only
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm the deletion.")
        return redirect("source", pk=pk)
    name, count = source.display_name, source.articles.count()
    source.delete()
    messages.success(request, f"Deleted {name} and its {count} article{'s' if count != 1 else ''}.")
    return redirect("sources")


@require_POST
@staff_only
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk, kind=Source.Kind.FEED)
    if not source.active:
        messages.error(request, f"{source.display_name} is paused; resume it first.")
    else:
        fetch_source_task(source.pk)
        messages.success(
            request, f"{source.display_name}: a fetch is queued; new articles appear in a minute."
        )
    return redirect("source", pk=pk)


@require_POST
@staff_only
def opml(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("opml")
    if upload is None:
        messages.error(request, "Choose an OPML file to upload.")
        return redirect("sources")
    if upload.size is not None and upload.size > MAX_OPML_BYTES:
        messages.error(request, f"That file is larger than {MAX_OPML_BYTES // 2**20} MiB.")
        return redirect("sources")
    try:
        created, existing = import_opml(upload.read(MAX_OPML_BYTES + 1)[:MAX_OPML_BYTES])
    except OpmlError as exc:
        messages.error(request, f"Not a usable OPML file: {exc}")
        return redirect("sources")
    messages.success(
        request,
        f"{created} source{'s' if created != 1 else ''} added, {existing} already there. "
        "New sources are fetched within a minute by the worker.",
    )
    return redirect("sources")
