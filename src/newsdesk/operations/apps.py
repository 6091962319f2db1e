from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "newsdesk.operations"
    verbose_name = "Operations (/healthz, /metrics)"
