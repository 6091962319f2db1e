"""The polite fetcher against a real loopback HTTP server, including hostile servers."""

from __future__ import annotations

import email.utils
import shutil
import ssl
import subprocess
import threading
import time
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import brotli
import pytest

from newsdesk.pipeline.charset import detect_encoding
from newsdesk.pipeline.fetch import Fetcher, FetchError, FetchResult
from newsdesk.testing import ConcurrencyGauge, LoopbackServer, respond
from newsdesk.testing import loopback as lb

TIMEOUT_S = 1.5


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(user_agent="newsdesk-test/1.0", timeout_s=TIMEOUT_S, allow_private_networks=True) as client:
        yield client


def fetch_error(fetcher: Fetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]
    return caught.value


# -- conditional GET -------------------------------------------------------------------------------------


def test_unchanged_feed_comes_back_as_not_modified(
    server: LoopbackServer, fetcher: Fetcher, tmp_path: Path
) -> None:
    (tmp_path / "feed.xml").write_bytes(
        b"<?xml version='1.0'?><rss><channel><title>t</title></channel></rss>"
    )
    server.serve_dir("/feeds", tmp_path)
    first = fetcher.fetch(server.url("/feeds/feed.xml"))
    assert (first.status, first.not_modified, first.content_type) == (200, False, "application/xml")
    assert first.etag and first.last_modified and b"<rss>" in first.body

    by_etag = fetcher.fetch(server.url("/feeds/feed.xml"), etag=first.etag)
    by_date = fetcher.fetch(server.url("/feeds/feed.xml"), last_modified=first.last_modified)
    for again in (by_etag, by_date):
        assert (again.status, again.not_modified, again.body) == (304, True, b"")
    assert by_etag.etag == first.etag

    (tmp_path / "feed.xml").write_bytes(b"<rss><channel><title>changed</title></channel></rss>")
    changed = fetcher.fetch(server.url("/feeds/feed.xml"), etag=first.etag)
    assert not changed.not_modified and b"changed" in changed.body
    assert server.hits["/feeds/feed.xml"] == 4


