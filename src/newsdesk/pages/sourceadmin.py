"""Staff actions on sources from the site: add (with a preview), edit, pause/resume, delete, refresh
now, OPML upload. Every action is a POST with a CSRF token; anyone but an active staff member gets
403 and nothing changes. The work is done by flow/ (adding, preview, importing), never here; adding
and previewing fetch, so they run in a worker and the browser watches a status page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from newsdesk.flow.adding import AddError, AlreadyFollowed, import_opml
from newsdesk.flow.additions import ADDITION_LEASE, request_addition
from newsdesk.flow.preview import Preview
from newsdesk.flow.tasks import add_source_task, fetch_source_task
from newsdesk.pipeline.opml import OpmlError
from newsdesk.sources.models import Source, SourceAddition
from newsdesk.sources.sections import section_of

MAX_OPML_BYTES = 2 * 2**20
REFRESH_S = 2  # how often a waiting status page reloads itself (a meta refresh: no script needed)
STALLED = timedelta(seconds=30)
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
    """'Preview' shows what the URL holds; 'Add' stores it and queues its first fetch. Both are only
    recorded here and done by a worker (a page may list many slow feeds, issue 14): the browser goes
    to the request's status page at once, with nothing fetched in this request."""
    url = request.POST.get("url", "").strip()[:2000]
    category = _category(request)
    if not url:
        messages.error(request, "Give the address of a feed or of a site.")
        return redirect("sources")
    preview = request.POST.get("action") != "save"
    try:
        addition = request_addition(url, category=category, user=request.user, preview=preview)
    except AlreadyFollowed as exc:
        source = exc.source
        if category and source.category != category:  # the preview's "Update category"
            source.category = category
            source.save(update_fields=["category"])
            messages.success(request, f"{source.display_name} is already one of the sources; category saved.")
        else:
            messages.info(request, f"{source.display_name} is already one of the sources.")
        return redirect("source", pk=source.pk)
    except AddError as exc:
        messages.error(request, str(exc))
        return redirect("sources")
    add_source_task(addition.pk)
    return redirect("source-addition", pk=addition.pk)


@require_safe
@staff_only
def addition(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a preview or an addition stands: "looking at…" (the page reloads itself every
    REFRESH_S), then the preview, the new source, or why it could not be added."""
    item = get_object_or_404(SourceAddition.objects.select_related("source"), pk=pk)
    if item.status == SourceAddition.Status.PENDING:
        # No worker took it within half a minute, or the one that did died with it: say so.
        now = timezone.now()
        stalled = (
            now - item.started_at > ADDITION_LEASE if item.started_at else now - item.created_at > STALLED
        )
        context = {"addition": item, "refresh_s": REFRESH_S, "stalled": stalled}
        return render(request, "sources/addition.html", context)
    if item.preview:
        preview = (
            Preview.from_json(item.result) if item.result else Preview(asked=item.url, message=item.error)
        )
        section = section_of(item.category, preview.title)
        return render(
            request,
            "sources/preview.html",
            {"preview": preview, "category": item.category, "section": section},
        )
    if item.status == SourceAddition.Status.FAILED or item.source is None:
        return render(request, "sources/addition.html", {"addition": item})
    name = item.source.display_name
    if item.status == SourceAddition.Status.EXISTS:
        messages.info(request, f"{name} is already one of the sources.")
    elif item.how == "article":
        messages.success(request, f"Added {item.url} as a single article of {name}.")
    else:
        messages.success(request, f"Added {name}; its first fetch is queued.")
    return redirect("source", pk=item.source_id)


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
