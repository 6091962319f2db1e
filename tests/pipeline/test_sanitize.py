"""Article HTML sanitising and HTML → text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.pipeline.sanitize import clean_article_html, clean_text, html_to_text

BASE = "https://news.example.org/world/story.html"


def test_removes_scripts_handlers_frames_forms_and_keeps_paragraphs() -> None:
    html = (
        "<p onclick='steal()'>First <b>bold</b> paragraph.</p>"
        "<script>alert('x')</script><style>p{color:red}</style>"
        "<iframe src='https://evil.example/'></iframe>"
        "<form action='/login'><input name='password'><button>Go</button></form>"
        "<img src='/pic.jpg' alt='A picture' onerror='steal()'>"
        "<p>Second paragraph.</p>"
    )
    out = clean_article_html(html, BASE)
    assert "<p>First <b>bold</b> paragraph.</p>" in out
    assert "<p>Second paragraph.</p>" in out
    for bad in (
        "script",
        "alert",
        "style",
        "iframe",
        "form",
        "input",
        "password",
        "onclick",
        "onerror",
        "steal",
    ):
        assert bad not in out
    assert '<img src="https://news.example.org/pic.jpg" alt="A picture">' in out


def test_links_are_absolute_safe_and_nofollow() -> None:
    html = (
        '<p><a href="../politics/vote.html">vote</a> <a href="javascript:alert(1)">js</a> '
        '<a href="JaVaScRiPt:alert(1)">js2</a> <a href="data:text/html,hi">data</a> '
        '<a href="mailto:desk@example.org">mail</a> <a href="ftp://x.example/">ftp</a></p>'
    )
    out = clean_article_html(html, BASE)
    assert 'href="https://news.example.org/politics/vote.html"' in out
    assert 'href="mailto:desk@example.org"' in out
    assert "javascript" not in out.lower()
    assert "data:" not in out and "ftp:" not in out
    assert out.count('rel="nofollow noopener noreferrer"') == out.count("<a ")
    # the words of refused links stay readable
    assert "js" in html_to_text(out) and "data" in html_to_text(out)


def test_images_need_http_sources() -> None:
    out = clean_article_html('<img src="data:image/png;base64,AAAA"><img src="javascript:x"><p>x</p>', BASE)
    assert "<img" not in out
    assert "<p>x</p>" in out


def test_allowed_structure_survives() -> None:
    html = (
        "<h1>Head</h1><h2>Sub</h2><blockquote>Quote</blockquote><ul><li>a</li></ul>"
        "<figure><img src='https://cdn.example/x.png' alt='x'><figcaption>Cap</figcaption></figure>"
        "<table><tr><th>k</th><td colspan='2'>v</td></tr></table><pre><code>c</code></pre>"
    )
    out = clean_article_html(html, BASE)
    for tag in (
        "<h2>Head</h2>",
        "<h2>Sub</h2>",
        "<blockquote>",
        "<li>a</li>",
        "<figcaption>Cap</figcaption>",
    ):
        assert tag in out
    assert '<td colspan="2">v</td>' in out and "<pre><code>c</code></pre>" in out


def test_html_to_text_paragraphs_and_whitespace() -> None:
    text = html_to_text(
        "<div><p>One\n  two</p><p>Three<br>four</p><ul><li>a</li><li>b</li></ul><script>x()</script></div>"
    )
    assert text == "One two\n\nThree four\n\na\n\nb"
    assert html_to_text("") == ""
    assert clean_text("  a \n\t b  ") == "a b"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcjs:onerrorscriptiframehref&#;\n")), max_size=200))
def test_hostile_fragments_never_leak_script(fragment: str) -> None:
    out = clean_article_html(fragment, BASE)
    lowered = out.lower()
    assert "<script" not in lowered and "<iframe" not in lowered
    assert "javascript:" not in lowered.replace(" ", "") or "href" not in lowered
    html_to_text(out)
