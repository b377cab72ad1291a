"""Registration factories. Most tests register through the service (the real rules); this
factory only builds rows directly for listings, exports and privacy tests."""

import factory

from registrations.models import Registration, RegistrationStatus
from registrations.services import RegistrationData


def registration_data(n: int = 0, **overrides) -> RegistrationData:
    values = {
        "name": f"Deelnemer {n}",
        "email": f"deelnemer{n}@example.org",
        "places": 1,
        "phone": "",
        "remarks": "",
        "consent": True,
    }
    values.update(overrides)
    return RegistrationData(**values)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """Pass `page=`; the site follows the page."""

    name = factory.Sequence(lambda n: f"Deelnemer {n}")
    email = factory.Sequence(lambda n: f"deelnemer{n}@example.org")
    status = RegistrationStatus.CONFIRMED
    places = 1
    site = factory.LazyAttribute(lambda o: o.page.get_site())

    class Meta:
        model = Registration
