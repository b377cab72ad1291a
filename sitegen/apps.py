from django.apps import AppConfig


class SitegenConfig(AppConfig):
    name = "sitegen"
    verbose_name = "Websites genereren"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Shared sections, campaigns and central news purge the page cache (and the frontend
        # cache) of what shows them.
        from sitegen import cache_purges

        cache_purges.connect()
