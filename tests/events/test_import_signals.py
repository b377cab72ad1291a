"""After an import, caches hear once what changed (home.signals.pages_changed); imported events
go public at their availableFrom and offline at their availableTo on the minute."""

import copy
import datetime as dt
import uuid

import pytest
from django.utils import timezone

from events.models import EventPage, Occurrence
from events.selectors import agenda_page
from events.services import SourceItem, uitdatabank_import
from events.tasks import events_availability_task
from home.signals import pages_changed
from jobs.registry import schedules_load
from tests.factories.events import agenda_of


def document(**fields) -> dict:
    start = timezone.now() + dt.timedelta(days=10)
    doc = {
        "@id": f"https://io.uitdatabank.be/events/{uuid.uuid4()}",
        "mainLanguage": "nl",
        "name": {"nl": "Voorleesuurtje"},
        "calendarType": "single",
        "startDate": start.replace(microsecond=0).isoformat(),
        "endDate": (start + dt.timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "workflowStatus": "APPROVED",
        "location": {
            "name": {"nl": "Bibliotheek"},
            "address": {"nl": {"postalCode": "9000", "addressLocality": "Gent"}},
        },
    }
    doc.update(copy.deepcopy(fields))
    return doc


def run(site, *docs):
    return uitdatabank_import(
        site=site, items=[SourceItem(document=doc, origin="test") for doc in docs], source="test"
    )


def ids_of(*docs) -> list[int]:
    return sorted(
        EventPage.objects.filter(uitdatabank_id__in=[doc["@id"] for doc in docs]).values_list(
            "pk", flat=True
        )
    )


@pytest.fixture
def sent():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    pages_changed.connect(receiver, dispatch_uid="test_import_signals")
    yield calls
    pages_changed.disconnect(dispatch_uid="test_import_signals")


def test_one_signal_per_run_after_commit_with_what_changed(
    site_a, sent, django_capture_on_commit_callbacks
):
    first, second, third = document(), document(), document()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(site_a.site, first, second, third)
    # nothing is sent before the transaction commits
    assert sent == []
    for callback in callbacks:
        callback()
    assert len(sent) == 1
    assert sent[0]["site_ids"] == [site_a.site.pk]
    assert sent[0]["page_ids"] == ids_of(first, second, third)
    sent.clear()

    # an unchanged re-import sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        result = run(site_a.site, first, second, third)
    assert result.unchanged == 3
    assert sent == []

    # one changed, one withdrawn upstream: those two, in one signal
    changed = dict(first, name={"nl": "Voorleesuurtje met muziek"})
    deleted = dict(second, workflowStatus="DELETED")
    with django_capture_on_commit_callbacks(execute=True):
        result = run(site_a.site, changed, deleted, third)
    assert (result.updated, result.withdrawn, result.unchanged) == (1, 1, 1)
    assert len(sent) == 1
    assert sent[0]["page_ids"] == ids_of(first, second)


def test_regional_event_change_reaches_the_agendas_that_show_it(
    site_a, site_b, sent, django_capture_on_commit_callbacks
):
    doc = document()
    run(site_a.site, doc)
    page = EventPage.objects.get(uitdatabank_id=doc["@id"])
    EventPage.objects.filter(pk=page.pk).update(regional=True, region="oost-vlaanderen")
    agenda_b = agenda_of(site_b.home)
    agenda_b.include_regional, agenda_b.region = True, "oost-vlaanderen"
    agenda_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        run(site_a.site, dict(doc, name={"nl": "Voorleesuurtje in de regio"}))
    assert len(sent) == 1
    assert sent[0]["site_ids"] == sorted([site_a.site.pk, site_b.site.pk])
    assert sent[0]["page_ids"] == [page.pk]


def test_available_from_and_to_take_effect_on_the_minute(
    site_a, monkeypatch, sent, django_capture_on_commit_callbacks
):
    go_live = (timezone.now() + dt.timedelta(hours=2)).replace(second=30, microsecond=0)
    expire = go_live + dt.timedelta(hours=3)
    doc = document(availableFrom=go_live.isoformat(), availableTo=expire.isoformat())
    run(site_a.site, doc)
    page = EventPage.objects.get(uitdatabank_id=doc["@id"])
    assert not page.live
    agenda = agenda_of(site_a.home)

    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        with django_capture_on_commit_callbacks(execute=True):
            result = events_availability_task.enqueue()
        return result.return_value

    def listed(moment) -> bool:
        return page.pk in {
            item.event.pk for item in agenda_page(index=agenda, filters={}, now=moment).items
        }

    # the schedule runs the job every minute
    schedule = {s.name: s for s in schedules_load(environ={})}["events_availability"]
    assert schedule.task == "events.tasks.events_availability_task"
    assert schedule.next_run(now=go_live) == go_live.replace(second=0) + dt.timedelta(minutes=1)

    assert at(go_live - dt.timedelta(seconds=1)) == 0
    assert not EventPage.objects.get(pk=page.pk).live
    assert sent == []
    # the first run at or after availableFrom publishes it, without a new import
    assert at(go_live + dt.timedelta(seconds=29)) == 1
    page.refresh_from_db()
    assert page.live and page.go_live_at is None
    assert Occurrence.objects.filter(page=page, live=True).exists()
    assert listed(go_live + dt.timedelta(seconds=29))
    assert sent == [{"signal": pages_changed, "site_ids": [site_a.site.pk], "page_ids": [page.pk]}]
    assert at(go_live + dt.timedelta(minutes=1)) == 0  # nothing left to do
    # and the first run after availableTo takes it offline
    assert at(expire + dt.timedelta(seconds=10)) == 1
    page.refresh_from_db()
    assert not page.live
    assert not Occurrence.objects.filter(page=page, live=True).exists()
    assert not listed(expire + dt.timedelta(seconds=10))
