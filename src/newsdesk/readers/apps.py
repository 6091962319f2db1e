from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class ReadersConfig(AppConfig):
    name = "newsdesk.readers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.readers.signals import send_password_changed

        post_save.connect(
            send_password_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="readers-password-changed"
        )
