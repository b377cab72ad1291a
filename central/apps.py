from django.apps import AppConfig


class CentralConfig(AppConfig):
    name = "central"
    verbose_name = "Centrale inhoud"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from central import cache_purges, shell
        from central.blocks import SharedSectionBlock
        from central.models import Campaign
        from central.selectors import central_news_entries
        from home.blocks import content_blocks
        from home.contributions import shell_contributions
        from library_pages.news_sources import news_sources

        # Shared sections, campaigns and central news purge the page cache (and the frontend
        # cache) of what shows them.
        cache_purges.connect()
        content_blocks.register("shared_section", SharedSectionBlock(), order=10)
        shell_contributions.register("campaigns", shell.campaigns_contribution)
        news_sources.register("central_news", central_news_entries)
        pre_save.connect(shell.campaign_saving, sender=Campaign, dispatch_uid="campaign_saving")
        post_save.connect(shell.campaign_changed, sender=Campaign, dispatch_uid="campaign_saved")
        post_delete.connect(
            shell.campaign_changed, sender=Campaign, dispatch_uid="campaign_deleted"
        )
        m2m_changed.connect(
            shell.campaign_changed,
            sender=Campaign.target_sites.through,
            dispatch_uid="campaign_sites_changed",
        )
