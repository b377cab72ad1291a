"""Admin screens for registrations, scoped to the user's sites.

Every lookup (listing, offer, single registration, export, privacy requests) goes through
`registrations_for_user` / `offers_for_user`, so an id from another site answers 404 whatever
the view. The URL guard in home.middleware also answers 404 for a `page_id` of another site.
"""

from __future__ import annotations

import csv
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.models import Page

from home.selectors import sites_for_user, user_is_central
from registrations.models import RegistrationStatus
from registrations.selectors import (
    attendance_statistics,
    email_logs_for,
    offer_registrations,
    offers_availability,
    offers_for_user,
    offers_taking_registrations,
    registration_export_data,
    registrations_for_email,
    registrations_for_user,
    registrations_search,
)
from registrations.services import (
    RegistrationError,
    attendance_save,
    registration_cancel_by_editor,
    registration_capacity_change,
    registration_move,
    registrations_erase_email,
    registrations_message,
)

PAGE_SIZE = 50
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A spreadsheet cell that cannot run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _require_registrations_access(user) -> None:
    """Central editors, and local editors of at least one site."""
    if not (user_is_central(user) or sites_for_user(user=user).exists()):
        raise PermissionDenied


def _offer_or_404(user, page_id: int) -> Page:
    page = get_object_or_404(offers_for_user(user=user), pk=page_id)
    return page.specific


def _registration_or_404(user, pk: int):
    return get_object_or_404(registrations_for_user(user=user), pk=pk)


# --- Listings -------------------------------------------------------------------------------


class RegistrationSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Zoeken"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Alle")), *RegistrationStatus.choices],
    )


def offers_index(request):
    _require_registrations_access(request.user)
    offers = offers_taking_registrations(user=request.user).order_by(
        "-latest_revision_created_at", "-pk"
    )
    page_obj = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("p"))
    specific = list(page_obj.object_list.specific())
    availability = offers_availability(pages=specific)
    rows = [(offer, availability[offer.pk]) for offer in specific]
    return TemplateResponse(
        request,
        "registrations/admin/offers.html",
        {
            "page_title": _("Inschrijvingen"),
            "header_icon": "form",
            "rows": rows,
            "page_obj": page_obj,
        },
    )


def registrations_index(request):
    _require_registrations_access(request.user)
    form = RegistrationSearchForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    registrations = registrations_search(user=request.user, query=query, status=status)
    paginator = Paginator(registrations, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "registrations/admin/registrations.html",
        {
            "page_title": _("Alle inschrijvingen"),
            "header_icon": "form",
            "form": form,
            "page_obj": page_obj,
        },
    )


# --- One offer ------------------------------------------------------------------------------


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=gettext_lazy("Aantal plaatsen"), min_value=0, max_value=100_000
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Onderwerp"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Bericht"), max_length=10_000, widget=forms.Textarea)
    include_waitlist = forms.BooleanField(
        label=gettext_lazy("Ook naar wie op de wachtlijst staat"), required=False
    )


def offer_detail(request, page_id: int):
    _require_registrations_access(request.user)
    offer = _offer_or_404(request.user, page_id)
    registrations = offer_registrations(page_id=offer.pk)
    sessions = offer.registration_sessions()
    present = {
        (a.registration_id, a.session_key)
        for r in registrations
        for a in r.attendances.all()
        if a.present
    }
    rows = [
        {
            "registration": r,
            "sessions": [(s.key, (r.pk, s.key) in present, f"{r.pk}:{s.key}") for s in sessions],
        }
        for r in registrations
    ]
    availability = offers_availability(pages=[offer])[offer.pk]
    stats = attendance_statistics(page_id=offer.pk)
    return TemplateResponse(
        request,
        "registrations/admin/offer.html",
        {
            "page_title": _("Inschrijvingen: %(title)s") % {"title": offer.title},
            "header_icon": "form",
            "offer": offer,
            "availability": availability,
            "sessions": [(s, stats.get(s.key, 0)) for s in sessions],
            "rows": rows,
            "capacity_form": CapacityForm(initial={"capacity": offer.capacity}),
            "message_form": MessageForm(),
        },
    )


@require_POST
def offer_capacity(request, page_id: int):
    _require_registrations_access(request.user)
    offer = _offer_or_404(request.user, page_id)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Geef een aantal plaatsen tussen 0 en 100000."))
    else:
        try:
            promoted = registration_capacity_change(
                page=offer, capacity=form.cleaned_data["capacity"]
            )
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Het aantal plaatsen is nu %(capacity)d. %(promoted)d persoon van de "
                    "wachtlijst doorgeschoven.",
                    "Het aantal plaatsen is nu %(capacity)d. %(promoted)d personen van de "
                    "wachtlijst doorgeschoven.",
                    len(promoted),
                )
                % {"capacity": form.cleaned_data["capacity"], "promoted": len(promoted)},
            )
    return redirect("registrations_admin:offer", page_id=offer.pk)


@require_POST
def offer_message(request, page_id: int):
    _require_registrations_access(request.user)
    offer = _offer_or_404(request.user, page_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vul een onderwerp en een bericht in (maximaal 10000 tekens)."))
    else:
        try:
            count = registrations_message(
                page=offer,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                include_waitlist=form.cleaned_data["include_waitlist"],
            )
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Bericht verstuurd naar %(count)d deelnemer.",
                    "Bericht verstuurd naar %(count)d deelnemers.",
                    count,
                )
                % {"count": count},
            )
    return redirect("registrations_admin:offer", page_id=offer.pk)


