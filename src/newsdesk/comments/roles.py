"""Roles: reader, moderator, admin — Django groups and one permission, made on first use.

Groups are made lazily (not in a data migration) so a database flushed by tests or restored
from a dump without them still gets them back the first time anyone signs up or is promoted.
"""

from __future__ import annotations

import contextlib

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission

READERS = "readers"
MODERATORS = "moderators"
ROLES = ("reader", "moderator", "admin")
MODERATE = "comments.moderate_comment"
MODERATES = "newsdesk_moderates"  # on a user read by comments/auth.py: holds MODERATE
GATE = "newsdesk_comment_gate"  # on a user read by comments/auth.py: (address verified, ban or None)


def forget_read_with(user) -> None:
    """A change to the user's role or ban: what their request read with them no longer holds."""
    for name in (MODERATES, GATE):
        with contextlib.suppress(AttributeError):
            delattr(user, name)  # (request.user is a lazy object: its __dict__ is not the user's)


def ensure_groups() -> tuple[Group, Group]:
    readers, _ = Group.objects.get_or_create(name=READERS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    perms = Permission.objects.filter(
        content_type__app_label="comments",
        codename__in=["moderate_comment", "view_comment", "view_report", "view_ban", "view_moderationaction"],
    )
    moderators.permissions.add(*perms)
    return readers, moderators


def is_moderator(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(MODERATE)))


def grant(user, role: str) -> None:
    """Give `user` exactly `role`: reader; moderator (the group); admin (staff + superuser)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    readers, moderators = ensure_groups()
    user.groups.add(readers)
    if role == "reader":
        user.groups.remove(moderators)
        user.is_staff = user.is_superuser = False
    elif role == "moderator":
        user.groups.add(moderators)
        user.is_staff = user.is_superuser = False
    else:
        user.groups.add(moderators)
        user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    # has_perm caches per user object; a role change must show at once.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    forget_read_with(user)


def role_of(user) -> str:
    if user.is_superuser or user.is_staff:
        return "admin"
    return "moderator" if is_moderator(user) else "reader"
