import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
django_application = get_asgi_application()

# Django is set up above: these import models.
from newsdesk.pages.fastpath import FastPath  # noqa: E402
from newsdesk.webserver import start_web_process  # noqa: E402

# Anonymous readers' cached pages are answered before Django (pages/fastpath.py).
application = FastPath(django_application)
start_web_process()
