from django.apps import AppConfig


class ReadersyncConfig(AppConfig):
    name = "newsdesk.readersync"
    verbose_name = "Reader-app sync (Google Reader, Fever)"

    def ready(self) -> None:
        from newsdesk.readers.signals import password_changed
        from newsdesk.readersync import receivers  # models are loaded only now
        from newsdesk.sources.signals import addition_followed

        password_changed.connect(receivers.password_changed, dispatch_uid="readersync-password-changed")
        addition_followed.connect(receivers.addition_followed, dispatch_uid="readersync-addition-followed")
