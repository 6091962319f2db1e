"""An article's cached page is out of date once its AI panel is stored (connected in ready)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from newsdesk.articles.models import Insight
from newsdesk.runtime import pagechanges


@receiver(post_save, sender=Insight)
def panel_stored(sender: Any, instance: Insight, **kwargs: Any) -> None:
    pagechanges.changed(pagechanges.article(instance.article_id))
