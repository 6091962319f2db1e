"""Log-in throttling holds across processes: two OS processes burst at one account at the same time,
against the same database, and together get no more tries than one process would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from newsdesk.readers.models import RateEvent
from tests.comments.factories import make_user, quick_password_hashing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quick_password_hashing")]
__all__ = ["quick_password_hashing"]  # the fixture, imported so pytest finds it here

BURST = textwrap.dedent(
    """
    import json, os, sys
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    django.setup()
    from django.test import Client
    results = []
    for i in range(8):
        r = Client().post("/accounts/login/", {"username": "target", "password": "wrong-password"},
                          REMOTE_ADDR=f"10.{sys.argv[1]}.0.{i}")
        results.append([r.status_code, r.get("Retry-After"), "Try again in" in r.content.decode()])
    print(json.dumps(results))
    """
)


def test_a_burst_from_two_processes_gets_no_more_tries_than_the_limit(tmp_path: Path) -> None:
    make_user("target")
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + db["NAME"]
    else:
        url = f"sqlite:///{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "NEWSDESK_SECRET_KEY": django_settings.SECRET_KEY,  # same keyed hashes as this process
        "NEWSDESK_LOGIN_FAILURES_ACCOUNT": "5/900",
        "NEWSDESK_LOGIN_FAILURES_IP": "100/900",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "NEWSDESK_ALLOWED_HOSTS": "testserver",  # Django's test client outside a test run
    }
    script = tmp_path / "burst.py"
    script.write_text(BURST)
    procs = [
        subprocess.Popen([sys.executable, str(script), str(n)], env=env, stdout=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]
    outputs = [json.loads(p.communicate(timeout=240)[0].strip().splitlines()[-1]) for p in procs]
    results = [r for out in outputs for r in out]
    assert len(results) == 16
    wrong_password_pages = [r for r in results if r[0] == 200]
    refused = [r for r in results if r[0] == 429]
    assert len(wrong_password_pages) + len(refused) == 16
    # Five tries in all reached the password check, whichever process made them; the try that
    # filled the window (and any that failed while the other process filled it) answered 429 at once.
    assert RateEvent.objects.filter(scope="login-account").count() == 5
    assert 1 <= len(wrong_password_pages) <= 4 and len(refused) >= 12
    assert all(int(r[1]) > 800 and r[2] for r in refused), refused
