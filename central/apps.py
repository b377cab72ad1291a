from django.apps import AppConfig


class CentralConfig(AppConfig):
    name = "central"
    verbose_name = "Centrale inhoud"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from central.blocks import SharedSectionBlock
        from home.blocks import content_blocks

        content_blocks.register("shared_section", SharedSectionBlock(), order=10)
