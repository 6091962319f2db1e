"""What the sources app tells the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# Sent once a reader app's requested feed is added and followed by whoever asked (flow/additions.py).
# Argument: addition (its source, requested_by and follow_folders are set). The reader-app sync puts
# the subscription in the folders the app asked for.
addition_followed = Signal()
