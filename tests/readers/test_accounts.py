"""Accounts through the real views: sign-up with e-mail verification over a real local SMTP server,
argon2 hashes, password reset, log-in throttling under a burst, secure cookies, roles, deletion."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import reverse

from newsdesk.comments.models import Comment
from newsdesk.comments.posting import post_comment
from newsdesk.comments.roles import is_moderator
from newsdesk.readers.models import Bookmark, Follow, Profile, RateEvent
from tests.comments.factories import PASSWORD, make_story, make_user, quick_password_hashing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_password_hashing")]
__all__ = ["quick_password_hashing"]  # the fixture, imported so pytest finds it here
User = get_user_model()


def _signup(client: Client, name: str = "ada", email: str = "ada@example.org"):
    return client.post(
        reverse("accounts:signup"),
        {"username": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_sends_a_verification_link_over_smtp_that_verifies_the_address(smtp_server) -> None:
    client = Client()
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert user.password.startswith("argon2$"), "passwords are hashed with argon2"
    assert not Profile.objects.get(user=user).email_verified
    [mail] = smtp_server.wait_for(1, to="ada@example.org")
    assert "Confirm your e-mail" in mail.subject
    [link] = [u for u in smtp_server.links(mail) if "/accounts/verify/" in u]
    page = client.get(link)
    assert page.status_code == 200 and b"is confirmed" in page.content
    assert Profile.objects.get(user=user).email_verified
    # The link verified once; used again it says so, it does not fail silently.
    assert b"confirmed already" in Client().get(link).content


def test_a_tampered_verification_link_is_refused(smtp_server) -> None:
    client = Client()
    _signup(client)
    [mail] = smtp_server.wait_for(1)
    [link] = [u for u in smtp_server.links(mail) if "/accounts/verify/" in u]
    bad = link.rstrip("/")[:-3] + "abc/"
    response = client.get(bad)
    assert response.status_code == 400 and b"does not work" in response.content
    assert not Profile.objects.get(user__username="ada").email_verified


def test_sign_up_refuses_a_second_account_for_the_same_address(smtp_server) -> None:
    _signup(Client())
    response = _signup(Client(), name="ada2", email="ADA@example.org")
    assert response.status_code == 200 and b"exists already" in response.content
    assert User.objects.count() == 1


def test_log_in_by_name_or_address_and_log_out() -> None:
    make_user("grace")
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": "grace", "password": PASSWORD}).status_code == 302
    )
    assert client.get(reverse("accounts:account")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 302  # back to the log-in page
    response = client.post(reverse("accounts:login"), {"username": "grace@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_by_mail_sets_a_new_password(smtp_server) -> None:
    make_user("linus")
    client = Client()
    response = client.post(reverse("accounts:password-reset"), {"email": "linus@example.org"})
    assert response.status_code == 302
    [mail] = smtp_server.wait_for(1, to="linus@example.org")
    [link] = [u for u in smtp_server.links(mail) if "/accounts/password/reset/" in u]
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "another-long-passphrase-7"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert Client().login(username="linus", password=new)
    assert not Client().login(username="linus", password=PASSWORD)
    # An unknown address gets the same answer (no account discovery) and no mail.
    Client().post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert smtp_server.wait_for(2, timeout=0.5) == [mail]


def _fail(client: Client, name: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": name, "password": "wrong-password"}, REMOTE_ADDR=ip
    )


def test_login_throttle_per_account_holds_under_a_burst_and_says_when_to_retry(settings) -> None:
    settings.NEWSDESK_LOGIN_FAILURES_ACCOUNT = "5/900"
    make_user("mallory-target")
    statuses = [_fail(Client(), "mallory-target", ip=f"10.0.0.{i}").status_code for i in range(12)]
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 8, "the 5th failure locks the account, from every address"
    # Even the right password is not checked while the lock lasts — and the answer says so plainly.
    locked = Client().post(
        reverse("accounts:login"),
        {"username": "mallory-target", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert locked.status_code == 429
    retry = int(locked["Retry-After"])
    assert 890 <= retry <= 900
    assert b"Try again in 15 minutes (at " in locked.content
    assert "_auth_user_id" not in locked.wsgi_request.session
    # The counters live in the database: any process sees them; only hashes are kept.
    assert RateEvent.objects.filter(scope="login-account").count() == 5
    assert not RateEvent.objects.filter(key__contains="mallory").exists()
    # Once the window has passed, the right password works again and clears the account's count.
    RateEvent.objects.update(at=F("at") - timedelta(seconds=901))
    ok = Client().post(reverse("accounts:login"), {"username": "mallory-target", "password": PASSWORD})
    assert ok.status_code == 302


def test_login_throttle_per_address_stops_credential_stuffing(settings) -> None:
    settings.NEWSDESK_LOGIN_FAILURES_IP = "20/900"
    for i in range(25):
        make_user(f"victim{i}") if i < 3 else None
    statuses = [_fail(Client(), f"user{i}", ip="203.0.113.7").status_code for i in range(25)]
    assert statuses[:19] == [200] * 19 and set(statuses[19:]) == {429}
    refused = _fail(Client(), "victim0", ip="203.0.113.7")
    assert refused.status_code == 429 and b"failed log-ins from this address" in refused.content
    assert int(refused["Retry-After"]) > 0
    # Another address is not affected.
    assert (
        Client()
        .post(
            reverse("accounts:login"),
            {"username": "victim0", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.1",
        )
        .status_code
        == 302
    )


def test_session_and_csrf_cookies_are_http_only_same_site_and_csrf_is_enforced() -> None:
    make_user("eve")
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(reverse("accounts:login"), {"username": "eve", "password": PASSWORD}).status_code == 403
    )
    page = client.get(reverse("accounts:login"))
    token = page.cookies["csrftoken"]
    assert token["httponly"] and token["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:login"),
        {"username": "eve", "password": PASSWORD, "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_roles_reader_moderator_admin() -> None:
    reader, mod, admin = make_user("r"), make_user("m", role="moderator"), make_user("a", role="admin")
    assert (is_moderator(reader), is_moderator(mod), is_moderator(admin)) == (False, True, True)
    assert admin.is_staff and not mod.is_staff
    for user, status in ((reader, 403), (mod, 200), (admin, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("comments:queue")).status_code == status
    admin_client = Client()
    admin_client.force_login(admin)
    assert admin_client.get("/admin/comments/comment/").status_code == 200


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_deleting_an_account_removes_personal_data_and_keeps_or_removes_comments(choice: str) -> None:
    story, [article] = make_story()
    user, other = make_user("leaving"), make_user("staying")
    Follow.objects.create(user=user, kind="topic", key="budget")
    Bookmark.objects.create(user=user, article=article)
    first = post_comment(user, story, "My *first* thought on the budget.")
    lone = post_comment(user, article, "A lone comment on the article.")
    post_comment(other, story, "A reply that must keep its place.", parent=first)
    client = Client()
    client.force_login(user)
    wrong = client.post(reverse("accounts:delete"), {"password": "nope", "comments": choice})
    assert b"not your password" in wrong.content and User.objects.filter(username="leaving").exists()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "comments": choice})
    assert b"Your account is deleted" in response.content
    assert not User.objects.filter(username="leaving").exists()
    assert not User.objects.filter(email="leaving@example.org").exists()
    assert not Follow.objects.exists() and not Bookmark.objects.exists()
    assert not Profile.objects.filter(user_id=user.pk).exists()
    page = Client().get(reverse("story", args=[story.pk])).content.decode()
    assert "A reply that must keep its place." in page
    if choice == "keep":
        assert Comment.objects.filter(author__isnull=True).count() == 2
        assert "deleted user" in page and "My <em>first</em> thought" in page
    else:
        assert not Comment.objects.filter(pk=lone.pk).exists()
        first.refresh_from_db()
        assert first.status == Comment.Status.REMOVED and first.body == "" and first.author is None
        assert "first</em> thought" not in page and "Deleted by its author" in page
    # Logged out: the old session no longer opens the account page.
    assert client.get(reverse("accounts:account")).status_code == 302


def test_the_role_command_promotes_and_demotes(capsys) -> None:
    from newsdesk.cli import main

    user = make_user("carol")
    assert main(["role", "carol", "moderator"]) == 0
    assert capsys.readouterr().out.strip() == "carol: moderator"
    user.refresh_from_db()
    assert is_moderator(User.objects.get(pk=user.pk))
    assert main(["role", "carol", "reader"]) == 0
    assert not is_moderator(User.objects.get(pk=user.pk))
    assert main(["role", "nobody"]) == 2
    assert "no account named 'nobody'" in capsys.readouterr().err


def test_sign_ups_per_address_are_limited_and_the_answer_says_when_to_retry(settings, smtp_server) -> None:
    settings.NEWSDESK_SIGNUP_RATE_IP = "2/3600"
    statuses = [_signup(Client(), name=f"bot{i}", email=f"bot{i}@example.org").status_code for i in range(4)]
    assert statuses == [302, 302, 429, 429]
    refused = _signup(Client(), name="bot9", email="bot9@example.org")
    assert refused.status_code == 429 and 3500 <= int(refused["Retry-After"]) <= 3600
    text = re.sub(r"<[^>]+>", "", refused.content.decode())
    assert "Too many new accounts from this address. Try again in 60 minutes (at " in text
    assert User.objects.count() == 2
    assert (
        _signup(
            Client(),
            name="human",
            email="human@example.org",
        ).status_code
        == 429
    )
    ok = Client().post(
        reverse("accounts:signup"),
        {"username": "human", "email": "human@example.org", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert ok.status_code == 302
