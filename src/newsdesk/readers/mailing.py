"""The daily briefing by e-mail: at the reader's chosen local hour, once per reader per day.

Any number of workers may run `send_due_briefings` at the same minute. Each reader's day is
claimed by inserting its `BriefingDelivery` row (unique on user and day) before anything is sent:
only the worker whose insert won sends. A failed send keeps the row unsent; once its claim has
lapsed (`CLAIM`) a later run may claim it again, up to `MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from newsdesk.readers.briefing import top_stories
from newsdesk.readers.models import BriefingDelivery, Profile
from newsdesk.readers.state import load_state
from newsdesk.runtime import siteurl

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=10)  # longer than any SMTP exchange; a dead worker's claim lapses after it
MAX_ATTEMPTS = 5


def local_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _claim(user_id: int, day, now: datetime) -> bool:
    try:
        with transaction.atomic():
            BriefingDelivery.objects.create(user_id=user_id, day=day, claimed_until=now + CLAIM)
        return True
    except IntegrityError:
        # Someone has the day: sent, being sent, or failed and free again once its claim lapsed.
        return (
            BriefingDelivery.objects.filter(
                user_id=user_id,
                day=day,
                sent_at__isnull=True,
                claimed_until__lt=now,
                attempts__lt=MAX_ATTEMPTS,
            ).update(claimed_until=now + CLAIM, attempts=F("attempts") + 1)
            == 1
        )


def briefing_message(profile: Profile, now: datetime) -> tuple[EmailMultiAlternatives, list[int]]:
    user = profile.user
    briefing = top_stories(load_state(user.pk), now)
    day = now.astimezone(local_zone(profile.time_zone)).date()
    context = {"briefing": briefing, "user": user, "day": day, "site_url": siteurl.absolute("")}
    subject = f"Your Top {len(briefing.items)} for {day:%A %-d %B}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("readers/briefing_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("readers/briefing_email.html", context), "text/html")
    return message, [i.story.pk for i in briefing.items]


def send_due_briefings(now: datetime | None = None) -> int:
    """Send every briefing whose local hour has come today and that no worker sent; returns how many."""
    now = now or timezone.now()
    sent = 0
    due = Profile.objects.filter(
        briefing_email=True, email_verified=True, user__is_active=True
    ).select_related("user")
    for profile in due.exclude(user__email=""):
        local = now.astimezone(local_zone(profile.time_zone))
        if local.hour < profile.briefing_hour:
            continue
        day = local.date()
        if BriefingDelivery.objects.filter(user_id=profile.user_id, day=day, sent_at__isnull=False).exists():
            continue
        if not _claim(profile.user_id, day, now):
            continue
        try:
            message, story_ids = briefing_message(profile, now)
            if not story_ids:
                # Nothing to tell today: record the day as done rather than send an empty letter.
                BriefingDelivery.objects.filter(user_id=profile.user_id, day=day).update(
                    sent_at=timezone.now(), error="no stories in the last 24 hours", story_ids=[]
                )
                continue
            message.send()
        except Exception as exc:  # SMTP down, template error: recorded, retried after the claim
            log.warning("briefing for user %s not sent: %s", profile.user_id, exc)
            BriefingDelivery.objects.filter(user_id=profile.user_id, day=day).update(error=str(exc)[:2000])
            continue
        BriefingDelivery.objects.filter(user_id=profile.user_id, day=day).update(
            sent_at=timezone.now(), error="", story_ids=story_ids
        )
        sent += 1
    return sent
