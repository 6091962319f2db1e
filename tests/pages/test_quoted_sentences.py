"""A cited sentence from inside a quotation of several is shown with the quotation mark it lacks: alone,
'We will extend the pay."' read as the article's own claim until its closing mark."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from newsdesk.articles.models import Insight
from newsdesk.pipeline.text.sentences import quoted_whole
from tests.readers import builders

OPENS = '"We have doubled maternity pay already.'
CLOSES = "We will extend the pay to nine months, that's the extra £1,400.\""


def test_a_sentence_gets_the_quotation_mark_it_lacks_and_no_other() -> None:
    assert quoted_whole(CLOSES) == '"' + CLOSES
    assert quoted_whole(OPENS) == OPENS + '"'
    assert quoted_whole("“It works,” she said, “and it lasts.”") == "“It works,” she said, “and it lasts.”"
    assert quoted_whole("and it lasts.”") == "“and it lasts.”"
    assert quoted_whole('Ms Hewitt said: "We will."') == 'Ms Hewitt said: "We will."'
    assert quoted_whole('He said the plan was "desperate", then left') == (
        'He said the plan was "desperate", then left'
    )
    assert quoted_whole("The 6' 2\" lock") == "The 6' 2\" lock"  # an inch mark inside: left alone


@pytest.mark.django_db
def test_the_article_page_and_top_8_show_the_quote_whole(client: Client) -> None:
    story = builders.story("Maternity pay to rise", ["Harbour Times"])
    article = story.articles.get()
    insight = Insight.objects.get(article=article)
    insight.data["summary"] = [{"text": OPENS, "sentence_index": 0}, {"text": CLOSES, "sentence_index": 1}]
    insight.data["sentences"] = [{"text": OPENS, "index": 0}, {"text": CLOSES, "index": 1}]
    insight.save(update_fields=["data"])
    page = html.unescape(client.get(f"/article/{article.pk}/").content.decode())
    assert f'<li>{OPENS}" <sup' in page and f'<li>"{CLOSES} <sup' in page
    assert f'value="2">{CLOSES}</li>' in page  # the numbered sentences stay as the source wrote them
    briefing = html.unescape(client.get("/briefing/").content.decode())
    assert f'"{CLOSES} <a class="cite"' in briefing
