"""Reader buttons for any page: follow, mute, save, read state (plain POST forms with CSRF), the
account links and messages. Each is a hole (readers/holes.py): rendered for the request at once, or
left as a marker in a page made once for many readers and filled for each."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django import template
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from newsdesk.readers.holes import hole, personal
from newsdesk.readers.matching import entities_named_in
from newsdesk.readers.state import reader_state

register = template.Library()
ENTITY_BUTTONS = 6


def _base(request: Any, csrf_token: Any) -> dict[str, Any]:
    state = reader_state(request) if request is not None else None
    return {
        "request": request,
        "csrf_token": csrf_token,
        "state": state,
        "signed_in": state is not None and state.authenticated,
        "here": request.get_full_path() if request is not None else "/",
    }


def _entities(context: template.Context, article_ids: list[int]) -> tuple[tuple[str, str, str], ...]:
    """Who the articles name, for follow buttons: wanted for a signed-in reader, or for a page made
    for many readers (the list is the same for all of them); an anonymous page shows no buttons."""
    request = context.get("request")
    shared = getattr(request, "page_holes", None) is not None
    if not shared and not (request is not None and reader_state(request).authenticated):
        return ()
    return tuple(tuple(e) for e in entities_named_in(article_ids, ENTITY_BUTTONS))


def _here(request: Any) -> str:
    return request.get_full_path() if request is not None else "/"


def _signed_in(request: Any) -> Any:
    """The reader's state when signed in, else None."""
    state = reader_state(request) if request is not None else None
    return state if state is not None and state.authenticated else None


# What each hole's text depends on besides its arguments (readers/holes.py keeps texts by it).


def _vary_follow(request: Any, kind: str, key: str, label: str) -> tuple[Any, ...]:
    state = _signed_in(request)
    return (state is not None, state is not None and state.follows(kind, key), _here(request))


def _vary_mute(request: Any, kind: str, key: str, label: str) -> tuple[Any, ...]:
    state = _signed_in(request)
    return (state is not None, state is not None and state.mutes(kind, key), _here(request))


def _vary_save(request: Any, pk: int | None, title: str) -> tuple[Any, ...]:
    state = _signed_in(request)
    return (state is not None, state is not None and pk in state.bookmarked, _here(request))


def _vary_article_actions(
    request: Any,
    pk: int,
    title: str,
    source_id: int,
    source_name: str,
    entities: tuple[tuple[str, str, str], ...] = (),
) -> tuple[Any, ...]:
    state = _signed_in(request)
    if state is None:
        return (False,)
    source = str(source_id)
    return (
        True,
        _here(request),
        pk in state.bookmarked,
        pk in state.read,
        state.follows("source", source),
        state.mutes("source", source),
        tuple(state.follows("entity", slug) for slug, _, _ in entities),
    )


def _vary_story_actions(
    request: Any, story_pk: int, entities: tuple[tuple[str, str, str], ...]
) -> tuple[Any, ...]:
    state = _signed_in(request)
    if state is None:
        return (False,)
    return (True, _here(request), tuple(state.follows("entity", slug) for slug, _, _ in entities))


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _vary_nav_links(request: Any) -> tuple[Any, ...]:
    user = _user(request)
    return (user is not None and user.is_authenticated,)


def _vary_nav_account(request: Any) -> tuple[Any, ...]:
    user = _user(request)
    if user is None or not user.is_authenticated:
        return (False, request.path if request is not None else "")
    moderates = user.has_perm("comments.moderate_comment")
    return (True, user.is_staff, moderates, user.get_username())


@hole("nav_links", vary=_vary_nav_links)
def _nav_links(request: Any, csrf_token: Any) -> str:
    user = _user(request)
    return render_to_string("readers/nav_links.html", {"user": user})


@hole("nav_account", vary=_vary_nav_account)
def _nav_account(request: Any, csrf_token: Any) -> str:
    user = _user(request)
    ctx = {"request": request, "user": user, "csrf_token": csrf_token}
    if user is not None:
        ctx["perms"] = PermWrapper(user)
    return render_to_string("readers/nav_account.html", ctx)


@hole("messages")
def _messages(request: Any, csrf_token: Any) -> str:
    found = list(get_messages(request)) if request is not None else []
    return render_to_string("readers/messages.html", {"messages": found}) if found else ""


