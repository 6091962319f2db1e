"""The API's reactions to the accounts (connected in ApiConfig.ready).

A password change or reset (readers.signals.password_changed) revokes every personal API token of the
account: whoever knew the old password may have made one.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from newsdesk.api.models import ApiToken


def password_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
