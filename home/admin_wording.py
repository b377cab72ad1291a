"""Wagtail's and Django's own words that locale/nl/LC_MESSAGES/django.po overrides ("Dashboard"
becomes "Startscherm"; see docs/admin.md). Never imported: it names these msgids so that
`manage.py makemessages` finds them in our sources and keeps their Dutch, instead of marking
the overrides obsolete (which would bring Wagtail's English or awkward Dutch back)."""

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDDEN_MSGIDS = (
    gettext_noop("Dashboard"),
    gettext_noop("Site summary"),
    gettext_noop("Live"),
    gettext_noop("live"),
    gettext_noop("Upload a profile picture:"),
    gettext_noop("Upload a profile picture"),
    gettext_noop("True"),
    gettext_noop("False"),
    gettext_noop("Yes"),
    gettext_noop("No"),
    gettext_noop("Password"),
    # "Voeg Datum toe" put the inline panel's label, capitalised, mid-sentence.
    gettext_noop("Add %(label)s"),
    # Account screen: Wagtail's Dutch leaves these in English.
    # Admin search: "Pagina types" and "Helaas, geen pagina-overeenkomst bib".
    gettext_noop("Page types"),
    gettext_noop("Sorry, no pages match <em>%(query_string)s</em>"),
    gettext_noop("Default"),
    gettext_noop("admin theme"),
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s across entire site."
    ),
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s in "
        "'<span class=\"w-title-ellipsis\">%(title)s</span>'."
    ),
    # Dashboard summary: "29 Pagina's", "15 Afbeeldingen" (capitalised mid-sentence), and
    # "aangemaakt inBibliotheek Gent" for screen readers (a space missing in Wagtail's Dutch).
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
)
