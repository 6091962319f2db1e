from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class ReadersyncConfig(AppConfig):
    name = "newsdesk.readersync"
    verbose_name = "Reader-app sync (Google Reader, Fever)"

    def ready(self) -> None:
        from newsdesk.readersync import receivers  # models are loaded only now

        post_save.connect(
            receivers.password_changed,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="readersync-password-changed",
        )
