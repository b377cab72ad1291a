from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs: the schedule registry, the scheduler and worker commands, heartbeats,
    job-run records and the "Achtergrondtaken" admin screen. A ground-floor app: it reads the
    schedule through settings.JOBS_SCHEDULE and dotted task paths, never importing an app above
    it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "Achtergrondtaken"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        from jobs import checks, signals  # noqa: F401  (registers the checks and receivers)
        from jobs.registry import schedules_clear_cache

        def _schedule_setting_changed(*, setting: str, **kwargs) -> None:
            if setting in {"JOBS_SCHEDULE", "JOBS_TIMEZONE"}:
                schedules_clear_cache()

        setting_changed.connect(_schedule_setting_changed, weak=False)
