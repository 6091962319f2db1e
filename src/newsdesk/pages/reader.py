"""A reader's own pages and actions: follow, mute, save for later, read state, For you, settings.

Every action is a plain POST form with its CSRF token that redirects back to the page it came
from, so everything works without JavaScript; `static/newsdesk.js` only adds keyboard shortcuts.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from newsdesk.articles.models import Article
from newsdesk.readers import changes
from newsdesk.readers.foryou import card_leads, for_you
from newsdesk.readers.models import Bookmark, Follow, Mute, Profile
from newsdesk.readers.opened import OPENED
from newsdesk.readers.state import KEPT, changed_in_request, reader_state, show_state
from newsdesk.sources.models import Source


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the page the form was on (only ever a page of this site)."""
    for target in (request.POST.get("next"), request.headers.get("Referer")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("front"))


KEPT_UNREAD = "kept_unread"  # session key: the article just marked unread from its own page


def mark_read(user: AbstractBaseUser | AnonymousUser, article: Article) -> None:
    """Opening an article marks it read for a signed-in reader."""
    if user.is_authenticated:
        changes.mark_read(user, [article.pk])


def mark_opened(request: HttpRequest, article: Article) -> None:
    """Opening an article marks it read, except the page shown right after "Mark unread" on it; the
    mark is written by this process's writer thread (readers/opened.py), the page shows it at once."""
    if not request.user.is_authenticated or request.session.pop(KEPT_UNREAD, None) == article.pk:
        return
    delay_s = settings.NEWSDESK_READ_MARKS_BATCH_S
    if delay_s <= 0:
        if changes.mark_read(request.user, [article.pk]):
            changed_in_request(request)  # the page shows it read
        return
    state = reader_state(request)
    if article.pk in state.read or state.version is None:
        return
    OPENED.add(request.user.pk, article.pk, delay_s)
    show_state(request, state.successor(state.version, read=({article.pk}, set())))


def _toggle(request: HttpRequest, model: type[Follow] | type[Mute], *, what: str, noun: str) -> HttpResponse:
    """Add (or with `undo`, remove) one of the reader's follows or mutes (caps: readers/changes.py)."""
    kind = request.POST.get("kind", "")
    if kind not in model.Kind.values:
        return HttpResponseBadRequest(what)
    raw = request.POST.get("key", "")
    try:
        if model is Follow:
            if request.POST.get("undo"):
                changes.unfollow(request.user, kind, raw)
            else:
                changes.follow(request.user, kind, raw, request.POST.get("label", ""))
        elif request.POST.get("undo"):
            changes.unmute(request.user, kind, raw)
        else:
            changes.mute(request.user, kind, raw)
    except changes.Refused as refused:
        if refused.code == "no_source":  # the site's own words for a key that names nothing
            return HttpResponseBadRequest(changes.not_followable(kind, noun))
        return HttpResponseBadRequest(refused.message)
    return _back(request)


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    what = "You can follow a source, a person, organisation or place, or a topic."
    return _toggle(request, Follow, what=what, noun="follow")


@login_required
@require_POST
def mute(request: HttpRequest) -> HttpResponse:
    return _toggle(request, Mute, what="You can mute a source or a keyword.", noun="mute")


@login_required
@require_POST
def bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    if request.POST.get("undo"):
        changes.unbookmark(request.user, [article.pk])
    else:
        changes.bookmark(request.user, [article.pk])
    return _back(request)


@login_required
@require_POST
def read_state(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    back = _back(request)
    if request.POST.get("unread"):
        if OPENED.forget(request.user.pk, {article.pk}):  # opened a moment ago, not written yet
            KEPT.forget(request.user.pk)
        changes.mark_unread(request.user, [article.pk])
        # The form sends the reader back to the page it was on; if that is the article itself,
        # showing it must not mark it read again.
        if urlsplit(back.url).path == reverse("article", args=[article.pk]):
            request.session[KEPT_UNREAD] = article.pk
    else:
        changes.mark_read(request.user, [article.pk])
    return back


@login_required
def for_you_page(request: HttpRequest) -> HttpResponse:
    state = reader_state(request)
    views = for_you(state)
    leads = card_leads(views)
    cards = [(v.story, leads.get(v.story.pk), v.reasons) for v in views]
    return render(request, "readers/for_you.html", {"cards": cards, "state": state})


@login_required
def saved_page(request: HttpRequest) -> HttpResponse:
    marks = Bookmark.objects.filter(user=request.user).select_related("article__source")[:500]
    return render(request, "readers/saved.html", {"bookmarks": marks, "state": reader_state(request)})


@login_required
def following_page(request: HttpRequest) -> HttpResponse:
    state = reader_state(request)
    follows = Follow.objects.filter(user=request.user)
    mutes = Mute.objects.filter(user=request.user)
    names = dict(Source.objects.values_list("pk", "title"))
    muted_sources = [
        (m, names.get(int(m.key)) if m.key.isdigit() else None) for m in mutes if m.kind == "source"
    ]
    return render(
        request,
        "readers/following.html",
        {
            "follows": follows,
            "muted_sources": muted_sources,
            "muted_keywords": [m for m in mutes if m.kind == "keyword"],
            "sources": Source.objects.order_by("title"),
            "state": state,
        },
    )


@cache
def _zones() -> list[tuple[str, str]]:
    return [
        (z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones()) if "/" in z or z == "UTC"
    ]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label="Time zone", choices=_zones)
    briefing_email = forms.BooleanField(label="E-mail me the daily Top 8", required=False)
    briefing_hour = forms.TypedChoiceField(
        label="At (your local time)",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )

    class Meta:
        model = Profile
        fields = ["time_zone", "briefing_email", "briefing_hour"]


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    profile = changes.profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    saved = False
    if request.method == "POST" and form.is_valid():
        form.save()
        saved = True
    return render(
        request,
        "readers/settings.html",
        {"form": form, "saved": saved, "profile": profile, "has_email": bool(request.user.email)},
        status=400 if request.method == "POST" and not saved else 200,
    )
