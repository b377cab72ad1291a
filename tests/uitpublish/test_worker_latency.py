"""The time from a local edit to the Entry API call, through the real worker process
(`manage.py jobs_worker` on the database backend, polling every 0.2 s) against the stand-in."""

import signal
import statistics
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from events.models import EventPage
from jobs.models import Heartbeat
from tests.jobs.test_worker_process import ROOT, WORKER, _env
from tests.uitpublish.conftest import FUTURE, PLACE_ID
from tests.uitpublish.standin import EntryApiStandIn
from uitpublish.models import Publication, PublicationState
from uitpublish.services import publication_request

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker subprocess must reach the test database",
)

EDITS = 5


def _wait_for(condition, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_edit_to_entry_api_call_through_the_worker(site_a, capsys):
    from home.models import IntegrationSettings
    from tests.factories.events import EventPageFactory, agenda_of, event_date

    standin = EntryApiStandIn().start()
    cache.clear()
    config = standin.settings(UITPUBLISH_TASK_BACKEND="database", UITPUBLISH_TIMEOUT=5)
    worker = None
    try:
        with override_settings(**config):
            integration = IntegrationSettings.for_site(site_a.site)
            integration.uitdatabank_place_ids = PLACE_ID
            integration.save()
            page = EventPageFactory(
                parent=agenda_of(site_a.home),
                title="Lezing in de bib",
                event_type="0.3.1.0.0",
                dates=[event_date(FUTURE)],
            )
            environment = _env(**{key: str(value) for key, value in config.items()})
            worker = subprocess.Popen(
                WORKER,
                cwd=ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _wait_for(lambda: Heartbeat.objects.filter(kind=Heartbeat.Kind.WORKER).exists())

            latencies = []
            started = time.monotonic()
            publication = publication_request(page=page)
            _wait_for(lambda: standin.calls("POST"))
            latencies.append(standin.calls("POST")[0].at - started)
            _wait_for(
                lambda: Publication.objects.get(pk=publication.pk).state == PublicationState.IN_STEP
            )
            for number in range(EDITS):
                edited = EventPage.objects.get(pk=page.pk)
                edited.title = f"Lezing in de bib ({number + 2})"
                seen = len(standin.calls("PUT"))
                started = time.monotonic()
                edited.save_revision().publish()
                _wait_for(lambda seen=seen: len(standin.calls("PUT")) > seen)
                latencies.append(standin.calls("PUT")[-1].at - started)
            publication.refresh_from_db()
            assert publication.event_id in standin.events
            assert standin.events[publication.event_id]["name"] == {
                "nl": f"Lezing in de bib ({EDITS + 1})"
            }
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        standin.stop()
        cache.clear()
    ordered = sorted(latencies)
    with capsys.disabled():
        sys.stdout.write(
            "\nlocal edit -> Entry API call through the worker: "
            f"create {latencies[0] * 1000:.0f} ms; updates median "
            f"{statistics.median(latencies[1:]) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms "
            f"({len(latencies)} calls)\n"
        )
    # The worker polls every 0.2 s: well under two seconds on a quiet machine.
    assert max(latencies) < 10
