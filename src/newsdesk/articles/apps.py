from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_fulltext(using: str = "default", **kwargs: object) -> None:
    from importlib import import_module

    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'article_fts'")
        if cursor.fetchone() is None:  # migrations not applied yet
            return
    import_module("newsdesk.articles.migrations.0002_fulltext").ensure_sqlite_triggers(connection)


class ArticlesConfig(AppConfig):
    name = "newsdesk.articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsdesk.articles import receivers  # noqa: F401  (connects them; models are loaded only now)

        post_migrate.connect(_ensure_fulltext, sender=self)
