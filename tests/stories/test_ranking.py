"""The front page's ranking on a site whose stories are all years old (an archive): coverage still
decides, as it does among fresh stories; decay by age never flattens them into one tie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.stories.ranking import front_stories
from tests.readers import builders

pytestmark = pytest.mark.django_db


def test_an_archive_is_ranked_by_coverage_not_by_which_story_was_updated_last() -> None:
    old = timezone.now() - timedelta(days=3 * 365)
    narrow = builders.story("Harbour toll rises", ["Gazette"], when=old + timedelta(hours=1))
    wide = builders.story("Bridge closes for repairs", ["Gazette", "Herald", "Courier", "Post"], when=old)
    assert narrow.last_updated > wide.last_updated  # the narrow one is the newer of the two
    assert [s.pk for s in front_stories()] == [wide.pk, narrow.pk]
