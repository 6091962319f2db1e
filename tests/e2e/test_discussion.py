"""In chromium: sign up → verify the e-mail (link read from the real local SMTP server) → comment on a
story → reply → another reader reports it → a moderator hides it: gone for readers, kept in the
moderation queue and the audit log."""

from __future__ import annotations

import re

import pytest

from tests.comments.factories import PASSWORD, make_story, make_user, quick_password_hashing
from tests.e2e.conftest import ARTIFACTS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("quick_password_hashing"),
]
__all__ = ["quick_password_hashing"]  # the fixture, imported so pytest finds it here

REPLY = "Correction: the vote was 7 to 2, see the minutes."


def _watch(pg, events) -> None:
    pg.on("dialog", lambda d: (events.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda exc: events.page_errors.append(str(exc)))


def _log_in(browser, site: str, name: str, events):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    pg = context.new_page()
    _watch(pg, events)
    pg.goto(f"{site}/accounts/login/")
    pg.get_by_label("Username").fill(name)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Log in").click()
    pg.wait_for_url(f"{site}/")
    return context, pg


def test_sign_up_verify_comment_reply_report_and_hide(site, page, page_events, browser, smtp_server) -> None:
    story, _ = make_story("Council approves the harbour budget")
    make_user("reporter")
    make_user("moderator", role="moderator")

    # Sign up; the verification mail goes through the real SMTP server on loopback.
    page.goto(f"{site}/accounts/signup/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    assert page.get_by_text("We sent a link to ada@example.org").is_visible()
    page.goto(f"{site}/story/{story.pk}/")
    assert page.get_by_text("Verify your e-mail address to comment").is_visible()
    [mail] = smtp_server.wait_for(1, to="ada@example.org")
    [link] = [u for u in smtp_server.links(mail) if "/accounts/verify/" in u]
    page.goto(link)
    assert page.get_by_role("heading", name="Your e-mail address is confirmed").is_visible()

    # Comment on the story, then reply to it.
    page.goto(f"{site}/story/{story.pk}/")
    page.get_by_label("Your comment").fill("The harbour budget is **late** again.")
    page.get_by_role("button", name="Post comment").click()
    first = page.locator("li.comment").first
    assert first.locator("strong", has_text="late").is_visible()
    first.get_by_text("Reply", exact=True).click()
    first.get_by_label("Reply to ada").fill(REPLY)
    first.get_by_role("button", name="Post reply").click()
    reply = page.locator("ol.replies li.comment", has_text=REPLY)
    assert reply.is_visible()
    reply_id = reply.get_attribute("id")
    assert page.locator("#comments-h").inner_text() == "Comments (2)"

    # Another reader reports the reply.
    rep_context, rep = _log_in(browser, site, "reporter", page_events)
    rep.goto(f"{site}/story/{story.pk}/")
    rep.locator(f"#{reply_id}").get_by_role("link", name="Report").click()
    rep.get_by_label("Abuse or harassment").check()
    rep.get_by_label("Anything a moderator should know").fill("rude")
    rep.get_by_role("button", name="Send report").click()
    assert rep.get_by_text("a moderator will look at this comment").is_visible()

    # A moderator finds it in the queue and hides it.
    mod_context, mod = _log_in(browser, site, "moderator", page_events)
    mod.get_by_role("link", name="Moderation").click()
    queued = mod.locator(f"#q{reply_id[1:]}")
    assert queued.get_by_text(REPLY).is_visible() and queued.get_by_text("Abuse or harassment").is_visible()
    queued.get_by_label("Reason").fill("report upheld")
    queued.get_by_role("button", name="Hide").click()
    assert mod.get_by_text("Nothing waits for review.").is_visible()
    assert mod.locator(f"#h{reply_id[1:]}").get_by_text(REPLY).is_visible()
    mod.get_by_role("link", name="Audit log").click()
    row = mod.locator("tr.audit-row[data-action=hide]")
    assert re.search(r"moderator\s+Hidden\s+ada", row.inner_text()) and "report upheld" in row.inner_text()

    # Gone for readers: the reporter, the author and anonymous visitors.
    rep.goto(f"{site}/story/{story.pk}/")
    assert rep.get_by_text(REPLY).count() == 0
    assert rep.locator("li.comment strong", has_text="late").is_visible()
    page.reload()
    assert page.get_by_text(REPLY).count() == 0
    page.context.clear_cookies()
    page.goto(f"{site}/")
    assert page.locator("a.comment-count").first.inner_text() == "1 comment"
    page.goto(f"{site}/story/{story.pk}/")
    assert page.get_by_text(REPLY).count() == 0 and page.locator("#comments-h").inner_text() == "Comments (1)"

    rep_context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    mod.screenshot(path=str(ARTIFACTS / "discussion-moderator-audit-log.png"), full_page=True)
    mod_context.close()
    assert page_events.dialogs == [] and page_events.page_errors == []
