"""Comment forms (post, reply, edit, delete, report) and the moderators' queue and audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from newsdesk.articles.models import Article
from newsdesk.comments import moderation
from newsdesk.comments.models import Comment, ModerationAction, Report
from newsdesk.comments.posting import (
    CommentRefused,
    RateLimited,
    Target,
    can_edit,
    delete_comment,
    edit_comment,
    edit_deadline,
    post_comment,
    report_comment,
)
from newsdesk.comments.roles import is_moderator
from newsdesk.readers.ratelimit import client_ip, too_many
from newsdesk.stories.models import Story


def target_url(target: Target) -> str:
    return (
        reverse("story", args=[target.pk])
        if isinstance(target, Story)
        else reverse("article", args=[target.pk])
    )


def _target(value: str) -> Target:
    kind, _, pk = (value or "").partition(":")
    if not pk.isdigit():
        raise Http404("No such discussion.")
    if kind == "story":
        return get_object_or_404(Story, pk=int(pk))
    if kind == "article":
        return get_object_or_404(Article, pk=int(pk))
    raise Http404("No such discussion.")


def _refused(request: HttpRequest, message: str, status: int, **ctx) -> HttpResponse:
    return render(request, "comments/refused.html", {"message": message, **ctx}, status=status)


@login_required
@require_POST
def post(request: HttpRequest) -> HttpResponse:
    target = _target(request.POST.get("target", ""))
    parent = None
    if parent_id := request.POST.get("parent", ""):
        if not parent_id.isdigit():
            raise Http404("No such comment.")
        parent = get_object_or_404(Comment, pk=int(parent_id))
    body = request.POST.get("body", "")
    back = target_url(target)
    ctx = {"body": body, "target": request.POST.get("target", ""), "parent": parent, "back": back}
    try:
        comment = post_comment(request.user, target, body, parent=parent, ip=client_ip(request))
    except RateLimited as exc:
        return too_many(request, exc.limited, exc.what, "comments/refused.html", ctx)
    except CommentRefused as exc:
        return _refused(request, exc.message, exc.status, **ctx)
    if comment.status == Comment.Status.HELD:
        messages.info(request, "Your comment waits for a moderator's review before others can see it.")
    return HttpResponseRedirect(f"{back}#c{comment.pk}")


def _own(request: HttpRequest, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("story", "article"), pk=pk)
    if comment.author_id != request.user.pk:
        raise Http404("No such comment of yours.")
    return comment


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own(request, pk)
    back = target_url(comment.target)
    if request.method == "POST":
        try:
            edit_comment(request.user, comment, request.POST.get("body", ""))
        except CommentRefused as exc:
            return _refused(request, exc.message, exc.status, body=request.POST.get("body", ""), back=back)
        return HttpResponseRedirect(f"{back}#c{comment.pk}")
    if not can_edit(request.user, comment):
        return _refused(request, "This comment can no longer be edited.", 403, body=comment.body, back=back)
    return render(
        request, "comments/edit.html", {"comment": comment, "back": back, "deadline": edit_deadline(comment)}
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own(request, pk)
    back = target_url(comment.target)
    delete_comment(request.user, comment)
    messages.info(request, "Your comment was deleted.")
    return HttpResponseRedirect(f"{back}#comments")


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("story", "article", "author"), pk=pk)
    back = target_url(comment.target)
    if request.method == "POST":
        try:
            report_comment(
                request.user, comment, request.POST.get("reason", ""), request.POST.get("note", "")
            )
        except RateLimited as exc:
            return too_many(request, exc.limited, exc.what, "comments/refused.html", {"back": back})
        except CommentRefused as exc:
            return _refused(request, exc.message, exc.status, back=back)
        messages.info(request, "Thank you: a moderator will look at this comment.")
        return HttpResponseRedirect(f"{back}#c{comment.pk}")
    if comment.status != Comment.Status.VISIBLE:
        raise Http404("No such comment.")
    return render(
        request, "comments/report.html", {"comment": comment, "back": back, "reasons": Report.Reason.choices}
    )


# Moderation ------------------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    if not is_moderator(request.user):
        return _refused(request, "Only moderators can see this page.", 403)
    return None


def queue(request: HttpRequest) -> HttpResponse:
    if refusal := _moderator(request):
        return refusal
    return render(
        request,
        "comments/queue.html",
        {"waiting": list(moderation.queue()[:200]), "hidden": list(moderation.recently_hidden())},
    )


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return redirect("comments:queue")


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _moderator(request):
        return refusal
    comment = get_object_or_404(Comment, pk=pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    step = {"hide": moderation.hide, "restore": moderation.restore, "dismiss": moderation.dismiss}.get(action)
    if step is None:
        return _refused(request, f"Unknown action {action!r}: hide, restore or dismiss.", 400)
    step(request.user, comment, reason)
    done = {"hide": "hidden", "restore": "restored", "dismiss": "its reports dismissed"}[action]
    messages.info(request, f"Comment {comment.pk} {done}.")
    return _back_to_queue(request)


@require_POST
def ban(request: HttpRequest, user_pk: int) -> HttpResponse:
    if refusal := _moderator(request):
        return refusal
    user = get_object_or_404(get_user_model(), pk=user_pk)
    try:
        if request.POST.get("action") == "unban":
            moderation.unban(request.user, user, request.POST.get("reason", ""))
            messages.info(request, f"{user.get_username()} may comment again.")
        else:
            days_text = request.POST.get("days", "").strip()
            days = int(days_text) if days_text.isdigit() and int(days_text) > 0 else None
            moderation.ban(
                request.user,
                user,
                days=days,
                reason=request.POST.get("reason", ""),
                hide_comments=request.POST.get("hide_comments") == "on",
            )
            messages.info(request, f"{user.get_username()} is banned from commenting.")
    except moderation.NotAllowed as exc:
        return _refused(request, str(exc), 403)
    return _back_to_queue(request)


def audit_log(request: HttpRequest) -> HttpResponse:
    if refusal := _moderator(request):
        return refusal
    page = Paginator(
        ModerationAction.objects.select_related("actor", "target_user", "comment"), 100
    ).get_page(request.GET.get("page"))
    return render(request, "comments/log.html", {"page": page})
