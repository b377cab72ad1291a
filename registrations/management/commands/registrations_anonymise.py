from django.core.management.base import BaseCommand

from registrations.services import registrations_anonymise_expired


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of every registration of offers that ended longer ago "
        "than their site's retention period."
    )

    def handle(self, *args, **options):
        count = registrations_anonymise_expired()
        self.stdout.write(f"{count} registration(s) anonymised.")
