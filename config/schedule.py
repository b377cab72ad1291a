"""The platform's periodic work, declared in code (read by the jobs app through
settings.JOBS_SCHEDULE). Cron expressions are in Europe/Brussels (JOBS_TIMEZONE). Each one can
be overridden or switched off per environment: SCHEDULE_<NAME>="*/30 * * * *" or
SCHEDULE_<NAME>=off (docs/operations.md lists them). `manage.py run_scheduler` only enqueues;
the worker runs."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from jobs.registry import NO_RETRY, RetryPolicy, Schedule

# A failed sync waits 2, then 10 minutes: the next regular run is 15 minutes away anyway.
SYNC_RETRY = RetryPolicy(max_attempts=3, first_delay=dt.timedelta(minutes=2), factor=5)
NIGHTLY_RETRY = RetryPolicy(max_attempts=4, first_delay=dt.timedelta(minutes=5), factor=3)

SCHEDULE = [
    Schedule(
        name="uitdatabank_sync",
        label=_("UiTdatabank: wijzigingen ophalen (alle websites met een selectie)"),
        task="events.tasks.uitdatabank_sync_all_task",
        kwargs={"full": False},
        cron="*/15 * * * *",
        site_task="events.tasks.uitdatabank_import_task",
        retry=SYNC_RETRY,
    ),
    Schedule(
        name="uitdatabank_full",
        label=_("UiTdatabank: volledige vergelijking (alle websites met een selectie)"),
        task="events.tasks.uitdatabank_sync_all_task",
        kwargs={"full": True},
        cron="30 2 * * *",
        site_task="events.tasks.uitdatabank_import_task",
        site_kwargs={"full": True},
        retry=NIGHTLY_RETRY,
    ),
    Schedule(
        name="occurrences_refresh",
        label=_("Agenda: voorstellingen tot de horizon aanvullen"),
        task="events.tasks.occurrences_refresh_task",
        cron="0 3 * * *",
        retry=NIGHTLY_RETRY,
    ),
    Schedule(
        name="registrations_remind",
        label=_("Inschrijvingen: herinneringen versturen"),
        task="registrations.tasks.registrations_remind_task",
        cron="0 9 * * *",
        retry=NIGHTLY_RETRY,
    ),
    Schedule(
        name="registrations_anonymise",
        label=_("Inschrijvingen: verlopen gegevens anonimiseren"),
        task="registrations.tasks.registrations_anonymise_task",
        cron="15 3 * * *",
        retry=NIGHTLY_RETRY,
    ),
    Schedule(
        name="uitpublish_retry",
        label=_("UiTdatabank: mislukte publicaties van lokale activiteiten opnieuw proberen"),
        task="uitpublish.tasks.publications_retry_task",
        cron="*/5 * * * *",
        # The sweep itself runs again in five minutes.
        retry=NO_RETRY,
    ),
    Schedule(
        name="publish_scheduled",
        label=_("Pagina's: geplande publicaties en depublicaties"),
        task="jobs.tasks.publish_scheduled_task",
        cron="* * * * *",
        # Runs again next minute: a retry would only pile up behind it.
        retry=NO_RETRY,
    ),
    Schedule(
        name="events_availability",
        label=_("Agenda: activiteiten uit UiTdatabank online en offline zetten (beschikbaarheid)"),
        task="events.tasks.events_availability_task",
        cron="* * * * *",
        # Runs again next minute, like publish_scheduled.
        retry=NO_RETRY,
    ),
    Schedule(
        name="catalogue_count_index",
        label=_("Catalogus: telindex samenvoegen (exacte aantallen)"),
        task="catalogue.tasks.count_index_compact_task",
        cron="0 4 * * *",
        retry=NIGHTLY_RETRY,
    ),
    Schedule(
        name="catalogue_recommendations",
        label=_("Catalogus: aanbevelingen (Ook iets voor jou) herberekenen"),
        task="catalogue.tasks.recommendations_refresh_task",
        cron="30 4 * * *",
        retry=NIGHTLY_RETRY,
    ),
    Schedule(
        name="tasks_recover",
        label=_("Achtergrondtaken: taken van gestopte workers opnieuw inplannen"),
        task="jobs.tasks.tasks_recover_task",
        cron="*/5 * * * *",
        retry=NO_RETRY,
    ),
    Schedule(
        name="results_prune",
        label=_("Achtergrondtaken: oude resultaten opruimen"),
        task="jobs.tasks.results_prune_task",
        cron="45 4 * * *",
        retry=NIGHTLY_RETRY,
    ),
]
