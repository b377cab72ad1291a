"""The demo network's UiTdatabank events fall around today, whatever day the demo is built:
the demo file's dates are written around one week (events.demo.DEMO_FILE_WEEK) and the demo
moves them by whole weeks, keeping weekday and local hour; the file itself does not change."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from events.demo import DEMO_FILE, DEMO_FILE_WEEK, demo_document_dated, demo_events_add
from events.models import EventPage, Occurrence


def _writing_workshop() -> dict:
    documents = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["member"]
    return next(doc for doc in documents if doc["name"]["nl"].startswith("Schrijfatelier"))


def test_the_demo_file_is_written_around_its_week():
    for document in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["member"]:
        for part in (document, *document.get("subEvent", [])):
            for key in ("startDate", "endDate"):
                if key in part:
                    day = dt.datetime.fromisoformat(part[key]).date()
                    assert abs((day - DEMO_FILE_WEEK).days) <= 120, (document["name"], day)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 12, 2), dt.date(2027, 7, 15), dt.date(2031, 3, 1), dt.date(2024, 1, 1)]
)
def test_demo_dates_move_to_the_week_of_today_on_the_local_clock(today):
    local = timezone.get_current_timezone()
    original = _writing_workshop()
    dated = demo_document_dated(original, today=today)
    starts = [dt.datetime.fromisoformat(sub["startDate"]) for sub in dated["subEvent"]]
    first_in_file = dt.datetime.fromisoformat(original["subEvent"][0]["startDate"])
    assert 0 <= (starts[0].date() - today).days < 21
    for start in starts:
        assert start.weekday() == first_in_file.astimezone(local).weekday()
        # 19.30 in Belgium, in winter and in summer.
        assert start.astimezone(local).time() == dt.time(19, 30)
    # The file's document is not changed.
    assert original["subEvent"][0]["startDate"] == "2026-01-19T18:30:00+00:00"


@pytest.mark.django_db
def test_the_demo_agenda_shows_the_writing_workshop_in_the_coming_weeks(site_a):
    assert not EventPage.objects.descendant_of(site_a.home).exists()
    demo_events_add(tenant=site_a.tenant)
    workshop = EventPage.objects.descendant_of(site_a.home).get(title__startswith="Schrijfatelier")
    today = timezone.localdate()
    days = [
        timezone.localtime(start).date()
        for start in Occurrence.objects.filter(page=workshop).values_list("start", flat=True)
    ]
    assert len(days) == 3
    assert all(0 <= (day - today).days < 35 for day in days)
