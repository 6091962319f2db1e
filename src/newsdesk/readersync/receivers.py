"""The reader-app sync's reactions to the accounts (connected in ReadersyncConfig.ready).

A password change or reset logs every reader app out and removes the app password and the Fever key:
whoever knew the old password may have set them. It is seen where every such change goes, Django's
`set_password` and a save (a reset, the settings page, the admin, `changepassword`); a hash upgraded
at log-in is no change (Django clears `_password` before that save), nor is a new account.
"""

from __future__ import annotations

from typing import Any

from newsdesk.readersync.credentials import revoke_app_credentials


def password_changed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created and getattr(instance, "_password", None) is not None:
        revoke_app_credentials(instance)
