"""What needs a confirmed e-mail address: the features that let an account act beyond the site's pages.

App passwords (reader apps log in with them) and webhooks (the site calls out to a URL the reader
chose) are refused to an account whose address is not confirmed, so a throwaway sign-up cannot use
them (issue 14). Staff accounts are trusted as they are (they make site-wide hooks in the admin).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newsdesk.readers.models import Profile

View = Callable[..., HttpResponse]


def has_verified_address(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return Profile.objects.filter(user_id=user.pk, email_verified=True).exists()


def owner_may_act() -> Q:
    """Rows owned by a user (field `user`) whose owner may use these features, or owned by nobody."""
    return Q(user__isnull=True) | Q(user__is_staff=True) | Q(user__profile__email_verified=True)


def verified_address_required(what: str) -> Callable[[View], View]:
    """A logged-in view that answers 403 with a "confirm your address first" page until it is confirmed
    (the login_required decorator goes outside this one)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not has_verified_address(request.user):
                return render(request, "readers/verify_first.html", {"what": what}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