@hole("read")
def _read(request: Any, csrf_token: Any, pk: int | None) -> str:
    if pk is None or request is None:
        return ""
    return " read" if pk in reader_state(request).read else ""


@hole("follow", vary=_vary_follow)
def _follow(request: Any, csrf_token: Any, kind: str, key: str, label: str) -> str:
    ctx = _base(request, csrf_token)
    ctx.update(kind=kind, key=key, label=label or key)
    ctx["on"] = ctx["signed_in"] and ctx["state"].follows(kind, key)
    return render_to_string("readers/_follow.html", ctx)


@hole("mute", vary=_vary_mute)
def _mute(request: Any, csrf_token: Any, kind: str, key: str, label: str) -> str:
    ctx = _base(request, csrf_token)
    ctx.update(kind=kind, key=key, label=label or key)
    ctx["on"] = ctx["signed_in"] and ctx["state"].mutes(kind, key)
    return render_to_string("readers/_mute.html", ctx)


@hole("save", vary=_vary_save)
def _save(request: Any, csrf_token: Any, pk: int | None, title: str) -> str:
    ctx = _base(request, csrf_token)
    if not ctx["signed_in"] or pk is None:
        return ""
    ctx.update(article=SimpleNamespace(pk=pk, title=title), on=pk in ctx["state"].bookmarked)
    return render_to_string("readers/_save.html", ctx)


@hole("article_actions", vary=_vary_article_actions)
def _article_actions(
    request: Any,
    csrf_token: Any,
    pk: int,
    title: str,
    source_id: int,
    source_name: str,
    entities: tuple[tuple[str, str, str], ...] = (),
) -> str:
    ctx = _base(request, csrf_token)
    if not ctx["signed_in"]:
        return ""
    article = SimpleNamespace(
        pk=pk, title=title, source_id=source_id, source=SimpleNamespace(display_name=source_name)
    )
    ctx.update(
        article=article,
        saved=pk in ctx["state"].bookmarked,
        is_read=pk in ctx["state"].read,
        entities=entities,
    )
    return render_to_string("readers/_article_actions.html", ctx)


@hole("story_actions", vary=_vary_story_actions)
def _story_actions(
    request: Any, csrf_token: Any, story_pk: int, entities: tuple[tuple[str, str, str], ...]
) -> str:
    ctx = _base(request, csrf_token)
    if not ctx["signed_in"]:
        return ""
    ctx.update(story=SimpleNamespace(pk=story_pk), entities=entities)
    return render_to_string("readers/_story_actions.html", ctx)


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context) -> SafeString:
    return personal(context, "nav_links")


@register.simple_tag(takes_context=True)
def nav_account(context: template.Context) -> SafeString:
    return personal(context, "nav_account")


@register.simple_tag(takes_context=True)
def reader_messages(context: template.Context) -> SafeString:
    return personal(context, "messages")


@register.simple_tag(takes_context=True)
def read_mark(context: template.Context, article: Any) -> SafeString:
    """' read' on a card the reader has read (a class), else nothing."""
    return personal(context, "read", article.pk if article is not None else None)


@register.simple_tag(takes_context=True)
def follow_button(context: template.Context, kind: str, key: Any, label: str = "") -> SafeString:
    return personal(context, "follow", kind, str(key), str(label or ""))


@register.simple_tag(takes_context=True)
def mute_button(context: template.Context, kind: str, key: Any, label: str = "") -> SafeString:
    return personal(context, "mute", kind, str(key), str(label or ""))


@register.simple_tag(takes_context=True)
def save_button(context: template.Context, article: Any) -> SafeString:
    if article is None:
        return personal(context, "save", None, "")
    return personal(context, "save", article.pk, article.title)


@register.simple_tag(takes_context=True)
def article_actions(context: template.Context, article: Any) -> SafeString:
    """Save, read/unread, follow or mute the source, follow the people and places it names (who they
    are is the same for every reader: found once, when the page is made)."""
    entities = _entities(context, [article.pk])
    return personal(
        context,
        "article_actions",
        article.pk,
        article.title,
        article.source_id,
        article.source.display_name,
        entities,
    )


@register.simple_tag(takes_context=True)
def story_actions(context: template.Context, story: Any, article_ids: Any = ()) -> SafeString:
    """Follow the people, organisations and places a story's articles name."""
    ids = list(article_ids) or list(story.articles.values_list("pk", flat=True)[:200])
    return personal(context, "story_actions", story.pk, _entities(context, ids[:200]))
