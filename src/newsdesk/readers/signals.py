"""What the readers app tells the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent inside the deleting transaction, before the user row goes. Arguments: user, remove_comments
# (the reader asked for their comments to go too). A receiver's error rolls the deletion back.
account_deleting = Signal()
