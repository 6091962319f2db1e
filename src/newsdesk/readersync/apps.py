from django.apps import AppConfig


class ReadersyncConfig(AppConfig):
    name = "newsdesk.readersync"
    verbose_name = "Reader-app sync (Google Reader, Fever)"
