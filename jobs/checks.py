"""A mistyped SCHEDULE_* override or schedule declaration fails `manage.py check` (and thus
every process start), not silently at 3 in the morning."""

from django.core import checks
from django.utils.module_loading import import_string


@checks.register()
def schedules_valid(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from jobs.registry import cron_trigger, schedules_load

    errors: list[checks.CheckMessage] = []
    try:
        schedules = schedules_load()
    except Exception as exc:
        return [checks.Error(f"The job schedule cannot be loaded: {exc}", id="jobs.E001")]
    for schedule in schedules:
        if schedule.cron is not None:
            try:
                cron_trigger(schedule.cron)
            except ValueError as exc:
                errors.append(
                    checks.Error(
                        f"Schedule {schedule.name!r}: invalid cron expression {schedule.cron!r}"
                        f" ({exc}).",
                        hint=f"Fix or unset {schedule.env_name}; 'off' disables the schedule.",
                        id="jobs.E002",
                    )
                )
        for path in filter(None, [schedule.task, schedule.site_task]):
            try:
                import_string(path)
            except ImportError:
                # Another branch may provide the task later; a missing task is a warning so
                # that the other schedules keep running.
                errors.append(
                    checks.Warning(
                        f"Schedule {schedule.name!r}: task {path!r} cannot be imported.",
                        id="jobs.W001",
                    )
                )
    return errors
