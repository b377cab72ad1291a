from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogus")

    def ready(self) -> None:
        from catalogue.blocks import (
            BiebloBlock,
            BooksBlock,
            CatalogueSearchBlock,
            NewAcquisitionsBlock,
        )
        from home.blocks import content_blocks

        content_blocks.register("catalogue_search", CatalogueSearchBlock(), order=30)
        content_blocks.register("new_acquisitions", NewAcquisitionsBlock(), order=40)
        content_blocks.register("bieblo", BiebloBlock(), order=42)
        content_blocks.register("books", BooksBlock(), order=44)
