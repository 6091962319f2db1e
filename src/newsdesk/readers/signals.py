"""What the readers app tells the apps above it (they connect in their AppConfig.ready)."""

from typing import Any

from django.dispatch import Signal

# Sent inside the deleting transaction, before the user row goes. Arguments: user, remove_comments
# (the reader asked for their comments to go too). A receiver's error rolls the deletion back.
account_deleting = Signal()

# Sent once an account's password has changed (a reset, the settings page, the admin,
# `changepassword`: Django's `set_password` and a save), never for a new account nor for a hash
# upgraded at log-in (Django clears `_password` before that save). Argument: user. Whoever knew the
# old password may have made tokens or app passwords: the receivers revoke them.
password_changed = Signal()


def send_password_changed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """post_save of the user model (connected in ReadersConfig.ready): one place decides what a
    password change is."""
    if not created and getattr(instance, "_password", None) is not None:
        password_changed.send(sender=sender, user=instance)
