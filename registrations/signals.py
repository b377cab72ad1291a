"""Signal handlers, connected in RegistrationsConfig.ready()."""

from registrations.models import RegistrableMixin


def promote_after_publish(sender, instance, **kwargs) -> None:
    """An editor may raise the capacity in the page editor: fill the new places from the
    waiting list, as registration_capacity_change does."""
    if not isinstance(instance, RegistrableMixin):
        return
    from registrations.models import Registration, RegistrationStatus
    from registrations.services import registrations_promote

    if Registration.objects.filter(
        page_id=instance.pk, status=RegistrationStatus.WAITLISTED
    ).exists():
        registrations_promote(page=instance)
