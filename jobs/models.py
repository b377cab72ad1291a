"""What the background machinery records: one JobRun per attempt of a job, the heartbeats of
the worker and scheduler processes, and one ScheduleFire per (schedule, fire time) so that
several schedulers (one per app server) enqueue each tick once."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", _("bezig")
        SUCCEEDED = "succeeded", _("geslaagd")
        RETRYING = "retrying", _("mislukt, wordt opnieuw geprobeerd")
        FAILED = "failed", _("mislukt")
        INTERRUPTED = "interrupted", _("onderbroken")

    job = models.CharField(_("taak"), max_length=100, db_index=True)
    task_path = models.CharField(max_length=255)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("website"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempt = models.PositiveSmallIntegerField(_("poging"), default=1)
    max_attempts = models.PositiveSmallIntegerField(default=1)
    # The id of the django-tasks result, to find the run of a task whose worker died.
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(_("gestart"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    outcome = models.CharField(
        _("resultaat"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING
    )
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitvoering")
        verbose_name_plural = _("uitvoeringen")
        indexes = [models.Index(fields=["job", "-started_at"], name="jobs_run_job_started")]

    def __str__(self) -> str:
        return f"{self.job} #{self.attempt} ({self.outcome})"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


class Heartbeat(models.Model):
    class Kind(models.TextChoices):
        WORKER = "worker", _("worker")
        SCHEDULER = "scheduler", _("planner")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    process_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("hartslag")
        verbose_name_plural = _("hartslagen")

    def __str__(self) -> str:
        return f"{self.kind} {self.process_id}"


class ScheduleFire(models.Model):
    schedule = models.CharField(max_length=100)
    fire_time = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "fire_time"], name="jobs_fire_unique")
        ]

    def __str__(self) -> str:
        return f"{self.schedule} @ {self.fire_time:%Y-%m-%d %H:%M}"
