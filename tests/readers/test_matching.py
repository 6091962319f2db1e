"""Entity matching for follows: the article's panel slugs, and the entity index's story-wide slugs."""

from __future__ import annotations

import pytest
from django.apps import apps

from newsdesk.readers.matching import entities_named_in, entity_slug, entity_slugs_for
from tests.readers import builders

pytestmark = pytest.mark.django_db


def test_slugs_come_from_the_stored_panels() -> None:
    # Four articles: enough for entity pages (NEWSDESK_ENTITY_PAGE_MIN_ARTICLES), so follow buttons.
    s = builders.story(
        "Mayor opens bridge", ["City Post", "Metro"], people=["Zoë Ångström"], places=["Zürich"], per_outlet=2
    )
    ids = list(s.articles.values_list("pk", flat=True))
    found = entity_slugs_for(ids)
    assert set(found) == set(ids) and all(v == {"zoe-angstrom", "zurich"} for v in found.values())
    assert entity_slug("Zoë Ångström") == "zoe-angstrom"
    assert entities_named_in(ids) == [
        ("zoe-angstrom", "Zoë Ångström", "person"),
        ("zurich", "Zürich", "place"),
    ]
    assert entity_slugs_for([]) == {} and entity_slugs_for([987654]) == {}


def test_story_wide_slugs_of_the_entity_index_count_too() -> None:
    try:
        mention = apps.get_model("articles", "EntityMention")
    except LookupError:
        pytest.skip("no entity index in this tree yet")
    s = builders.story("Musk sells shares", ["City Post"], people=["Musk"])
    article = s.articles.get()
    # The story linked "Musk" to Elon Musk: the index row of the bare name carries the story-wide slug.
    mention.objects.update_or_create(
        article=article,
        local_slug="musk",
        defaults={
            "slug": "elon-musk",
            "name": "Elon Musk",
            "kind": "person",
            "published_at": article.display_time,
        },
    )
    assert entity_slugs_for([article.pk]) == {article.pk: {"musk", "elon-musk"}}
