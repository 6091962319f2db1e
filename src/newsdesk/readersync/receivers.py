"""The reader-app sync's reactions to the accounts (connected in ReadersyncConfig.ready).

A password change or reset (readers.signals.password_changed) logs every reader app out and removes
the app password and the Fever key: whoever knew the old password may have set them.
"""

from __future__ import annotations

from typing import Any

from newsdesk.readersync.credentials import revoke_app_credentials


def password_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    revoke_app_credentials(user)
