"""A title that is a whole sentence (some feeds put the standfirst there) is set smaller than a headline."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.articles.models import Article
from tests.readers import builders

pytestmark = pytest.mark.django_db

STANDFIRST = (
    "President Trump said he would double tariffs on imported steel, making the announcement at a rally "
    "promoting a deal between two steelmakers"
)


@pytest.mark.parametrize(("title", "small"), [(STANDFIRST, True), ("Steel tariffs to double", False)])
def test_a_sentence_long_title_is_set_smaller(client: Client, title: str, small: bool) -> None:
    story = builders.story(title, ["Steel Post"])
    page = client.get(f"/article/{Article.objects.get(story=story).pk}/").content.decode()
    assert ('<h1 class="long">' in page) is small
    assert title in page