def test_bare_304_keeps_the_callers_validators(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed", lambda request: respond(request, 304))
    result = fetcher.fetch(server.url("/feed"), etag='"v1"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT")
    assert result.not_modified and result.etag == '"v1"'
    assert result.last_modified == "Mon, 02 Mar 2026 10:00:00 GMT"


# -- Retry-After -----------------------------------------------------------------------------------------


def test_retry_after_seconds_closes_the_host_without_touching_it(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/feed", lb.rate_limited("120"))
    server.route("/other", lb.static(b"<p>fine</p>"))
    error = fetch_error(fetcher, server.url("/feed"))
    assert (error.kind, error.status, error.retry_after_s) == ("rate_limited", 429, 120.0)
    assert "2 min" in error.message

    started = time.monotonic()
    again = fetch_error(fetcher, server.url("/other"))
    assert again.kind == "rate_limited" and 118 < (again.retry_after_s or 0) <= 120
    assert time.monotonic() - started < 0.1
    assert server.hits["/feed"] == 1 and server.hits["/other"] == 0


def test_retry_after_http_date_on_503(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed", lb.rate_limited(email.utils.formatdate(time.time() + 60, usegmt=True), status=503))
    error = fetch_error(fetcher, server.url("/feed"))
    assert error.kind == "rate_limited" and error.status == 503
    assert 55 <= (error.retry_after_s or 0) <= 61
    assert fetch_error(fetcher, server.url("/feed")).kind == "rate_limited"
    assert server.hits["/feed"] == 1


def test_absurd_retry_after_is_capped_at_a_day(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed", lb.rate_limited("9" * 400))
    assert fetch_error(fetcher, server.url("/feed")).retry_after_s == 86400


def test_503_without_retry_after_is_a_status_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed", lb.static(b"down", status=503, content_type="text/plain"))
    error = fetch_error(fetcher, server.url("/feed"))
    assert (error.kind, error.message) == ("http_status", "the server answered 503 Service Unavailable")
    fetch_error(fetcher, server.url("/feed"))
    assert server.hits["/feed"] == 2  # no window was opened


# -- deadlines -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "behaviour", [lb.hang(), lb.hang(after_headers=True), lb.trickle(interval_s=0.2, total=20)]
)
def test_slow_servers_cannot_hold_a_fetch_past_its_deadline(
    server: LoopbackServer, fetcher: Fetcher, behaviour: lb.Handler
) -> None:
    server.route("/slow", behaviour)
    started = time.monotonic()
    error = fetch_error(fetcher, server.url("/slow"))
    elapsed = time.monotonic() - started
    assert error.kind == "timeout" and "1.5 s" in error.message
    assert TIMEOUT_S - 0.1 <= elapsed < TIMEOUT_S + 1.0


def test_a_hanging_host_does_not_slow_another_host(fetcher: Fetcher) -> None:
    with LoopbackServer() as hanging, LoopbackServer() as healthy:
        hanging.route("/feed", lb.hang())
        healthy.route("/feed", lb.static(b"<p>fresh</p>"))
        errors: list[FetchError] = []

        def fetch_hanging() -> None:
            try:
                fetcher.fetch(hanging.url("/feed"))
            except FetchError as exc:
                errors.append(exc)

        worker = threading.Thread(target=fetch_hanging)
        worker.start()
        while hanging.hits["/feed"] == 0:  # the hanging request is really in flight
            time.sleep(0.01)
        started = time.monotonic()
        result = fetcher.fetch(healthy.url("/feed"))
        healthy_elapsed = time.monotonic() - started
        worker.join()
    assert result.body == b"<p>fresh</p>" and healthy_elapsed < 0.5
    assert [e.kind for e in errors] == ["timeout"]


# -- size caps -------------------------------------------------------------------------------------------


def test_endless_body_is_cut_at_the_cap_with_bounded_memory(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/huge", lb.huge_body(50 * 2**20))
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = fetch_error(fetcher, server.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_large" and "15 MiB" in error.message
    assert time.monotonic() - started < 5
    assert peak < 40 * 2**20  # the 15 MiB cap plus copies, never the 50 MiB body


def test_announced_oversize_body_is_refused_before_reading(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/huge", lb.huge_body(50 * 2**20, declare_length=True))
    started = time.monotonic()
    error = fetch_error(fetcher, server.url("/huge"))
    assert error.kind == "too_large" and "announced 50 MiB" in error.message
    assert time.monotonic() - started < 0.5


def test_smaller_cap_per_call(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/page", lb.static(b"x" * 5000))
    assert fetch_error(fetcher, server.url("/page"), max_bytes=4096).kind == "too_large"
    assert len(fetcher.fetch(server.url("/page"), max_bytes=5000).body) == 5000


def test_gzip_bomb_is_stopped_with_bounded_memory(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/bomb", lb.gzip_bomb(2**30))  # 1 GiB of zeros, about 1 MiB on the wire
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = fetch_error(fetcher, server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "decompression_bomb"
    assert time.monotonic() - started < 3
    assert peak < 40 * 2**20


def test_brotli_bomb_is_stopped_with_bounded_memory(server: LoopbackServer, fetcher: Fetcher) -> None:
    # 256 MiB of zeros compress to a few hundred bytes: one network read would inflate it all at once.
    bomb = brotli.compress(bytes(256 * 2**20), quality=1)
    assert len(bomb) < 100_000
    server.route("/bomb", lb.static(bomb, headers={"Content-Encoding": "br"}))
    tracemalloc.start()
    try:
        error = fetch_error(fetcher, server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "decompression_bomb"
    assert peak < 40 * 2**20


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_pages_are_decoded(server: LoopbackServer, fetcher: Fetcher, encoding: str) -> None:
    page = "<p>Ünïcödé café</p>".encode() * 500
    server.route("/page", lb.compressed(page, encoding=encoding, content_type="text/html; charset=utf-8"))
    result = fetcher.fetch(server.url("/page"))
    assert result.body == page and "café" in result.text()


def test_brotli_page_is_decoded(server: LoopbackServer, fetcher: Fetcher) -> None:
    page = b"<p>brotli works</p>" * 300
    server.route("/page", lb.static(brotli.compress(page), headers={"Content-Encoding": "br"}))
    assert fetcher.fetch(server.url("/page")).body == page


def test_unknown_compression_is_a_protocol_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/page", lb.static(b"\x28\xb5\x2f\xfd", headers={"Content-Encoding": "zstd"}))
    error = fetch_error(fetcher, server.url("/page"))
    assert error.kind == "protocol" and "zstd" in error.message


def test_corrupt_gzip_is_a_protocol_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route(
        "/page", lb.static(b"\x1f\x8b\x08\x00garbage-not-deflate", headers={"Content-Encoding": "gzip"})
    )
    assert fetch_error(fetcher, server.url("/page")).kind == "protocol"


# -- redirects -------------------------------------------------------------------------------------------


def test_redirects_are_followed_to_the_final_url(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/old", lb.redirect("/middle", status=301))
    server.route("/middle", lb.redirect(server.url("/new"), status=308))
    server.route("/new", lb.static(b"<p>here</p>"))
    result = fetcher.fetch(server.url("/old"))
    assert result.url == server.url("/new") and result.body == b"<p>here</p>"


def test_redirect_loop_stops_after_five_hops(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/a", lb.redirect("/b"))
    server.route("/b", lb.redirect("/a"))
    error = fetch_error(fetcher, server.url("/a"))
    assert error.kind == "too_many_redirects" and "5 times" in error.message
    assert server.hits["/a"] + server.hits["/b"] == 6  # the first request and five redirects


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]/", "http://0x7f.0.0.2/"],
)
def test_redirect_to_a_private_address_is_refused(server: LoopbackServer, target: str) -> None:
    # The loopback server is trusted explicitly, as an operator would trust one intranet host; every
    # other private address stays closed, and the redirect hop is checked again.
    server.route("/go", lb.redirect(target))
    with Fetcher(user_agent="t", timeout_s=TIMEOUT_S, trusted_networks=["127.0.0.1/32"]) as guarded:
        error = fetch_error(guarded, server.url("/go"))
    assert error.kind == "blocked_address" and error.url.startswith(target.rstrip("/"))
    assert server.hits["/go"] == 1


def test_redirect_to_another_scheme_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/go", lb.redirect("file:///etc/passwd"))
    assert fetch_error(fetcher, server.url("/go")).kind == "invalid_url"


# -- SSRF at the door ------------------------------------------------------------------------------------


def test_private_server_is_never_contacted_by_default(server: LoopbackServer) -> None:
    server.route("/feed", lb.static(b"<rss/>"))
    port = server.port
    spellings = [
        f"http://127.0.0.1:{port}/feed",
        f"http://localhost:{port}/feed",
        f"http://LOCALHOST.:{port}/feed",
        f"http://2130706433:{port}/feed",
        f"http://0x7f.1:{port}/feed",
        f"http://017700000001:{port}/feed",
        f"http://127.1:{port}/feed",
        f"http://[::ffff:127.0.0.1]:{port}/feed",
    ]
    with Fetcher(user_agent="t", timeout_s=TIMEOUT_S) as guarded:
        for url in spellings:
            error = fetch_error(guarded, url)
            assert error.kind == "blocked_address", url
            assert "refused" in error.message
    assert server.hits["/feed"] == 0


def test_trusting_one_network_opens_only_that_network(server: LoopbackServer) -> None:
    server.route("/feed", lb.static(b"<rss/>"))
    with Fetcher(user_agent="t", timeout_s=TIMEOUT_S, trusted_networks=["127.0.0.0/8"]) as guarded:
        assert guarded.fetch(server.url("/feed")).body == b"<rss/>"
        assert fetch_error(guarded, "http://10.0.0.1/feed").kind == "blocked_address"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("ftp://example.com/feed", "invalid_url"),
        ("javascript:alert(1)", "invalid_url"),
        ("not a url at all", "invalid_url"),
        ("http://", "invalid_url"),
        ("http://user:pw@example.com/", "invalid_url"),
        ("http://example.com@127.0.0.1/", "invalid_url"),
        ("http://host.that-does-not-exist.invalid/feed", "dns"),
    ],
)
def test_unusable_urls_get_clear_errors(url: str, kind: str) -> None:
    with Fetcher(user_agent="t", timeout_s=TIMEOUT_S) as guarded:
        error = fetch_error(guarded, url)
    assert error.kind == kind and error.message


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_untrusted_certificate_is_a_tls_error(fetcher: Fetcher, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with LoopbackServer(tls=context) as secure:
        secure.route("/feed", lb.static(b"<rss/>"))
        error = fetch_error(fetcher, secure.url("/feed"))
    assert error.kind == "tls" and "certificate" in error.message
    assert secure.hits["/feed"] == 0


def test_closed_port_is_a_connect_error(fetcher: Fetcher) -> None:
    with LoopbackServer() as gone:
        url = gone.url("/feed")
    error = fetch_error(fetcher, url)
    assert error.kind == "connect" and "127.0.0.1" in error.message


def test_garbage_instead_of_http_is_a_protocol_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    def garbage(request: BaseHTTPRequestHandler) -> None:
        request.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01\x02\r\n\r\n")
        request.close_connection = True

    server.route("/feed", garbage)
    assert fetch_error(fetcher, server.url("/feed")).kind == "protocol"


# -- status codes and bot checks -------------------------------------------------------------------------


def test_missing_page_is_reported_in_plain_words(server: LoopbackServer, fetcher: Fetcher) -> None:
    error = fetch_error(fetcher, server.url("/nowhere"))
    assert (error.kind, error.status, error.message) == (
        "http_status",
        404,
        "the server answered 404 Not Found",
    )


@pytest.mark.parametrize("status", [403, 503, 200])
def test_cloudflare_challenge_is_named(server: LoopbackServer, fetcher: Fetcher, status: int) -> None:
    server.route("/article", lb.bot_challenge(status=status))
    error = fetch_error(fetcher, server.url("/article"))
    assert error.kind == "bot_challenge"
    assert error.message == "the site answered with a bot check (Cloudflare) instead of the page"


def test_challenge_behind_a_large_error_page_is_still_seen(server: LoopbackServer, fetcher: Fetcher) -> None:
    page = b"<html><head><title>Access denied</title></head><body>" + b"<!-- padding -->" * 20_000
    server.route("/article", lb.static(page, status=403, headers={"Server": "AkamaiGHost"}))
    error = fetch_error(fetcher, server.url("/article"))
    assert error.kind == "bot_challenge" and "(Akamai)" in error.message


def test_generic_captcha_on_403_is_a_bot_check(server: LoopbackServer, fetcher: Fetcher) -> None:
    page = b"<html><body><h1>Please verify you are human</h1><div class='g-recaptcha'></div></body></html>"
    server.route("/article", lb.static(page, status=403))
    error = fetch_error(fetcher, server.url("/article"))
    assert error.kind == "bot_challenge" and "bot check instead" in error.message


def test_article_about_captchas_is_not_a_bot_check(server: LoopbackServer, fetcher: Fetcher) -> None:
    page = (
        b"<html><head><title>Why CAPTCHA fails</title></head><body><p>Sites ask you to verify you are "
        b"human with a captcha; Cloudflare's 'Just a moment' page is one.</p>"
        b"<script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script></body></html>"
    )
    server.route("/article", lb.static(page))
    assert fetcher.fetch(server.url("/article")).body == page
    server.route("/forbidden", lb.static(page, status=403))
    assert fetch_error(fetcher, server.url("/forbidden")).kind == "bot_challenge"  # on a 403 it is one


# -- character sets ----------------------------------------------------------------------------------------

WIN1252_TEXT = (
    "“Café society” — the naïve résumé of a señor’s fiancée… "
    "Les élèves étaient déjà partis à la fête; “voilà”, dit-il, “c’est l’été”. "
) * 8


def test_windows_1252_page_without_a_header_is_detected(server: LoopbackServer, fetcher: Fetcher) -> None:
    body = f"<html><body><p>{WIN1252_TEXT}</p></body></html>".encode("cp1252")
    server.route("/page", lb.static(body, content_type="text/html"))
    result = fetcher.fetch(server.url("/page"))
    assert result.text_encoding == "cp1252"
    assert "“Café society” — the naïve résumé" in result.text() and "\ufffd" not in result.text()


LEGACY_PAGES = [
    ("Die Bürger äußerten ihre Größe – „Grüße“ aus München, schön für Straßenfeste. " * 6, "cp1252"),
    ("The company’s CEO said “we’re pleased” — shares rose 5% to €12… It’s a “win”. " * 6, "cp1252"),
    ("Президент России заявил, что новые санкции не повлияют на экономику страны. " * 6, "cp1251"),
    ("Президент России заявил, что новые санкции не повлияют на экономику страны. " * 6, "koi8-r"),
    ("Zażółć gęślą jaźń. Prezydent powiedział, że wszystko będzie dobrze w przyszłości. " * 6, "cp1250"),
    ("Ο πρωθυπουργός δήλωσε ότι η οικονομία της χώρας βελτιώνεται σταθερά. " * 6, "cp1253"),
    ("Cumhurbaşkanı ekonominin güçlendiğini söyledi; işçiler ağır şartlarda çalışıyor. " * 6, "cp1254"),
]


@pytest.mark.parametrize(("text", "encoding"), LEGACY_PAGES)
def test_undeclared_legacy_pages_read_correctly(text: str, encoding: str) -> None:
    body = f"<html><body><p>{text}</p></body></html>".encode(encoding)
    assert text in body.decode(detect_encoding(body, "text/html") or "utf-8", errors="replace")


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=ISO-8859-1", "<p>café</p>".encode("cp1252"), "cp1252"),  # as browsers do
        ("text/html", b"<meta charset='iso-8859-2'><p>" + "Łódź".encode("iso-8859-2"), "iso8859-2"),
        (
            "application/xml",
            b"<?xml version='1.0' encoding='koi8-r'?><a>" + "Новости".encode("koi8-r"),
            "koi8-r",
        ),
        ("text/html", "\ufeff<p>utf-8 with a BOM: café</p>".encode(), "utf-8"),
        ("text/html; charset=utf-8", "<p>Ελληνικά</p>".encode(), "utf-8"),
        ("text/html; charset=nonsense", "<p>café</p>".encode(), "utf-8"),
        ("image/png", b"\x89PNG\r\n\x1a\n", None),
    ],
)
def test_charset_sources(
    server: LoopbackServer, fetcher: Fetcher, content_type: str, body: bytes, expected: str | None
) -> None:
    server.route("/doc", lb.static(body, content_type=content_type))
    result = fetcher.fetch(server.url("/doc"))
    assert result.text_encoding == expected
    if expected:
        text = result.text()
        assert "\ufffd" not in text and not text.startswith("\ufeff")


# -- robots.txt ----------------------------------------------------------------------------------------


def test_robots_disallow_applies_to_article_pages_only(server: LoopbackServer, fetcher: Fetcher) -> None:
    robots = b"User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n"
    server.route("/robots.txt", lb.static(robots, content_type="text/plain"))
    for path in ("/private/story", "/public/story", "/private/feed.xml"):
        server.route(path, lb.static(b"<p>story</p>"))

    error = fetch_error(fetcher, server.url("/private/story"), is_article_page=True)
    assert error.kind == "robots_disallowed" and "robots.txt" in error.message
    assert fetcher.fetch(server.url("/public/story"), is_article_page=True).status == 200
    assert fetcher.fetch(server.url("/private/feed.xml")).status == 200  # feeds are not crawled pages
    assert server.hits["/private/story"] == 0
    assert server.hits["/robots.txt"] == 1  # cached for the site


@pytest.mark.parametrize("robots", [lb.static(b"gone", status=404), lb.static(b"oops", status=500)])
def test_missing_or_broken_robots_allows_the_page(
    server: LoopbackServer, fetcher: Fetcher, robots: lb.Handler
) -> None:
    server.route("/robots.txt", robots)
    server.route("/story", lb.static(b"<p>story</p>"))
    assert fetcher.fetch(server.url("/story"), is_article_page=True).body == b"<p>story</p>"


def test_robots_can_be_switched_off(server: LoopbackServer) -> None:
    server.route("/robots.txt", lb.static(b"User-agent: *\nDisallow: /\n", content_type="text/plain"))
    server.route("/story", lb.static(b"<p>story</p>"))
    with Fetcher(user_agent="t", allow_private_networks=True, respect_robots=False) as impolite:
        assert impolite.fetch(server.url("/story"), is_article_page=True).status == 200
    assert server.hits["/robots.txt"] == 0


# -- per-host concurrency ---------------------------------------------------------------------------------


def test_no_more_than_two_requests_to_a_host_at_once(server: LoopbackServer, fetcher: Fetcher) -> None:
    gauge = ConcurrencyGauge()
    server.route("/slow", lb.counting(lb.slow(0.4), gauge))
    results: list[FetchResult] = []
    lock = threading.Lock()

    def fetch() -> None:
        result = fetcher.fetch(server.url("/slow"))
        with lock:
            results.append(result)

    started = time.monotonic()
    workers = [threading.Thread(target=fetch) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 3 and gauge.peak == 2
    assert time.monotonic() - started >= 0.75  # the third waited for a slot


def test_result_headers_and_metadata(server: LoopbackServer, fetcher: Fetcher) -> None:
    def handler(request: BaseHTTPRequestHandler) -> None:
        respond(
            request,
            200,
            b"{}",
            content_type="Application/JSON; charset=utf-8",
            headers={"Cache-Control": "max-age=600", "X-Seen-UA": request.headers.get("User-Agent", "")},
        )

    server.route("/api", handler)
    result = fetcher.fetch(server.url("/api?x=1"))
    assert result.content_type == "application/json" and result.text_encoding == "utf-8"
    assert result.headers["cache-control"] == "max-age=600"
    assert result.headers["x-seen-ua"] == "newsdesk-test/1.0"
    assert result.url.endswith("/api?x=1") and 0 < result.elapsed_s < TIMEOUT_S
    with pytest.raises(TypeError):
        result.headers["x"] = "y"  # type: ignore[index]
