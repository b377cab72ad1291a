"""What the network contributes to every site's shell: the regions the site belongs to, for
the "Deel van <regio>" link in its footer."""

import datetime as dt

from wagtail.models import Site

from home.contributions import Contribution
from network.selectors import network_map


def regions_contribution(*, site: Site, now: dt.datetime) -> Contribution:
    network = network_map()
    entry = network.sites.get(site.pk)
    regions = []
    for slug in entry.regions if entry else ():
        region = network.regions[slug]
        region_site = network.sites.get(region.site_id)
        if region_site is not None:
            regions.append({"name": region.name, "url": f"{region_site.root_url}/"})
    return Contribution(values={"regions": regions})
