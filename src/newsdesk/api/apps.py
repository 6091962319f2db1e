from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class ApiConfig(AppConfig):
    name = "newsdesk.api"
    label = "newsdesk_api"  # "api" alone is too likely to clash with a third-party app label
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.api import receivers  # models are loaded only now

        post_save.connect(
            receivers.password_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-password-changed"
        )
