from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "newsdesk.comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.comments import receivers  # noqa: F401  (connects them; models are loaded only now)
