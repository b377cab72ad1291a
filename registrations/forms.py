from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from registrations.models import MAX_PLACES_LIMIT
from registrations.services import RegistrationData

HONEYPOT_FIELD = "website"


class RegistrationForm(forms.Form):
    """The visitor's registration form. The service validates again (other callers)."""

    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={
            "required": _("Vul je naam in."),
            "max_length": _("Je naam is te lang (maximaal %(limit_value)d tekens)."),
            "null_characters_not_allowed": _("Je naam bevat ongeldige tekens."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Geef een geldig e-mailadres, bijvoorbeeld naam@voorbeeld.be."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefoon (niet verplicht)"),
        max_length=30,
        required=False,
        validators=[RegexValidator(r"^\+?[\d /.()-]{6,30}$", _("Geef een geldig telefoonnummer."))],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    places = forms.IntegerField(label=_("Aantal plaatsen"), min_value=1, initial=1)
    remarks = forms.CharField(
        label=_("Opmerkingen (niet verplicht)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Maximaal %(limit_value)d tekens.")},
    )
    is_minor = forms.BooleanField(label=_("De deelnemer is jonger dan 13 jaar"), required=False)
    parent_name = forms.CharField(
        label=_("Naam van een ouder of voogd"), max_length=200, required=False
    )
    parent_email = forms.EmailField(
        label=_("E-mailadres van de ouder of voogd"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Geef een geldig e-mailadres van de ouder of voogd.")},
    )
    consent = forms.BooleanField(
        label=_("Ik ga akkoord met de privacyverklaring"),
        error_messages={"required": _("Geef toestemming om je inschrijving te verwerken.")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(label=_("Laat dit veld leeg"), required=False, max_length=200)

    def __init__(self, *args, page=None, **kwargs):
        # Dutch labels take no colon (the catalogue and the other visitor forms have none).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        max_places = min(getattr(page, "max_places_per_registration", 1) or 1, MAX_PLACES_LIMIT)
        self.fields["places"] = forms.IntegerField(
            label=_("Aantal plaatsen"),
            min_value=1,
            max_value=max_places,
            initial=1,
            error_messages={
                "required": _("Geef het aantal plaatsen."),
                "invalid": _("Geef een geldig aantal plaatsen."),
                "min_value": _("Vraag minstens 1 plaats."),
                "max_value": _("Je kan maximaal %(limit_value)s plaatsen vragen."),
            },
            widget=forms.HiddenInput() if max_places <= 1 else forms.NumberInput(),
        )
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_minor"):
            if not cleaned.get("parent_name", "").strip():
                self.add_error("parent_name", _("Vul de naam van een ouder of voogd in."))
            if not cleaned.get("parent_email") and "parent_email" not in self.errors:
                self.add_error("parent_email", _("Vul het e-mailadres van een ouder of voogd in."))
        return cleaned

    def to_data(self) -> RegistrationData:
        data = self.cleaned_data
        return RegistrationData(
            name=data["name"],
            email=data["email"],
            places=data.get("places") or 1,
            phone=data.get("phone", ""),
            remarks=data.get("remarks", ""),
            is_minor=bool(data.get("is_minor")),
            parent_name=data.get("parent_name", ""),
            parent_email=data.get("parent_email", ""),
            consent=bool(data.get("consent")),
        )
