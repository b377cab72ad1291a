from django.apps import AppConfig


class LibraryPagesConfig(AppConfig):
    name = "library_pages"
    verbose_name = "Pagina's van bibliotheken en centra"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home.contributions import home_page_context, shell_contributions
        from home.fragments import version_source_register
        from library_pages import page_versions, shell
        from library_pages.models import LocationPage

        shell_contributions.register("locations", shell.locations_contribution)
        home_page_context.register("latest_news", shell.latest_news_context)
        version_source_register(page_versions.path_version)
        for signal, uid in (
            (page_published, "published"),
            (page_unpublished, "unpublished"),
            (post_page_move, "moved"),
            (post_delete, "deleted"),
        ):
            signal.connect(
                shell.location_changed, sender=LocationPage, dispatch_uid=f"location_{uid}"
            )
