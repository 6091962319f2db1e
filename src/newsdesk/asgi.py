import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
application = get_asgi_application()

from newsdesk.webserver import start_web_process  # noqa: E402 (Django is set up above)

start_web_process()
