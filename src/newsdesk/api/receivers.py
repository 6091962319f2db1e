"""The API's reactions to the accounts (connected in ApiConfig.ready).

A password change or reset revokes every personal API token of the account: whoever knew the old
password may have made one. Seen where every such change goes (Django's `set_password` and a save:
a reset, the settings page, the admin, `changepassword`), as readersync/receivers.py does for the
reader-app credentials; a hash upgraded at log-in is no change (Django clears `_password` first).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from newsdesk.api.models import ApiToken


def password_changed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and getattr(instance, "_password", None) is not None:
        ApiToken.objects.filter(user=instance, revoked_at__isnull=True).update(revoked_at=timezone.now())
