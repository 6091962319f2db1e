"""Opened articles are marked read by the web process's writer thread, a batch at a time
(readers/opened.py): the reader's page shows the article read at once, the mark reaches the database
(and every other process) a moment later, and "Mark unread" in that moment is not undone by it."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.readers import changes
from newsdesk.readers.models import ReadMark, StateVersion
from newsdesk.readers.opened import OPENED
from newsdesk.readers.state import KEPT
from tests.readers import builders

pytestmark = pytest.mark.django_db(transaction=True)  # the writer thread has its own connection


def _reader(name: str) -> tuple[User, Client]:
    user = User.objects.create_user(name, f"{name}@example.org", "a long pass phrase")
    client = Client()
    client.force_login(user)
    return user, client


def _eventually(check, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)
    return check()


@pytest.fixture
def batched(settings):
    settings.NEWSDESK_READ_MARKS_BATCH_S = 0.2
    yield
    OPENED.flush()


def test_an_opened_article_shows_read_at_once_and_is_written_in_a_batch(batched) -> None:
    story = builders.story("Night trains return to the valley", ["Rail Post", "Metro"])
    first = Article.objects.get(story=story, title=story.headline)  # the cards' lead: the headline's report
    second = Article.objects.filter(story=story).exclude(pk=first.pk).get()
    ada, as_ada = _reader("ada")
    _, as_ben = _reader("ben")
    version = StateVersion.objects.filter(user=ada).values_list("version", flat=True).first() or 0

    page = as_ada.get(f"/article/{first.pk}/").content.decode()
    assert "Mark unread" in page  # her page shows it read before the mark is written
    assert ' read">' in as_ada.get("/").content.decode().split(story.headline)[0].rsplit("<li", 1)[1] + '">'
    as_ben.get(f"/article/{second.pk}/")
    # Both readers' marks are written by the writer thread, with their state versions bumped, so
    # another process (here: this one, having forgotten what it kept) shows them read.
    assert _eventually(lambda: ReadMark.objects.count() == 2)
    assert set(ReadMark.objects.values_list("user__username", "article_id")) == {
        ("ada", first.pk),
        ("ben", second.pk),
    }
    assert StateVersion.objects.get(user=ada).version > version
    KEPT.clear()
    front = as_ada.get("/").content.decode()  # the front page marks nothing: the state read afresh
    assert ' read">' in front.split(story.headline)[0].rsplit("<li", 1)[1] + '">'
    front = as_ben.get("/").content.decode()
    assert ' read">' not in front.split(story.headline)[0].rsplit("<li", 1)[1] + '">'


def test_mark_unread_right_after_opening_wins_over_the_pending_mark(batched, settings) -> None:
    settings.NEWSDESK_READ_MARKS_BATCH_S = 5  # the mark stays pending through the whole test
    story = builders.story("Harbour bridge reopens after repairs", ["Coast Times", "Metro"])
    article = Article.objects.filter(story=story).order_by("published_at").first()
    _, as_ada = _reader("ada")
    as_ada.get("/me/following/")
    token = as_ada.cookies["csrftoken"].value
    assert "Mark unread" in as_ada.get(f"/article/{article.pk}/").content.decode()
    assert OPENED.pending() == 1
    answer = as_ada.post(
        f"/me/read/{article.pk}/", {"unread": "1", "csrfmiddlewaretoken": token, "next": "/"}
    )
    assert answer.status_code == 302 and OPENED.pending() == 0
    assert OPENED.flush() == 0 and not ReadMark.objects.exists()
    front = as_ada.get("/").content.decode()
    assert ' read">' not in front.split(story.headline)[0].rsplit("<li", 1)[1] + '">'


def test_mark_unread_while_the_batch_holding_the_mark_is_being_written(
    batched, settings, monkeypatch
) -> None:
    """The writer has taken the batch but not committed it when the reader asks for unread: the
    unread waits for that write and then removes the mark, instead of being undone by it."""
    settings.NEWSDESK_READ_MARKS_BATCH_S = 5
    story = builders.story("Ferry timetable changes for winter", ["Coast Times", "Metro"])
    article = Article.objects.filter(story=story).order_by("published_at").first()
    _, as_ada = _reader("ada")
    as_ada.get("/me/following/")
    token = as_ada.cookies["csrftoken"].value
    as_ada.get(f"/article/{article.pk}/")
    taken, go_on = threading.Event(), threading.Event()
    write = changes.mark_read_by

    def slow_write(batch: dict[int, set[int]]) -> int:  # the real write, held back to force the order
        taken.set()
        go_on.wait(10)
        return write(batch)

    monkeypatch.setattr(changes, "mark_read_by", slow_write)
    writer = threading.Thread(target=OPENED.flush)
    writer.start()
    assert taken.wait(10) and OPENED.pending() == 0  # the batch is out, its mark not yet written
    threading.Timer(0.3, go_on.set).start()
    answer = as_ada.post(
        f"/me/read/{article.pk}/", {"unread": "1", "csrfmiddlewaretoken": token, "next": "/"}
    )
    writer.join(10)
    assert answer.status_code == 302 and not ReadMark.objects.exists()
    front = as_ada.get("/").content.decode()
    assert ' read">' not in front.split(story.headline)[0].rsplit("<li", 1)[1] + '">'


def test_a_batch_skips_an_account_deleted_before_it_is_written(batched, settings) -> None:
    settings.NEWSDESK_READ_MARKS_BATCH_S = 5
    story = builders.story("Museum reopens its east wing", ["City Post", "Art Wire"])
    article = Article.objects.filter(story=story).first()
    _, as_ada = _reader("ada")
    gone, as_gone = _reader("gone")
    as_ada.get(f"/article/{article.pk}/")
    as_gone.get(f"/article/{article.pk}/")
    gone.delete()
    assert OPENED.flush() == 1  # Ada's mark is written; the deleted account's is dropped, no error
    assert list(ReadMark.objects.values_list("user__username", flat=True)) == ["ada"]
