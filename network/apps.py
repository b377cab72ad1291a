from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """The network as one: the network site's agenda and search over every site, and the
    regional sites' agenda over their member sites (docs/network.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "network"
    verbose_name = "Netwerk"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home.contributions import home_page_context, shell_contributions
        from home.models import IdentitySettings, RegionMunicipality, Tenant
        from home.signals import pages_changed
        from network import shell, signals
        from pagecache import registry

        shell_contributions.register("regions", shell.regions_contribution)
        home_page_context.register("network_home", shell.network_home_context)
        for model in (Site, Tenant, IdentitySettings, RegionMunicipality):
            post_save.connect(signals.network_changed, sender=model, dispatch_uid=f"net-{model}")
            post_delete.connect(
                signals.network_changed, sender=model, dispatch_uid=f"net-del-{model}"
            )
        page_published.connect(signals.agenda_published, dispatch_uid="network-agenda-pub")
        page_unpublished.connect(signals.agenda_published, dispatch_uid="network-agenda-unpub")
        # After events' receivers (events is earlier in INSTALLED_APPS): the occurrence rows
        # are written when these run.
        page_published.connect(signals.event_changed, dispatch_uid="network-event-pub")
        page_unpublished.connect(signals.event_changed, dispatch_uid="network-event-unpub")
        post_page_move.connect(signals.event_changed, dispatch_uid="network-event-move")
        pages_changed.connect(signals.pages_bulk_changed, dispatch_uid="network-pages-changed")
        # The network's and the regions' pages that show a site's pages are purged with it.
        registry.register_lister(signals.network_listed_on)
        # A region's municipalities decide what its agenda and the network agenda's region
        # filter show: their cached pages go with every change.
        registry.register_model(
            RegionMunicipality,
            targets=signals.region_purge_targets,
            references=False,
            previous=False,
        )
