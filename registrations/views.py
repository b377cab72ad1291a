"""Visitor views of the registration engine, reached through RegistrableMixin's routes."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Site

from home.client_address import client_address_for
from registrations import services
from registrations.forms import RegistrationForm
from registrations.selectors import RegistrationBox, registration_box_for_page
from registrations.services import (
    RegistrationError,
    client_rate_limited,
    registration_create,
    registration_for_token,
)

RESULT_TEMPLATE = "registrations/registration_result.html"
CANCEL_TEMPLATE = "registrations/cancel.html"


def _rate_limited(request, page) -> bool:
    # The real client behind trusted proxies (home.client_address), on this page's site.
    site = Site.find_for_request(request) or page.get_site()
    return client_rate_limited(address=client_address_for(request), site_id=site.pk)


def _page_context(request, page, **extra):
    context = page.get_context(request)
    context.update(extra)
    return context


def registration_box(*, page, request, form=None) -> RegistrationBox:
    """The registration box of an offer's page, with an empty form unless a refused POST left
    the visitor's."""
    if form is None:
        form = RegistrationForm(page=page)
    return registration_box_for_page(page=page, request=request, form=form)


def registration_register(request, *, page):
    """GET shows the page with the form (anchor); POST registers."""
    if request.method != "POST":
        return redirect(page.get_url(request=request) + "#inschrijven")
    form = RegistrationForm(request.POST, page=page)
    if form.honeypot_filled:
        return _render_page(
            request,
            page,
            form=form,
            status=400,
            error=_("Je inschrijving kon niet worden verwerkt. Probeer het opnieuw."),
        )
    if _rate_limited(request, page):
        return _render_page(
            request,
            page,
            form=form,
            status=429,
            error=_(
                "Te veel inschrijvingen vanaf dit adres. Probeer het over enkele minuten opnieuw."
            ),
        )
    if not form.is_valid():
        return _render_page(
            request,
            page,
            form=form,
            status=400,
            error=_("Controleer de gemarkeerde velden."),
        )
    try:
        registration = registration_create(page=page, data=form.to_data())
    except RegistrationError as error:
        status = 409 if error.code == "duplicate" else 400
        return _render_page(request, page, form=form, status=status, error=error.message)
    return TemplateResponse(
        request,
        RESULT_TEMPLATE,
        _page_context(request, page, registration=registration),
    )


def _render_page(request, page, *, form=None, status=200, error=""):
    request.registration_form = form
    context = page.get_context(request)
    context["registration_error"] = error
    return TemplateResponse(request, page.get_template(request), context, status=status)


def registration_cancel(request, *, page, token):
    """GET asks for confirmation (mail scanners follow links); POST cancels."""
    try:
        registration = registration_for_token(token=token)
        if registration.page_id != page.pk:
            raise RegistrationError(_("Deze annuleringslink hoort niet bij deze pagina."))
    except RegistrationError as error:
        return TemplateResponse(
            request, CANCEL_TEMPLATE, _page_context(request, page, error=error.message), status=400
        )
    if registration.status == "cancelled":
        return TemplateResponse(
            request,
            CANCEL_TEMPLATE,
            _page_context(
                request,
                page,
                registration=registration,
                error=_("Deze inschrijving is al geannuleerd."),
            ),
            status=410,
        )
    if request.method != "POST":
        return TemplateResponse(
            request, CANCEL_TEMPLATE, _page_context(request, page, registration=registration)
        )
    try:
        registration = services.registration_cancel(token=token, page=page)
    except RegistrationError as error:
        return TemplateResponse(
            request, CANCEL_TEMPLATE, _page_context(request, page, error=error.message), status=400
        )
    return TemplateResponse(
        request, CANCEL_TEMPLATE, _page_context(request, page, registration=registration, done=True)
    )
