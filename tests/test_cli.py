"""The `newsdesk` command called in a process where Django is already set up (tests, scripts)."""

from __future__ import annotations

import logging
import sys

import pytest

from newsdesk import cli

pytestmark = pytest.mark.django_db


def test_main_leaves_the_logging_configuration_alone(capsys) -> None:
    # Setting Django up again would configure logging anew, onto the sys.stderr of this moment
    # (capsys's, closed after this test): every later record, from any thread, would then end in
    # "ValueError: I/O operation on closed file".
    root = logging.getLogger()
    before = list(root.handlers)
    assert cli.main(["role", "nobody"]) == 2
    assert "no account named 'nobody'" in capsys.readouterr().err
    assert root.handlers == before
    assert all(getattr(h, "stream", None) is not sys.stderr for h in root.handlers)
