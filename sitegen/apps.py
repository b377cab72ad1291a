from django.apps import AppConfig


class SitegenConfig(AppConfig):
    name = "sitegen"
    verbose_name = "Websites genereren"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from central.models import SharedSection

        post_save.connect(
            _shared_section_saved, sender=SharedSection, dispatch_uid="sitegen_section_saved"
        )
        pre_delete.connect(
            _shared_section_deleting, sender=SharedSection, dispatch_uid="sitegen_section_deleted"
        )


def _shared_section_saved(sender, instance, **kwargs) -> None:
    from sitegen.push import shared_section_changed

    shared_section_changed(section=instance)


def _shared_section_deleting(sender, instance, **kwargs) -> None:
    from sitegen.push import shared_section_deleting

    shared_section_deleting(section=instance)
