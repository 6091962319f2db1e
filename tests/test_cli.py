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


def test_a_progress_bar_first_shown_after_a_batch_shows_no_invented_rate(capsys) -> None:
    # A batch of 64 embedded before the first report: its time is unknown, so no rate yet, then a
    # rate for what follows only (not 64 / 0.0001 s = "640,000/s").
    bars = cli._Bars(True, tty=True)
    bars("embedding", 64, 128)
    shown = capsys.readouterr().err.split("\r")[-1]  # what the terminal shows now
    assert "64/128" in shown and "?/s" in shown, shown
    bars.close()


def test_progress_off_a_terminal_is_plain_lines_with_true_elapsed_time(capsys, monkeypatch) -> None:
    # In a log file or CI, bars redrawn with carriage returns interleave with log lines: one plain
    # line per tenth of the work instead, the time counted from the first report of that label.
    clock = iter([100.0, 101.0, 102.0, 103.0, 160.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    bars = cli._Bars(True, tty=False)
    bars("embedding", 0, 100)
    bars("embedding", 3, 100)  # under a tenth more: no line
    bars("embedding", 10, 100)
    bars("embedding", 15, 100)  # no line
    bars("embedding", 100, 100)
    bars.close()
    err = capsys.readouterr().err
    assert "\r" not in err and "\x1b" not in err
    lines = ["embedding: 0/100 (0 s)", "embedding: 10/100 (2 s)", "embedding: 100/100 (60 s)"]
    assert err.splitlines() == lines
