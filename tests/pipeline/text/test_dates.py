from datetime import UTC, date, datetime

import pytest

from newsdesk.pipeline.text.dates import (
    describe_value,
    find_time_expressions,
    parse_time_expression,
    period_start,
)

PUBLISHED = datetime(2025, 4, 8, 9, 0, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expression", "value", "granularity"),
    [
        ("The rocket lifted off on Tuesday.", "Tuesday", "2025-04-08", "day"),
        ("Talks collapsed on Friday.", "Friday", "2025-04-04", "day"),
        ("The vote will be held on Friday.", "Friday", "2025-04-11", "day"),
        ("It launched at 10:47am (05:47 GMT).", "10:47am (05:47 GMT)", "2025-04-08T05:47Z", "time"),
        ("The hatch opened at 16:00 UTC.", "16:00 UTC", "2025-04-08T16:00Z", "time"),
        ("Doors open at 9pm.", "9pm", "2025-04-08T21:00", "time"),
        ("The crew will return on December 9.", "December 9", "2025-12-09", "day"),
        ("Sales fell last August.", "last August", "2024-08", "month"),
        ("The first modules fly in 2027.", "2027", "2027", "year"),
        ("They meet next week.", "next week", "2025-W16", "week"),
        ("He arrived yesterday.", "yesterday", "2025-04-07", "day"),
        ("It ends on 9 December 2025.", "9 December 2025", "2025-12-09", "day"),
        ("The deadline is 2025-12-09.", "2025-12-09", "2025-12-09", "day"),
        ("Profits rose in the third quarter.", "the third quarter", "2025-Q3", "quarter"),
        ("The plant closed two years ago.", "two years ago", "2023", "year"),
        ("Prices peaked in January this year.", "January this year", "2025-01", "month"),
    ],
)
def test_expressions_resolve_against_the_publish_time(
    text: str, expression: str, value: str, granularity: str
) -> None:
    found = find_time_expressions(text, PUBLISHED)
    assert [(t.text, t.value, t.granularity) for t in found] == [(expression, value, granularity)]
    t = found[0]
    assert text[t.start : t.end] == t.text


def test_ambiguous_month_day_follows_the_tense() -> None:
    assert parse_time_expression("The crew returned on December 9.", PUBLISHED).value == "2024-12-09"
    assert parse_time_expression("The crew will return on December 9.", PUBLISHED).value == "2025-12-09"


def test_clock_time_takes_the_day_named_in_its_sentence() -> None:
    found = find_time_expressions("The hatch opened at 16:00 UTC on Thursday.", PUBLISHED)
    assert [(t.text, t.value) for t in found] == [
        ("16:00 UTC", "2025-04-03T16:00Z"),
        ("Thursday", "2025-04-03"),
    ]


def test_numbers_and_names_are_not_dates() -> None:
    assert find_time_expressions("About 2,000 people and 1999 troops came. May said no.", PUBLISHED) == []


def test_sentence_index_and_publish_time_as_date_or_string() -> None:
    text = "First sentence. Second one on Monday."
    found = find_time_expressions(text, "2025-04-08", sentence_starts=[0, 16])
    assert found[0].sentence_index == 1 and found[0].value == "2025-04-07"
    assert find_time_expressions(text, date(2025, 4, 8))[0].value == "2025-04-07"


def test_bad_input_raises_clear_errors() -> None:
    with pytest.raises(TypeError):
        find_time_expressions(None, PUBLISHED)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        find_time_expressions("today", "not a date")


def test_period_start_orders_mixed_granularities() -> None:
    values = ["2027", "2025-12-09", "2025-W16", "2025-04-08T05:47Z", "2025-Q3", "199", "18"]
    assert sorted(values, key=period_start) == [
        "18",
        "199",
        "2025-04-08T05:47Z",
        "2025-W16",
        "2025-Q3",
        "2025-12-09",
        "2027",
    ]


def test_hostile_text_without_sentence_breaks_stays_linear() -> None:
    import time

    t0 = time.perf_counter()
    found = find_time_expressions("January " * 5000 + "10:47 " * 5000, PUBLISHED)
    assert len(found) == 10000
    assert time.perf_counter() - t0 < 10  # was quadratic: minutes before the context window was bounded


UNDATED = (
    "The handheld goes on sale on Thursday and a cheaper model follows next month. "
    "Sony first showed it on 9 December 2004 at 10am in Tokyo. "
    "It was unveiled yesterday, three weeks ago, in May 2004, in the third quarter and on December 9. "
    "Arcades boomed in the 1980s, and mechanical games go back to the 19th century. "
    "Sales in 2005 will tell."
)


def test_without_a_publish_time_only_absolute_dates_are_kept() -> None:
    found = find_time_expressions(UNDATED, None)
    assert [(t.text, t.value) for t in found] == [
        ("9 December 2004", "2004-12-09"),
        ("10am", "2004-12-09T10:00"),  # a clock time on a day the sentence states
        ("May 2004", "2004-05"),
        ("the 1980s", "198"),
        ("the 19th century", "18"),
        ("2005", "2005"),
    ]
    # The same text with a publish time resolves the relative ones too: they were dropped, not missed.
    anchored = {t.text for t in find_time_expressions(UNDATED, PUBLISHED)}
    assert {"Thursday", "next month", "yesterday", "three weeks ago", "December 9"} <= anchored
    assert parse_time_expression("It opens on Thursday.", None) is None


@pytest.mark.parametrize(
    ("text", "value", "words"),
    [
        ("Arcades boomed in the 1980s.", "198", "the 1980s"),
        ("Mills spread in the 19th century.", "18", "the 19th century"),
        ("By the end of the twentieth century it was gone.", "19", "the 20th century"),
        ("It is the 21st century.", "20", "the 21st century"),
    ],
)
def test_decades_and_centuries(text: str, value: str, words: str) -> None:
    found = find_time_expressions(text, PUBLISHED)
    assert [(t.value, describe_value(t.value)) for t in found] == [(value, words)]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-W48", "the week of 23 November 2026"),
        ("198", "the 1980s"),
        ("18", "the 19th century"),
        ("2025-Q3", "the third quarter of 2025"),
        ("2025-08", "August 2025"),
        ("2025-12-09", "9 December 2025"),
        ("2025-04-08T05:47Z", "8 April 2025, 05:47 GMT"),
        ("2025-04-08T21:00", "8 April 2025, 21:00"),
        ("2027", "2027"),
        ("2025-13", ""),
        ("2026-W60", ""),
        ("<script>", ""),
    ],
)
def test_values_read_as_words(value: str, words: str) -> None:
    assert describe_value(value) == words