@require_POST
def offer_attendance(request, page_id: int):
    _require_registrations_access(request.user)
    offer = _offer_or_404(request.user, page_id)
    keys = {s.key for s in offer.registration_sessions()}
    present: set[tuple[int, str]] = set()
    for value in request.POST.getlist("present"):
        registration_id, _sep, key = value.partition(":")
        if registration_id.isdigit() and key in keys:
            present.add((int(registration_id), key))
    attendance_save(page=offer, session_keys=sorted(keys), present=present)
    messages.success(request, _("Aanwezigheden bewaard."))
    return redirect("registrations_admin:offer", page_id=offer.pk)


def offer_export(request, page_id: int):
    _require_registrations_access(request.user)
    offer = _offer_or_404(request.user, page_id)
    sessions = offer.registration_sessions()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"inschrijvingen-{offer.slug}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 with a byte order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            _("status"),
            _("plaats op de wachtlijst"),
            _("naam"),
            _("e-mailadres"),
            _("telefoon"),
            _("plaatsen"),
            _("jonger dan 13"),
            _("naam ouder"),
            _("e-mailadres ouder"),
            _("opmerkingen"),
            _("ingeschreven op"),
            *[s.title or s.starts_at.strftime("%d/%m/%Y") for s in sessions],
        ]
    )
    for registration in offer_registrations(page_id=offer.pk):
        attended = {a.session_key: a.present for a in registration.attendances.all()}
        writer.writerow(
            [
                csv_cell(value)
                for value in [
                    registration.get_status_display(),
                    registration.waitlist_position or "",
                    registration.name,
                    registration.email,
                    registration.phone,
                    registration.places,
                    _("ja") if registration.is_minor else _("nee"),
                    registration.parent_name,
                    registration.parent_email,
                    registration.remarks,
                    timezone.localtime(registration.created_at).strftime("%d/%m/%Y %H:%M"),
                    *[
                        {True: _("aanwezig"), False: _("afwezig")}.get(attended.get(s.key), "")
                        for s in sessions
                    ],
                ]
            ]
        )
    return response


# --- One registration -----------------------------------------------------------------------


def registration_detail(request, pk: int):
    _require_registrations_access(request.user)
    registration = _registration_or_404(request.user, pk)
    site_root = registration.site.root_page
    targets = (
        offers_for_user(user=request.user)
        .descendant_of(site_root)
        .exclude(pk=registration.page_id)
        .order_by("title")
    )
    return TemplateResponse(
        request,
        "registrations/admin/registration.html",
        {
            "page_title": _("Inschrijving van %(name)s")
            % {"name": registration.name or _("(anoniem)")},
            "header_icon": "user",
            "registration": registration,
            "email_logs": email_logs_for(registration=registration),
            "targets": targets,
        },
    )


@require_POST
def registration_cancel_view(request, pk: int):
    _require_registrations_access(request.user)
    registration = _registration_or_404(request.user, pk)
    try:
        registration_cancel_by_editor(registration=registration)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Inschrijving geannuleerd; de wachtlijst schoof door."))
    return redirect("registrations_admin:offer", page_id=registration.page_id)


@require_POST
def registration_move_view(request, pk: int):
    _require_registrations_access(request.user)
    registration = _registration_or_404(request.user, pk)
    target_id = request.POST.get("target", "")
    target = (
        offers_for_user(user=request.user)
        .descendant_of(registration.site.root_page)
        .filter(pk=int(target_id) if target_id.isdigit() else 0)
        .first()
    )
    if target is None:
        messages.error(request, _("Kies een aanbod van dezelfde website."))
        return redirect("registrations_admin:registration", pk=registration.pk)
    try:
        moved = registration_move(registration=registration, target=target.specific)
    except RegistrationError as error:
        messages.error(request, error.message)
        return redirect("registrations_admin:registration", pk=registration.pk)
    messages.success(
        request,
        _("Verplaatst naar %(title)s (%(status)s).")
        % {"title": target.title, "status": moved.get_status_display()},
    )
    return redirect("registrations_admin:offer", page_id=target.pk)


# --- Privacy: data subject requests -------------------------------------------------------


class EmailLookupForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mailadres"), max_length=254)


def privacy(request):
    _require_registrations_access(request.user)
    form = EmailLookupForm(request.GET or None)
    registrations = None
    if form.is_valid():
        registrations = list(
            registrations_for_email(email=form.cleaned_data["email"], user=request.user)
        )
    return TemplateResponse(
        request,
        "registrations/admin/privacy.html",
        {
            "page_title": _("Persoonsgegevens opvragen of wissen"),
            "header_icon": "lock",
            "form": form,
            "registrations": registrations,
            "scope_all": user_is_central(request.user),
        },
    )


def privacy_export(request):
    _require_registrations_access(request.user)
    form = EmailLookupForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Geef een geldig e-mailadres."))
        return redirect("registrations_admin:privacy")
    email = form.cleaned_data["email"]
    data = registration_export_data(
        registrations=registrations_for_email(email=email, user=request.user)
    )
    response = HttpResponse(
        json.dumps({"e-mailadres": email, "inschrijvingen": data}, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="persoonsgegevens.json"'
    return response


@require_POST
def privacy_erase(request):
    _require_registrations_access(request.user)
    form = EmailLookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Geef een geldig e-mailadres."))
        return redirect("registrations_admin:privacy")
    count = registrations_erase_email(email=form.cleaned_data["email"], user=request.user)
    messages.success(
        request, _("%(count)d inschrijving(en) gewist (geanonimiseerd).") % {"count": count}
    )
    return redirect(reverse("registrations_admin:privacy"))
