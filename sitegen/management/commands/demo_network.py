from django.conf import settings
from django.core.management.base import BaseCommand

from sitegen.demo import demo_network_build


class Command(BaseCommand):
    help = "Build the demo network (idempotent) and print the logins. For development only."

    def handle(self, *args, **options) -> None:
        logins = demo_network_build()
        admin_url = f"{settings.WAGTAILADMIN_BASE_URL}/admin/"
        self.stdout.write(self.style.SUCCESS("Demo network ready."))
        self.stdout.write(f"Admin: {admin_url}")
        for login in logins:
            where = f"{login.site} {login.url}/".rstrip()
            self.stdout.write(f"  {login.username:<24} {login.password:<22} {where}")
