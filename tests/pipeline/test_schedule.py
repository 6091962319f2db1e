"""Back-off after failures and the refresh interval from a feed's publishing rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.pipeline.schedule import backoff_delay, parse_cache_max_age, parse_retry_after, refresh_interval

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_backoff_doubles_from_five_minutes() -> None:
    top = [backoff_delay(n, rng=lambda: 1.0) for n in range(1, 6)]
    assert top == [300, 600, 1200, 2400, 4800]
    assert backoff_delay(0) == 0


def test_backoff_jitter_stays_between_half_and_all() -> None:
    assert backoff_delay(3, rng=lambda: 0.0) == 600
    assert backoff_delay(3, rng=lambda: 0.999) == pytest.approx(1199.4)


@given(st.integers(min_value=-5, max_value=10**6), st.floats(min_value=0, max_value=1, exclude_max=True))
def test_backoff_is_never_infinite_and_never_past_a_day(failures: int, jitter: float) -> None:
    delay = backoff_delay(failures, rng=lambda: jitter)
    assert 0 <= delay <= 86400


def test_backoff_reaches_the_cap_and_stays() -> None:
    assert backoff_delay(9, rng=lambda: 1.0) == 76800
    assert backoff_delay(10, rng=lambda: 1.0) == 86400
    assert backoff_delay(10_000, rng=lambda: 0.0) == 43200  # still retried at least twice a day


def hourly(count: int, *, step: timedelta = timedelta(hours=1)) -> list[datetime]:
    return [NOW - step * i for i in range(count)]


def test_interval_follows_the_publishing_rate() -> None:
    assert refresh_interval(hourly(168), now=NOW) == timedelta(hours=1)  # 168 a week → hourly
    assert refresh_interval(hourly(14, step=timedelta(hours=12)), now=NOW) == timedelta(hours=12)


def test_interval_is_clamped() -> None:
    busy = [NOW - timedelta(seconds=10 * i) for i in range(5000)]
    assert refresh_interval(busy, now=NOW) == timedelta(minutes=5)
    assert refresh_interval(hourly(2, step=timedelta(days=3)), now=NOW) == timedelta(hours=24)
    assert refresh_interval([], now=NOW) == timedelta(hours=24)


def test_only_the_last_week_counts_when_there_is_one() -> None:
    old_burst = [NOW - timedelta(days=30, minutes=i) for i in range(500)]
    assert refresh_interval([*old_burst, *hourly(84, step=timedelta(hours=2))], now=NOW) == timedelta(hours=2)


def test_a_quiet_feed_is_measured_over_its_entries() -> None:
    monthly = [NOW - timedelta(days=30 * i + 10) for i in range(4)]  # newest 10 days ago
    assert refresh_interval(monthly, now=NOW) == timedelta(hours=24)


def test_ttl_and_max_age_raise_the_interval_but_not_past_a_day() -> None:
    entries = hourly(168)
    assert refresh_interval(entries, now=NOW, ttl_minutes=180) == timedelta(hours=3)
    assert refresh_interval(entries, now=NOW, cache_max_age_s=7200) == timedelta(hours=2)
    assert refresh_interval(entries, now=NOW, ttl_minutes=10) == timedelta(hours=1)  # lower: ignored
    assert refresh_interval(entries, now=NOW, ttl_minutes=1e30) == timedelta(hours=24)
    assert refresh_interval(entries, now=NOW, cache_max_age_s=float("inf")) == timedelta(hours=1)


def test_naive_and_future_dates_do_not_break_it() -> None:
    naive = [(NOW - timedelta(hours=i)).replace(tzinfo=None) for i in range(168)]
    assert refresh_interval(naive, now=NOW) == timedelta(hours=1)
    future = [NOW + timedelta(days=400)] * 3
    assert timedelta(minutes=5) <= refresh_interval(future, now=NOW) <= timedelta(hours=24)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Mon, 02 Mar 2026 12:01:30 GMT", 90.0),
        ("Mon, 02 Mar 2026 11:00:00 GMT", 0.0),  # in the past: go now
        ("-5", None),
        ("soon", None),
        ("", None),
        ("١٢٠", None),  # Arabic-Indic digits are not delay-seconds
    ],
)
def test_retry_after_values(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_retry_after_absurd_number_stays_finite() -> None:
    value = parse_retry_after("9" * 400, NOW)
    assert value is not None and value < 10**9


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Cache-Control": "public, max-age=600"}, 600),
        ({"cache-control": 'max-age="30", must-revalidate'}, 30),
        ({"Cache-Control": "s-maxage=100"}, None),
        ({"Cache-Control": "no-store, max-age=600"}, None),
        ({"Cache-Control": "max-age=abc"}, None),
        ({}, None),
    ],
)
def test_cache_max_age(headers: dict[str, str], expected: int | None) -> None:
    assert parse_cache_max_age(headers) == expected
