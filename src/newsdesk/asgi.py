import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()

# Django is set up above: these import models.
from newsdesk.pages.fastpath import FastPath  # noqa: E402
from newsdesk.webserver import start_web_process  # noqa: E402
from newsdesk.webthreads import DjangoInThreads, web_threads  # noqa: E402

# Anonymous readers' cached pages are answered before Django (pages/fastpath.py); the rest go to
# Django's handler in this process's threads (webthreads.py).
application = FastPath(DjangoInThreads(django_application, web_threads()))
start_web_process()
