from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "newsdesk.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from newsdesk.webhooks import receivers  # noqa: F401  (connects them; models are loaded only now)
