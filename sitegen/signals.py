"""Receivers of sitegen, connected in SitegenConfig.ready(): a shared section that changes or
goes away purges the pages that embed it (sitegen.push)."""

from sitegen.push import shared_section_changed, shared_section_deleting


def shared_section_saved(sender, instance, **kwargs) -> None:
    shared_section_changed(section=instance)


def shared_section_deleted(sender, instance, **kwargs) -> None:
    shared_section_deleting(section=instance)
