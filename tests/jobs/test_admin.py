"""The "Achtergrondtaken" screen: central editors only; schedules with last and next run,
failures with their reasons, liveness; start one job, for one site."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jobs.models import Heartbeat, JobRun, ScheduleFire
from tests.factories.html import soup_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sample_schedule")]


@pytest.fixture
def sample_schedule():
    with override_settings(JOBS_SCHEDULE="tests.jobs.sample_tasks.SCHEDULE"):
        yield


@pytest.fixture
def url():
    return reverse("jobs_overview")


def test_local_editor_gets_403_and_no_menu_item(site_a, url, admin_client):
    client = admin_client(site_a.editor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"job": "marker"}).status_code == 403
    assert not ScheduleFire.objects.exists()
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert url not in dashboard.content.decode()


def test_central_editor_sees_schedules_runs_failures_and_liveness(admin_client_central, url):
    now = timezone.now()
    JobRun.objects.create(
        job="marker",
        task_path="x",
        started_at=now - dt.timedelta(seconds=3),
        finished_at=now,
        outcome="succeeded",
    )
    JobRun.objects.create(
        job="failing",
        task_path="x",
        finished_at=now,
        outcome="failed",
        error="Boom: 503",
        attempt=3,
    )
    Heartbeat.objects.create(kind="worker", process_id="w1", last_seen_at=now)

    response = admin_client_central.get(url)
    assert response.status_code == 200
    html = soup_of(response)
    rows = {row["data-schedule"]: row for row in html.select("tr[data-schedule]")}
    assert set(rows) == {"marker", "failing"}
    assert "*/15 * * * *" in rows["marker"].get_text()
    assert rows["marker"].select_one("[data-outcome]")["data-outcome"] == "succeeded"
    assert "3,0 s" in rows["marker"].get_text()  # the admin speaks Dutch: a decimal comma
    assert "Boom: 503" in html.select_one("[data-jobs-failures]").get_text()
    assert html.select_one("[data-worker='alive']") is not None
    assert html.select_one("[data-scheduler='down']") is not None
    assert url in admin_client_central.get(reverse("wagtailadmin_home")).content.decode()


def test_central_editor_starts_a_job_for_one_site(admin_client_central, site_a, url):
    response = admin_client_central.post(url, {"job": "marker", "site": site_a.site.pk})
    assert response.status_code == 302
    # The immediate test backend ran the site task for that one site.
    assert ScheduleFire.objects.filter(schedule=f"site-{site_a.site.pk}").count() == 1
    run = JobRun.objects.get()
    assert run.site_id == site_a.site.pk and run.outcome == "succeeded"


def test_a_job_without_site_task_refuses_a_site(admin_client_central, site_a, url):
    response = admin_client_central.post(url, {"job": "failing", "site": site_a.site.pk})
    assert response.status_code == 200
    assert "niet voor één website" in response.content.decode()
    assert not JobRun.objects.exists()
