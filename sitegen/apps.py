from django.apps import AppConfig


class SitegenConfig(AppConfig):
    name = "sitegen"
    verbose_name = "Websites genereren"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from central.models import SharedSection
        from sitegen import signals

        post_save.connect(
            signals.shared_section_saved, sender=SharedSection, dispatch_uid="sitegen_section_saved"
        )
        pre_delete.connect(
            signals.shared_section_deleted,
            sender=SharedSection,
            dispatch_uid="sitegen_section_deleted",
        )
