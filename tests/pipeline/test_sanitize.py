"""Article HTML sanitising and HTML → text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.pipeline.sanitize import clean_article_html, clean_text, html_to_text, without_link_trail

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


FT_ITEM = Path(__file__).parents[1] / "fixtures" / "feeds" / "ft-markets-item.html"


def test_a_feed_entrys_last_line_of_a_lone_short_link_is_dropped_and_links_in_the_text_stay() -> None:
    """The FT's feed ends every summary with its section as a link ("<br/><a …>Markets</a>"): the
    teaser would read "…against the legality of his levies Markets". A link that is part of the
    text is the text."""
    ft = FT_ITEM.read_text(encoding="utf-8")
    trimmed = without_link_trail(clean_article_html(ft, "https://www.ft.com/"))
    assert html_to_text(trimmed).endswith("a court ruled against the legality of his levies")
    assert "<img" in trimmed  # the rest is kept as it was
    text = "<p>The rover found clay on the crater floor.</p>"
    assert without_link_trail(text + "<p><a href='https://x.test/1'>Read more</a></p>") == text
    both = text + "<p><a href='/a'>Read <b>more</b></a></p><a href='/s'>Science</a>"
    assert without_link_trail(both) == text
    kept = [
        # a link that ends a sentence
        "<p>The rover found clay, says <a href='https://nasa.test/'>NASA</a></p>",
        "The rover found clay on the floor of <a href='https://x.test/'>Jezero crater</a>",
        # a long link line is the article's own words
        "<p>Clay found.</p><p><a href='https://x.test/'>The rover found clay on the crater floor</a></p>",
        # an entry that is only a link keeps it
        "<p><a href='https://x.test/'>Comments</a></p>",
        "<p>Short one.</p><br><a href='https://x.test/'>Comments</a>",
        # text after the link
        "<p>The rover found clay on the crater floor.</p><p><a href='/a'>Read more</a> here</p>",
    ]
    for html in kept:
        assert without_link_trail(html) == html, html
