from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "newsdesk.api"
    label = "newsdesk_api"  # "api" alone is too likely to clash with a third-party app label
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.api import receivers  # models are loaded only now
        from newsdesk.readers.signals import password_changed

        password_changed.connect(receivers.password_changed, dispatch_uid="api-password-changed")
