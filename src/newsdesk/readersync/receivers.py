"""The reader-app sync's reactions to the accounts (connected in ReadersyncConfig.ready).

A password change or reset (readers.signals.password_changed) logs every reader app out and removes
the app password and the Fever key: whoever knew the old password may have set them. A feed a reader
app subscribed to before the site had it (sources.signals.addition_followed, once the worker added
and followed it) goes into the folders the app asked for.
"""

from __future__ import annotations

from typing import Any

from newsdesk.readersync import state
from newsdesk.readersync.credentials import revoke_app_credentials


def password_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    revoke_app_credentials(user)


def addition_followed(sender: Any, addition: Any, **kwargs: Any) -> None:
    for folder in addition.follow_folders:
        state.set_label(addition.requested_by, addition.source, folder, on=True)
