from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "newsdesk.api"
    label = "newsdesk_api"  # "api" alone is too likely to clash with a third-party app label
    default_auto_field = "django.db.models.BigAutoField"
