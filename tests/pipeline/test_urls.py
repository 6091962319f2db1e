"""Canonical URL identity, tracking removal and link resolution."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsdesk.pipeline.urls import (
    MAX_URL_LENGTH,
    InvalidURL,
    absolutize,
    canonicalize_url,
    is_tracking_param,
    strip_tracking,
)


def test_brief_example() -> None:
    assert (
        canonicalize_url("http://Example.com:80/a/../b/?utm_source=x&b=2&a=1#frag")
        == "http://example.com/b/?a=1&b=2"
    )


@pytest.mark.parametrize(
    "param",
    [
        "utm_source=rss",
        "utm_medium=feed",
        "utm_campaign=x",
        "UTM_Content=y",
        "utm_anything_new=1",
        "fbclid=IwAR0abc",
        "gclid=Cj0K",
        "dclid=1",
        "msclkid=2",
        "mc_cid=3",
        "mc_eid=4",
        "_ga=2.1.2",
        "igshid=zz",
        "ref=hn",
        "ref_src=twsrc%5Etfw",
        "cmpid=rss",
        "ocid=msn",
        "sr_share=twitter",
        "CMP=share_btn_tw",
        "smid=nytcore-ios-share",
        "at_medium=RSS",
        "at_campaign=rss",
        "xtor=RSS-1",
        "pk_campaign=feed",
        "utm%5Fsource=encoded-name",
    ],
)
def test_tracking_parameters_are_removed(param: str) -> None:
    url = f"https://news.example/story/42?id=7&{param}"
    assert canonicalize_url(url) == "https://news.example/story/42?id=7"
    assert strip_tracking(url) == "https://news.example/story/42?id=7"


@pytest.mark.parametrize("param", ["id=7", "page=2", "q=climate", "source=x", "article=5", "s=1", "p=123"])
def test_content_parameters_are_kept(param: str) -> None:
    assert is_tracking_param(param.split("=")[0]) is False
    assert canonicalize_url(f"https://news.example/?{param}") == f"https://news.example/?{param}"


def test_query_order_does_not_matter() -> None:
    forms = [
        "https://example.com/s?b=2&a=1&c=3",
        "https://example.com/s?c=3&a=1&b=2",
        "https://example.com/s?a=1&b=2&utm_source=x&c=3",
        "https://example.com/s?&a=1&&b=2&c=3&",
    ]
    assert {canonicalize_url(u) for u in forms} == {"https://example.com/s?a=1&b=2&c=3"}


def test_repeated_parameter_keeps_its_order() -> None:
    # ?tag=a&tag=b and ?tag=b&tag=a can be different pages on some servers: names are sorted,
    # values of one name are not.
    assert canonicalize_url("http://e.com/?z=1&tag=b&tag=a") == "http://e.com/?tag=b&tag=a&z=1"


def test_fragment_and_bare_question_mark_dropped() -> None:
    assert canonicalize_url("https://example.com/a?#section-2") == "https://example.com/a"
    assert canonicalize_url("https://example.com/a#") == "https://example.com/a"
    assert canonicalize_url("https://example.com/a?utm_source=x#top") == "https://example.com/a"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com:80/", "http://example.com/"),
        ("https://example.com:443/", "https://example.com/"),
        ("http://example.com:/", "http://example.com/"),
        ("http://example.com:443/", "http://example.com:443/"),
        ("https://example.com:80/", "https://example.com:80/"),
        ("https://example.com:08443/x", "https://example.com:8443/x"),
    ],
)
def test_default_ports(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://Bücher.example/x",
        "http://BÜCHER.EXAMPLE/x",
        "http://xn--bcher-kva.example/x",
        "http://bücher.example./x",
    ],
)
def test_idna_hosts(url: str) -> None:
    assert canonicalize_url(url) == "http://xn--bcher-kva.example/x"


def test_uppercase_scheme_and_host_lowercased_but_path_kept() -> None:
    assert canonicalize_url("HTTPS://WWW.Example.COM/Path/To/Page") == "https://www.example.com/Path/To/Page"


def test_empty_path_becomes_slash() -> None:
    assert canonicalize_url("https://example.com") == "https://example.com/"
    assert canonicalize_url("https://example.com?b=1") == "https://example.com/?b=1"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://e.com/%7euser/%41%62c", "http://e.com/~user/Abc"),  # unreserved escapes decoded
        ("http://e.com/a%2fb", "http://e.com/a%2Fb"),  # reserved escapes kept, hex upper-cased
        ("http://e.com/a b/é", "http://e.com/a%20b/%C3%A9"),  # what must be escaped is
        ("http://e.com/a%20b/%c3%a9", "http://e.com/a%20b/%C3%A9"),
        ("http://e.com/100%/x", "http://e.com/100%25/x"),  # a stray % is escaped
        ("http://e.com/?q=caf%C3%A9&x=a%2Bb", "http://e.com/?q=caf%C3%A9&x=a%2Bb"),
        ("http://e.com/?q=café", "http://e.com/?q=caf%C3%A9"),
    ],
)
def test_percent_encoding_normalised(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://e.com/a/b/../c/./d", "http://e.com/a/c/d"),
        ("http://e.com/../../x", "http://e.com/x"),
        ("http://e.com/a/%2E%2E/b", "http://e.com/b"),
        ("http://e.com/a/b/..", "http://e.com/a/"),
        ("http://e.com/a/.", "http://e.com/a/"),
    ],
)
def test_dot_segments_resolved(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_ipv6_and_ipv4_hosts() -> None:
    assert canonicalize_url("http://[2001:DB8:0:0::1]:80/") == "http://[2001:db8::1]/"
    assert canonicalize_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/a"


def test_backslash_is_a_slash_like_in_browsers() -> None:
    # A browser goes to evil.example here; the identity must not claim good.example.
    assert canonicalize_url("http://evil.example\\@good.example/") == "http://evil.example/@good.example/"


def test_whitespace_and_newlines_around_and_inside_are_dropped() -> None:
    assert canonicalize_url("  \thttps://exa\nmple.com/a\r\n ") == "https://example.com/a"


def test_relative_url_resolved_against_base() -> None:
    assert canonicalize_url("../b?utm_medium=rss#x", base="https://E.com/a/c/d") == "https://e.com/a/b"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/file.txt",
        "file:///etc/passwd",
        "mailto:editor@example.com",
        "//example.com/protocol-relative-without-base",
        "/just/a/path",
        "example.com/no-scheme",
        "",
        "   ",
        "http://",
        "http:///path",
        "https://exa mple.com/",
        "http://[::1/",
        "http://[not-an-ip]/",
        "http://example.com:99999/",
        "http://example.com:8o/",
        "http://a..b/",
        "http://ex%00ample.com/",
        "http://exa\x00mple.com/",
        "http://" + "a" * (MAX_URL_LENGTH + 1) + ".com/",
    ],
)
def test_invalid_urls_rejected_with_plain_message(url: str) -> None:
    with pytest.raises(InvalidURL) as excinfo:
        canonicalize_url(url)
    assert str(excinfo.value)
    assert "Traceback" not in str(excinfo.value)


def test_invalid_scheme_message_names_the_scheme() -> None:
    with pytest.raises(InvalidURL, match="'javascript' is not allowed"):
        canonicalize_url("javascript:alert(1)")


def test_non_text_input_is_invalid_url() -> None:
    for value in (None, b"http://example.com/", 42):
        with pytest.raises(InvalidURL):
            canonicalize_url(value)  # type: ignore[arg-type]


def test_invalid_url_is_a_value_error() -> None:
    assert issubclass(InvalidURL, ValueError)


# --- strip_tracking ---------------------------------------------------------------------------


def test_strip_tracking_keeps_everything_else_as_written() -> None:
    url = "HTTPS://Example.com:443/A/../b?z=1&utm_source=rss&a=%7e&fbclid=x#Frag"
    assert strip_tracking(url) == "HTTPS://Example.com:443/A/../b?z=1&a=%7e#Frag"


def test_strip_tracking_drops_an_emptied_query() -> None:
    assert strip_tracking("https://e.com/a?utm_source=x&utm_medium=y#f") == "https://e.com/a#f"
    assert strip_tracking("https://e.com/a") == "https://e.com/a"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)?utm_source=x", "http://bad host/?utm_source=x", "/a?b=1"]
)
def test_strip_tracking_rejects_invalid_links(url: str) -> None:
    with pytest.raises(InvalidURL):
        strip_tracking(url)


# --- absolutize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("c.html", "https://news.example/a/b/c.html"),
        ("../c.html#top", "https://news.example/a/c.html#top"),
        ("/root?x=1", "https://news.example/root?x=1"),
        ("//cdn.example/i.png", "https://cdn.example/i.png"),
        ("http://other.example/", "http://other.example/"),
        ("?page=2", "https://news.example/a/b/index.html?page=2"),
    ],
)
def test_absolutize(link: str, expected: str) -> None:
    assert absolutize(link, "https://news.example/a/b/index.html") == expected


@pytest.mark.parametrize("link", ["javascript:void(0)", "mailto:a@b.c", "data:,x", "tel:+441234"])
def test_absolutize_rejects_non_http_links(link: str) -> None:
    with pytest.raises(InvalidURL):
        absolutize(link, "https://news.example/")


@pytest.mark.parametrize("base", ["/relative/base", "ftp://example.com/", ""])
def test_absolutize_rejects_bad_base(base: str) -> None:
    with pytest.raises(InvalidURL, match="base URL"):
        absolutize("x.html", base)


# --- properties -------------------------------------------------------------------------------

_hosts = st.sampled_from(
    [
        "example.com",
        "EXAMPLE.com",
        "bücher.example",
        "xn--bcher-kva.example",
        "127.0.0.1",
        "[::1]",
        "[2001:DB8::1]",
        "sub_domain.example.org",
        "ex%41mple.com",
        "例え.テスト",
    ]
)
_chars = st.characters(blacklist_categories=("Cs",))
_printable = st.characters(blacklist_categories=("Cs", "Cc"))
_url_text = st.text(
    alphabet=st.one_of(_printable, st.sampled_from(list("%/.?&=#+;:@!$'()*,~-_ AaFf09"))), max_size=40
)


@st.composite
def url_like(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTTps"]))
    userinfo = draw(st.sampled_from(["", "user@", "u:p%40@"]))
    port = draw(st.sampled_from(["", ":", ":80", ":443", ":8080", ":0080"]))
    path = draw(_url_text)
    query = draw(
        st.lists(st.tuples(st.sampled_from(["a", "B", "utm_source", "ref", "q", "x%5Fy", ""]), _url_text))
    )
    fragment = draw(st.sampled_from(["", "#", "#frag", "#a?b"]))
    q = "&".join(f"{k}={v}" for k, v in query)
    return f"{scheme}://{userinfo}{draw(_hosts)}{port}/{path}" + (f"?{q}" if query else "") + fragment


@settings(max_examples=300, deadline=None)
@given(url_like())
def test_canonicalize_is_idempotent(url: str) -> None:
    try:
        once = canonicalize_url(url)
    except InvalidURL:
        assume(False)
        return
    assert canonicalize_url(once) == once
    parts = urlsplit(once)
    assert parts.scheme in {"http", "https"}
    assert not parts.fragment
    assert not any(is_tracking_param(p.partition("=")[0]) for p in parts.query.split("&"))
    # the link we show and the identity agree on what the page is
    assert canonicalize_url(strip_tracking(url)) == once


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(st.text(max_size=60), url_like(), st.text(alphabet=_chars, max_size=60).map("http://".__add__))
)
def test_only_invalid_url_is_ever_raised(text: str) -> None:
    for call in (
        lambda: canonicalize_url(text),
        lambda: strip_tracking(text),
        lambda: absolutize(text, "https://base.example/dir/page"),
        lambda: canonicalize_url(text, base="https://base.example/dir/page"),
    ):
        try:
            result = call()
        except InvalidURL:
            continue
        assert isinstance(result, str)
        assert urlsplit(result).scheme.lower() in {"http", "https"}
        canonicalize_url(result)  # whatever we show or fetch also has an identity
