"""Content-Security-Policy in a real browser: every main page (ours, Swagger UI at /api/docs, the
Django admin) carries the policy and the browser reports no violation of it, so the pages work
under a policy that would stop injected script and style."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.readers.models import Follow
from tests.readers import builders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every violation, whatever the console says about it: the page's own securitypolicyviolation events.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
    e.sourceFile + ":" + e.lineNumber);
});
"""


def _sign_in(page, site: str, user: User) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])


def _visit(page, url: str, page_events) -> list[str]:
    """Open `url`, let its scripts run, and give back every CSP complaint (events and console)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "object-src 'none'" in policy, (url, policy)
    page.wait_for_load_state("networkidle")
    found = list(page.evaluate("window.__csp || []"))
    found += [m for m in page_events.console_errors if "Content Security Policy" in m]
    page_events.console_errors.clear()
    return found


def test_main_pages_run_under_the_policy_without_violations(site, page, page_events) -> None:
    page.context.add_init_script(WATCH)
    story = builders.story(
        "Harbour bridge reopens", ["Coast Post", "Metro Daily", "Bay News"], people=["Ana Ruiz"], per_outlet=2
    )
    builders.story("Council passes budget", ["Metro Daily"])
    article = Article.objects.filter(story=story).first()
    reader = User.objects.create_superuser("mod", "mod@example.org", "a long pass phrase")
    Follow.objects.create(user=reader, kind="entity", key="ana-ruiz", label="Ana Ruiz")

    complaints: dict[str, list[str]] = {}

    def check(path: str) -> None:
        if found := _visit(page, site + path, page_events):
            complaints[path] = found

    for path in ("/", "/accounts/login/", "/accounts/signup/", "/admin/login/", "/api/docs"):
        check(path)
    # The docs page really drew Swagger UI (its scripts ran under the policy).
    page.goto(site + "/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    complaints.update({"/api/docs (drawn)": found} if (found := page.evaluate("window.__csp")) else {})

    _sign_in(page, site, reader)
    for path in (
        "/",
        f"/story/{story.pk}/",
        f"/article/{article.pk}/",
        "/search/?q=harbour",
        "/sources/",
        f"/source/{article.source_id}/",
        "/briefing/",
        "/for-you/",
        "/moderation/",
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/auth/user/add/",
    ):
        check(path)
    # The coverage timeline still draws its bars (widths set by our script, not style attributes).
    page.goto(f"{site}/story/{story.pk}/")
    widths = page.eval_on_selector_all("ol.coverage .bar", "bars => bars.map(b => b.offsetWidth)")
    assert widths and all(w > 0 for w in widths), widths
    # The keyboard help (built by our script) opens without a violation.
    page.goto(site + "/")
    page.keyboard.press("?")
    if found := page.evaluate("window.__csp"):
        complaints["/ (help)"] = found
    complaints.update(
        {"console": errs}
        if (errs := [m for m in page_events.console_errors if "Security Policy" in m])
        else {}
    )
    assert complaints == {}
    assert page_events.page_errors == []
