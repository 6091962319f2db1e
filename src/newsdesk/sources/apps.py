from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "newsdesk.sources"
    default_auto_field = "django.db.models.BigAutoField"
