from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.stories import receivers  # noqa: F401  (connects them; models are loaded only now)
