from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "newsdesk.runtime"
    verbose_name = "Runtime (locks, heartbeats)"
    default_auto_field = "django.db.models.BigAutoField"
