from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "newsdesk.sources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.sources import receivers  # noqa: F401  (connects them; models are loaded only now)
