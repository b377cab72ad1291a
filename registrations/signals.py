"""Signal handlers, connected in RegistrationsConfig.ready()."""

from django.db import transaction

from registrations.email_tasks import registration_email_task
from registrations.models import EmailKind, RegistrableMixin, Registration, RegistrationStatus
from registrations.services import registrations_promote


def offer_after_publish(sender, instance, **kwargs) -> None:
    """After a registrable page is published: fill places an editor may have added in the
    page editor (as registration_capacity_change does), and tell everyone who is registered
    when the offer has just been cancelled (once per registration)."""
    if not isinstance(instance, RegistrableMixin):
        return
    from home.page_bulk import CREATED_IN_BULK

    if getattr(instance, CREATED_IN_BULK, False):
        # Created just now (an import, a provisioned site): no registrations to promote or
        # to tell, and a query per page would cost a bulk import about a tenth of its time.
        return

    if instance.offer_cancelled:
        to_tell = list(
            Registration.objects.filter(page_id=instance.pk, anonymised=False)
            .exclude(status=RegistrationStatus.CANCELLED)
            .exclude(email_logs__kind=EmailKind.OFFER_CANCELLED)
            .values_list("pk", flat=True)
        )
        for registration_id in to_tell:
            transaction.on_commit(
                lambda rid=registration_id: registration_email_task.enqueue(
                    registration_id=rid, kind=EmailKind.OFFER_CANCELLED
                )
            )
        return
    if Registration.objects.filter(
        page_id=instance.pk, status=RegistrationStatus.WAITLISTED
    ).exists():
        registrations_promote(page=instance)
