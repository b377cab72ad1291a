from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogus")

    def ready(self) -> None:
        from catalogue import views
        from catalogue.models import catalogue_page_views
        from home.wiring import provide

        provide(
            catalogue_page_views,
            search=views.catalogue_search,
            record=views.catalogue_record,
            bieblo=views.catalogue_bieblo,
            suggest=views.catalogue_suggest,
        )

        from catalogue.blocks import (
            BiebloBlock,
            BooksBlock,
            CatalogueSearchBlock,
            DigitalServicesBlock,
            NewAcquisitionsBlock,
        )
        from home.blocks import content_blocks

        content_blocks.register("catalogue_search", CatalogueSearchBlock(), order=30)
        content_blocks.register("new_acquisitions", NewAcquisitionsBlock(), order=40)
        content_blocks.register("bieblo", BiebloBlock(), order=42)
        content_blocks.register("books", BooksBlock(), order=44)
        content_blocks.register("digital_services", DigitalServicesBlock(), order=45)

        from django.db.models.signals import post_delete, post_save

        from catalogue import account
        from home.contributions import shell_contributions

        shell_contributions.register("library_account", account.account_contribution)
        for model in account.ACCOUNT_SETTINGS_MODELS:
            post_save.connect(account.account_settings_changed, sender=model)
            post_delete.connect(account.account_settings_changed, sender=model)

        from catalogue.search_provider import catalogue_section
        from home.search import search_sections

        search_sections.register("catalogus", catalogue_section, order=30)
