"""Property-based conformance: schemathesis calls every operation of /api/openapi.json through WSGI on a
populated database, with a reader's token, and checks for server errors and schema violations."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from newsdesk.wsgi import application

MAX_EXAMPLES = 12  # per operation: enough to find 500s and undocumented answers, a minute in all


# Loaded at collection through WSGI: serving the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


_current = {"token": ""}


@schema.auth(refresh_interval=None)  # every test has its own database, so its own token
class ReaderToken:
    """A reader's personal token: schemathesis also probes each operation without it and with a bad one."""

    def get(self, case, ctx):
        return _current["token"]

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(autouse=True)
def _wsgi_in_the_test_transaction(settings, world):
    _current["token"] = world.token
    settings.NEWSDESK_API_RATE_PER_MIN = 0  # the fuzzer would run into the limit, which is tested elsewhere
    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, world):
    response = case.call()
    # Two answers no schema can foresee are spared the "valid data accepted" check, and only they:
    # a cursor is opaque, so a well-formed string the server never issued is refused with 400
    # bad_cursor; and a follow or mute key must also fit its kind (an entity's key is a slug, a topic
    # is at most 60 characters once spaces are collapsed), which one key field for every kind cannot
    # state, so a key that does not is refused with 422 invalid_key. An unknown source id is a 404,
    # which the schema documents and the check accepts.
    spared = _error_code(response) in {(400, "bad_cursor"), (422, "invalid_key")}
    excluded = [positive_data_acceptance] if spared else []
    case.validate_response(response, excluded_checks=excluded)


def _error_code(response) -> tuple[int, str] | None:
    if response.status_code not in (400, 422):
        return None
    try:
        return response.status_code, response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
