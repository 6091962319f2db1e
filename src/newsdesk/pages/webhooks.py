"""/settings/webhooks/: a reader's own hooks, their secrets, delivery log and why one was turned off."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from newsdesk.readers.models import SavedSearch
from newsdesk.webhooks.models import Webhook, new_secret


def _valid_url(url: str) -> str | None:
    """Why URL cannot be a hook (None when fine); the network guard checks it again at each call."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "the address must start with http:// or https:// and name a host"
    if len(url) > 2000:
        return "the address is too long"
    return None


@login_required
def webhooks_settings(request: HttpRequest) -> HttpResponse:
    hooks = Webhook.objects.filter(user=request.user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "create":
            url = request.POST.get("url", "").strip()
            if problem := _valid_url(url):
                messages.error(request, f"Not added: {problem}.")
                return redirect("settings-webhooks")
            search = None
            if search_id := request.POST.get("saved_search", ""):
                search = SavedSearch.objects.filter(user=request.user, pk=search_id).first()
            try:
                min_outlets = max(2, min(int(request.POST.get("min_outlets", "3") or 3), 1000))
            except ValueError:
                min_outlets = 3
            Webhook.objects.create(
                user=request.user,
                name=request.POST.get("name", "")[:200],
                url=url,
                on_new_story=bool(request.POST.get("on_new_story")),
                on_story_outlets=bool(request.POST.get("on_story_outlets")),
                min_outlets=min_outlets,
                on_search_match=bool(request.POST.get("on_search_match")),
                saved_search=search,
            )
            messages.info(request, "Webhook added.")
            return redirect("settings-webhooks")
        hook = get_object_or_404(Webhook, user=request.user, pk=request.POST.get("hook", "0"))
        if action == "enable":
            hook.active, hook.consecutive_failures, hook.disabled_reason, hook.disabled_at = True, 0, "", None
            hook.save()
        elif action == "disable":
            hook.active, hook.disabled_reason = False, ""
            hook.save()
        elif action == "secret":
            hook.secret = new_secret()
            hook.save(update_fields=["secret"])
        elif action == "delete":
            hook.delete()
        return redirect("settings-webhooks")
    rows = [(h, h.deliveries.prefetch_related("log")[:10]) for h in hooks]
    return render(
        request,
        "webhooks/settings.html",
        {"rows": rows, "searches": SavedSearch.objects.filter(user=request.user)},
    )
