from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogus")

    def ready(self) -> None:
        from catalogue.blocks import CatalogueSearchBlock, NewAcquisitionsBlock
        from home.blocks import content_blocks

        content_blocks.register("catalogue_search", CatalogueSearchBlock(), order=30)
        content_blocks.register("new_acquisitions", NewAcquisitionsBlock(), order=40)

        from catalogue.search_provider import catalogue_section
        from home.search import search_sections

        search_sections.register("catalogus", catalogue_section, order=30)
