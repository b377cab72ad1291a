"""Malformed admin input answers 400, never 500.

Wagtail's admin views trust their input in a few places: ids in the URL or the query string
that a `<str:pk>` route or `request.GET.getlist("id")` hands straight to the ORM, a NUL byte
that PostgreSQL refuses in a text parameter, a StreamField whose `-count` field is missing, a
rich-text field whose JSON does not parse. Each gives a 500 and an error report. These guards
are targeted so that real bugs still surface: ids are checked before the view runs, and an
exception is turned into a 400 only when it was raised while a form widget or block parsed the
POSTed data (`value_from_datadict`), which is input parsing by definition.
"""

import logging
import traceback
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import ResolverMatch
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# URL keyword arguments and query parameters that carry object ids.
ID_KWARGS = frozenset({"pk", "object_id"})
ID_LIST_VIEWS = frozenset({"wagtail_bulk_action", "wagtailadmin_choose_page_chosen_multiple"})
ID_PARAMETERS = ("childOf",)
# Frames in which an exception means "the POSTed data could not be parsed".
INPUT_PARSING_FUNCTIONS = frozenset({"value_from_datadict"})
INPUT_PARSING_ERRORS = (KeyError, ValueError, TypeError, IndexError, ValidationError)


def bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _model(app_label: Any, model_name: Any) -> type | None:
    try:
        return apps.get_model(str(app_label), str(model_name))
    except (LookupError, ValueError):
        return None


def _match_model(match: ResolverMatch) -> type | None:
    kwargs = match.kwargs
    if "app_label" in kwargs and "model_name" in kwargs:
        return _model(kwargs["app_label"], kwargs["model_name"])
    initkwargs = getattr(match.func, "view_initkwargs", None) or {}
    model = initkwargs.get("model") or getattr(
        getattr(match.func, "view_class", None), "model", None
    )
    return model if isinstance(model, type) else None


def _valid_pk(model: type | None, value: Any) -> bool:
    if model is None:
        # Unknown model: ids of the admin are integers unless a model says otherwise.
        return str(value).isdigit()
    try:
        model._meta.pk.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


def _has_nul(request: HttpRequest) -> bool:
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


def malformed_admin_request(request: HttpRequest, match: ResolverMatch) -> HttpResponse | None:
    """400 for admin input that no admin view can use; None to let the request through."""
    if _has_nul(request):
        return bad_request(_("Ongeldige invoer: een NUL-teken is niet toegelaten."))
    model = _match_model(match)
    for key in ID_KWARGS.intersection(match.kwargs):
        if not _valid_pk(model, match.kwargs[key]):
            return bad_request(_("Ongeldig id in de URL."))
    if match.view_name in ID_LIST_VIEWS or match.url_name == "chosen_multiple":
        if match.view_name == "wagtailadmin_choose_page_chosen_multiple":
            from wagtail.models import Page

            model = Page
        for value in request.GET.getlist("id"):
            if value != "all" and not _valid_pk(model, value):
                return bad_request(_("Ongeldig id in de selectie."))
        for parameter in ID_PARAMETERS:
            value = request.GET.get(parameter)
            if value not in (None, "") and not str(value).isdigit():
                return bad_request(_("Ongeldig id in de selectie."))
    return None


def _raised_while_parsing_input(exception: BaseException) -> bool:
    frames = traceback.extract_tb(exception.__traceback__)
    return any(frame.name in INPUT_PARSING_FUNCTIONS for frame in frames)


def bad_request_for_exception(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    if request.method != "POST" or not isinstance(exception, INPUT_PARSING_ERRORS):
        return None
    if not _raised_while_parsing_input(exception):
        return None
    logger.info("Malformed admin form data on %s: %r", request.path, exception)
    return bad_request(_("Ongeldige formuliergegevens; herlaad de pagina en probeer opnieuw."))
