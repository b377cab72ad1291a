"""Per-site settings: branding contrast (WCAG AA), the branding admin form for local moderators,
and integration ids. The hosts Django accepts (home.hosts) are tested in test_hosts.py."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Site

from home.branding import WCAG_AA_NORMAL_TEXT, contrast_ratio
from home.models import BrandingSettings, IntegrationSettings
from tests.factories.admin import refused
from tests.factories.html import soup_of

pytestmark = pytest.mark.django_db

# --- contrast arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),
        ("#0b5394", "#0b5394", 1.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#0b5394", "#ffffff", 7.84),
        ("#767676", "#ffffff", 4.54),
        ("#777777", "#ffffff", 4.48),
        ("#ffff00", "#ffffff", 1.07),
        ("#FFFF00", "#FFFFFF", 1.07),
    ],
)
def test_contrast_ratio_known_values(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.005)


# --- BrandingSettings.clean ---------------------------------------------------------------------


def _branding(site_fixture, **values) -> BrandingSettings:
    branding = BrandingSettings.for_site(site_fixture.site)
    for name, value in values.items():
        setattr(branding, name, value)
    return branding


def test_yellow_with_white_text_is_refused_with_the_ratio_in_dutch(site_a):
    branding = _branding(site_a, primary_colour="#ffff00", primary_text_colour="#ffffff")

    with pytest.raises(ValidationError) as raised:
        branding.clean()

    errors = raised.value.message_dict
    assert list(errors) == ["primary_colour"]
    [message] = errors["primary_colour"]
    assert "slecht leesbaar" in message
    assert "het contrast is 1.1:1" in message
    assert "4,5:1" in message


def test_failing_accent_colour_is_refused_on_its_own_field(site_a):
    branding = _branding(site_a, accent_colour="#777777", accent_text_colour="#ffffff")

    with pytest.raises(ValidationError) as raised:
        branding.clean()

    assert list(raised.value.message_dict) == ["accent_colour"]
    assert "4.5:1" in raised.value.message_dict["accent_colour"][0]


def test_both_failing_colours_are_reported_together(site_a):
    branding = _branding(
        site_a,
        primary_colour="#ffff00",
        primary_text_colour="#ffffff",
        accent_colour="#0b5394",
        accent_text_colour="#111111",
    )

    with pytest.raises(ValidationError) as raised:
        branding.clean()

    assert set(raised.value.message_dict) == {"primary_colour", "accent_colour"}


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#0b5394", "#ffffff"),
        ("#767676", "#ffffff"),  # just above 4.5:1
        ("#ffff00", "#111111"),  # yellow is fine with dark text
    ],
)
def test_colours_meeting_wcag_aa_are_accepted(site_a, background, text):
    assert contrast_ratio(background, text) >= WCAG_AA_NORMAL_TEXT
    branding = _branding(site_a, primary_colour=background, primary_text_colour=text)

    branding.full_clean()  # raises on failure


def test_malformed_colour_is_refused_by_the_field_not_the_contrast_check(site_a):
    branding = _branding(site_a, primary_colour="geel")

    branding.clean()  # the contrast check skips what is not a colour
    with pytest.raises(ValidationError) as raised:
        branding.full_clean()

    assert raised.value.message_dict["primary_colour"] == [
        "Geef een kleur in als #rrggbb, bijvoorbeeld #0b5394."
    ]


def test_link_colour_falls_back_to_dark_grey_on_light_primary_colours(site_a):
    assert _branding(site_a, primary_colour="#0b5394").link_colour == "#0b5394"
    assert _branding(site_a, primary_colour="#ffff00").link_colour == "#1f1f1f"


# --- the branding form in the admin -------------------------------------------------------------

BRANDING_FORM = {
    "logo": "",
    "primary_colour": "#0b5394",
    "primary_text_colour": "#ffffff",
    "accent_colour": "#8a1c4a",
    "accent_text_colour": "#ffffff",
}


def _branding_url(site: Site) -> str:
    return reverse("wagtailsettings:edit", args=["home", "brandingsettings", site.pk])


def _stored_branding(site: Site) -> tuple[str, str]:
    branding = BrandingSettings.objects.get(site=site)
    return branding.primary_colour, branding.primary_text_colour


def test_moderator_posting_a_failing_colour_sees_the_error_and_nothing_is_stored(
    site_a, admin_client
):
    client = admin_client(site_a.moderator)
    before = _stored_branding(site_a.site)

    response = client.post(
        _branding_url(site_a.site), {**BRANDING_FORM, "primary_colour": "#ffff00"}
    )

    assert response.status_code == 200
    text = soup_of(response).get_text(" ", strip=True)
    assert "Tekst op deze kleur is slecht leesbaar: het contrast is 1.1:1" in text
    assert _stored_branding(site_a.site) == before


def test_moderator_posting_a_good_colour_stores_it(site_a, admin_client):
    client = admin_client(site_a.moderator)

    response = client.post(
        _branding_url(site_a.site), {**BRANDING_FORM, "primary_colour": "#1d4f2a"}
    )

    assert response.status_code == 302
    assert _stored_branding(site_a.site) == ("#1d4f2a", "#ffffff")


def test_moderator_cannot_change_another_sites_branding(two_sites, admin_client):
    site_a, site_b = two_sites
    client = admin_client(site_a.moderator)
    before = _stored_branding(site_b.site)

    response = client.post(
        _branding_url(site_b.site), {**BRANDING_FORM, "primary_colour": "#1d4f2a"}
    )

    assert refused(response)  # another site's settings: the settings permission policy
    assert _stored_branding(site_b.site) == before


def test_editor_cannot_change_branding(site_a, admin_client):
    client = admin_client(site_a.editor)
    before = _stored_branding(site_a.site)

    response = client.post(
        _branding_url(site_a.site), {**BRANDING_FORM, "primary_colour": "#1d4f2a"}
    )

    assert refused(response)  # the settings permission policy: 403 or an error and a redirect
    assert _stored_branding(site_a.site) == before


# --- IntegrationSettings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("abc-123", ["abc-123"]),
        ("abc-123, def-456", ["abc-123", "def-456"]),
        (" abc-123 ,,def-456 , ", ["abc-123", "def-456"]),
        (",, ,", []),
    ],
)
def test_integration_ids_are_split_on_commas(site_a, raw, expected):
    integration = IntegrationSettings.for_site(site_a.site)
    integration.uitdatabank_organizer_ids = raw
    integration.uitdatabank_place_ids = raw

    assert integration.organizer_ids == expected
    assert integration.place_ids == expected


@pytest.mark.parametrize("raw", ["abc;def", "abc\ndef", "<script>", "id/1"])
def test_integration_ids_with_other_separators_are_refused(site_a, raw):
    integration = IntegrationSettings.for_site(site_a.site)
    integration.uitdatabank_place_ids = raw

    with pytest.raises(ValidationError) as raised:
        integration.full_clean()

    assert raised.value.message_dict["uitdatabank_place_ids"] == [
        "Geef de id's gescheiden door komma's."
    ]


def test_analytics_id_is_validated(site_a):
    integration = IntegrationSettings.for_site(site_a.site)
    integration.analytics_site_id = "abc 123"

    with pytest.raises(ValidationError) as raised:
        integration.full_clean()

    assert list(raised.value.message_dict) == ["analytics_site_id"]
