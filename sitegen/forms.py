from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from home.models import SiteKind
from home.models.tenancy import Province
from sitegen.services import SLUG_RE, SiteRequest


class ProvisionSiteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), choices=SiteKind.choices)
    name = forms.CharField(
        label=_("Naam"), max_length=200, help_text=_("Bijvoorbeeld \u2018Bibliotheek Gent\u2019.")
    )
    slug = forms.CharField(
        label=_("Slug"),
        max_length=63,
        validators=[RegexValidator(SLUG_RE, _("Kleine letters, cijfers en koppeltekens."))],
        help_text=_("Korte naam in het webadres, bijvoorbeeld \u2018gent\u2019."),
    )
    hostname = forms.CharField(
        label=_("Hostnaam"),
        max_length=253,
        required=False,
        help_text=_("Leeg: <slug>.<standaarddomein>. Bijvoorbeeld bibliotheek.gent.be."),
    )
    municipality = forms.CharField(label=_("Gemeente"), max_length=100, required=False)
    nis_code = forms.RegexField(
        label=_("NIS-code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Een NIS-code bestaat uit 5 cijfers.")},
    )
    province = forms.ChoiceField(
        label=_("Provincie"), choices=[("", "---------"), *Province.choices], required=False
    )
    street = forms.CharField(label=_("Straat en nummer"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postcode"),
        regex=r"^\d{4}$",
        required=False,
        error_messages={"invalid": _("Een Belgische postcode heeft 4 cijfers.")},
    )
    city = forms.CharField(label=_("Gemeente (adres)"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)

    def clean_hostname(self) -> str:
        return self.cleaned_data["hostname"].strip().lower()

    def site_request(self) -> SiteRequest:
        data = self.cleaned_data
        return SiteRequest(
            name=data["name"].strip(),
            slug=data["slug"],
            hostname=data["hostname"],
            municipality=data["municipality"],
            nis_code=data["nis_code"],
            province=data["province"],
            street=data["street"],
            postal_code=data["postal_code"],
            city=data["city"],
            email=data["email"],
            phone=data["phone"],
        )
