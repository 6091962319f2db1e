from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "newsdesk.webhooks"
    verbose_name = "Webhooks"
