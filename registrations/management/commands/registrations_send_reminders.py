from django.core.management.base import BaseCommand

from registrations.services import registrations_remind


class Command(BaseCommand):
    help = "Send the reminder e-mail for offers that start within their reminder period."

    def handle(self, *args, **options):
        sent = registrations_remind()
        self.stdout.write(f"{sent} reminder(s) sent.")
