"""Deleting a reader's account and everything personal."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newsdesk.readers.signals import account_deleting


def delete_account(user: Any, *, remove_comments: bool) -> None:
    """Delete the account and everything personal; apps above (comments) clean up their own rows
    on `account_deleting` first, in the same transaction.

    Follows, mutes, bookmarks, read marks, saved searches, the profile and bans go with the user row
    (CASCADE); reports and audit-log entries keep no link to it (SET_NULL).
    """
    with transaction.atomic():
        account_deleting.send(sender=delete_account, user=user, remove_comments=remove_comments)
        user.delete()
