from django.apps import AppConfig


class PagecacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Paginacache"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pagecache import registry, signals

        # Views of the ground floor that read query parameters (home.views).
        registry.register_view_params("search", ("q", "pagina"))
        registry.register_view_params("branding_stylesheet", ("v",))
        signals.connect()
