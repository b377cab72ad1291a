"""The editor's screen for one event: where it stands in UiTdatabank, why it failed (Dutch),
and the button that publishes it (or sends it again)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from events.models import EventPage
from uitpublish.client import EntryApiConfig
from uitpublish.selectors import publication_for_page
from uitpublish.services import PublishRefused, publication_request


def _event_for_editor(request, page_id: int) -> EventPage:
    """The event, when this user may edit it (only a live page is sent, see the service);
    another site's event answers 404."""
    page = EventPage.objects.filter(pk=page_id).first()
    if page is None or not page.permissions_for_user(request.user).can_edit():
        raise Http404(_("Deze activiteit bestaat niet of je mag ze niet bewerken."))
    return page


def publication_view(request, page_id: int):
    page = _event_for_editor(request, page_id)
    if request.method == "POST":
        try:
            publication_request(page=page, user=request.user)
        except PublishRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "De activiteit wordt naar UiTdatabank gestuurd. Ververs deze pagina om te "
                    "zien of het gelukt is."
                ),
            )
        return redirect("uitpublish_admin:page", page_id=page.pk)
    publication = publication_for_page(page_id=page.pk)
    return TemplateResponse(
        request,
        "uitpublish/publication.html",
        {
            "page_title": _("UiTdatabank: %(title)s") % {"title": page.title},
            "header_icon": "upload",
            "page": page,
            "publication": publication,
            "configured": EntryApiConfig.from_settings().configured,
            "imported": bool(page.uitdatabank_id),
        },
    )
