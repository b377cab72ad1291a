"""The sitegen management command: provision one site, bulk-provision from CSV (the platform's
own layout and the municipalities register layout), list the network."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Collection, Page, Site

from home.models import IdentitySettings, Tenant
from sitegen.blueprints.cultural_centre import CULTURAL_CENTRE
from sitegen.blueprints.library import LIBRARY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _network_empty_unless_asked(request):
    """These tests read the whole network: those that do not ask for the two sites get none."""
    if not {"site_a", "site_b", "two_sites"} & set(request.fixturenames):
        request.getfixturevalue("network_empty")


REGISTER_HEADER = (
    '"NIS_code","municipality_NL","municipality_FR","arrondissement_NL","arrondissement_FR",'
    '"province_NL","province_FR","region_NL","region_FR","inhabitants","zip"'
)


def sitegen(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sitegen", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def sitegen_failing(*args: str) -> tuple[str, str]:
    """Run a command that must end with exit code 1 and return its output."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("sitegen", *args, stdout=out, stderr=err)
    assert exited.value.code == 1
    return out.getvalue(), err.getvalue()


def write_csv(tmp_path: Path, *lines: str, name: str = "sites.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Tenant, Site, Page, Collection, Group, IdentitySettings)
    }


def _line_of(output: str, line_number: int) -> str:
    """The progress line the command wrote for a CSV line."""
    matches = [line for line in output.splitlines() if f" line {line_number}" in line]
    assert len(matches) == 1, output
    return matches[0]


# --- provision ----------------------------------------------------------------------------------

PROVISION_AALST = (
    "provision",
    "--kind=bibliotheek",
    "--name=Bibliotheek Aalst",
    "--slug=aalst",
    "--municipality=Aalst",
    "--nis-code=41002",
    "--province=oost-vlaanderen",
    "--street=Graanmarkt 3",
    "--postal-code=9300",
    "--city=Aalst",
    "--email=bibliotheek@aalst.example",
    "--phone=053 73 23 00",
)


def test_provision_creates_the_site_and_says_where(settings):
    settings.SITE_DOMAIN_SUFFIX = "localhost"

    out, err = sitegen(*PROVISION_AALST)

    assert out.startswith("Created Bibliotheek Aalst at http://aalst.localhost/ in ")
    from sitegen.blueprints import BLUEPRINTS

    pages = 1 + len(BLUEPRINTS["bibliotheek"].all_pages())  # home + the blueprint's pages
    assert out.rstrip().endswith(f"s ({pages} pages)")
    assert err == ""
    tenant = Tenant.objects.get(slug="aalst")
    assert tenant.kind == "bibliotheek"
    assert tenant.site.hostname == "aalst.localhost"
    identity = IdentitySettings.for_site(tenant.site)
    assert (identity.nis_code, identity.province) == ("41002", "oost-vlaanderen")


def test_provision_with_hostname_and_port():
    out, _ = sitegen(
        "provision",
        "--kind=cultuurcentrum",
        "--name=Cultuurcentrum De Werf",
        "--slug=dewerf",
        "--hostname=www.dewerf.be",
        "--port=8080",
    )

    assert "Created Cultuurcentrum De Werf at http://www.dewerf.be:8080/" in out
    site = Tenant.objects.get(slug="dewerf").site
    assert (site.hostname, site.port) == ("www.dewerf.be", 8080)


def test_provision_twice_reports_the_existing_site(settings):
    settings.SITE_DOMAIN_SUFFIX = "localhost"
    sitegen(*PROVISION_AALST)
    before = _counts()

    out, _ = sitegen(*PROVISION_AALST)

    assert out.strip() == (
        "Bibliotheek Aalst already exists at http://aalst.localhost/; added: nothing"
    )
    assert _counts() == before


def test_provision_refusal_is_a_command_error_with_the_dutch_message(site_a):
    before = _counts()

    with pytest.raises(CommandError, match="De hostnaam gent.localhost is al in gebruik."):
        sitegen(*PROVISION_AALST, f"--hostname={site_a.hostname}")

    assert _counts() == before


def test_provision_rejects_an_unknown_kind():
    with pytest.raises(CommandError, match="invalid choice: 'museum'"):
        sitegen("provision", "--kind=museum", "--name=Museum", "--slug=museum")

    assert not Tenant.objects.exists()


# --- bulk: the platform's own layout ------------------------------------------------------------

OWN_HEADER = "kind,name,slug,hostname,municipality,nis_code,province,postal_code"


def test_bulk_creates_every_good_row_and_reports_each_bad_row_by_line(tmp_path, settings):
    settings.SITE_DOMAIN_SUFFIX = "localhost"
    path = write_csv(
        tmp_path,
        OWN_HEADER,
        "bibliotheek,Bibliotheek Aalst,aalst,,Aalst,41002,Oost-Vlaanderen,9300",  # line 2
        "museum,Museum Aalst,museum-aalst,,Aalst,41002,Oost-Vlaanderen,9300",  # line 3
        "cultuurcentrum,Cultuurcentrum Hasselt,hasselt,,Hasselt,71022,Limburg,3500",  # line 4
        "bibliotheek,Bibliotheek Fout,Fout Slug!,,Aalst,41002,,9300",  # line 5
        "gemeenschapscentrum,GC De Dupliek,dupliek,aalst.localhost,Aalst,41002,,9300",  # line 6
        "gemeenschapscentrum,GC Ter Wilgen,terwilgen,,Genk,71016,limburg,3600",  # line 7
    )

    out, err = sitegen_failing("bulk", f"--csv={path}")

    assert set(Tenant.objects.values_list("slug", flat=True)) == {"aalst", "hasselt", "terwilgen"}
    hasselt = Tenant.objects.get(slug="hasselt")
    assert hasselt.kind == "cultuurcentrum"
    assert IdentitySettings.for_site(hasselt.site).province == "limburg"
    assert "[1/6] line 2 aalst: created http://aalst.localhost/" in out
    assert "FAILED Onbekende soort \u201cmuseum\u201d." in _line_of(out, 3)
    assert "FAILED Ongeldige slug \u201cFout Slug!\u201d" in _line_of(out, 5)
    assert "FAILED De hostnaam aalst.localhost is al in gebruik." in _line_of(out, 6)
    assert "Done in " in out
    assert "3 created, 0 already existed, 0 skipped, 3 failed." in out
    assert err.splitlines() == [
        "line 3: Onbekende soort \u201cmuseum\u201d.",
        "line 5: Ongeldige slug \u201cFout Slug!\u201d: gebruik kleine letters, cijfers en "
        "koppeltekens (maximaal 63 tekens).",
        "line 6: De hostnaam aalst.localhost is al in gebruik.",
    ]
    # nothing half-created for the bad rows
    assert not Site.objects.exclude(hostname__in=[t.site.hostname for t in Tenant.objects.all()])
    assert not Page.objects.filter(slug__in=["museum-aalst", "dupliek"]).exists()
    assert not Group.objects.filter(name__startswith="GC De Dupliek").exists()
    assert not Collection.objects.filter(name__in=["GC De Dupliek", "Museum Aalst"]).exists()


def test_bulk_run_twice_reports_existing_sites_and_creates_nothing(tmp_path):
    path = write_csv(
        tmp_path,
        "kind,name,slug",
        "bibliotheek,Bibliotheek Aalst,aalst",
        "cultuurcentrum,Cultuurcentrum Hasselt,hasselt",
    )
    sitegen("bulk", f"--csv={path}")
    before = _counts()

    out, err = sitegen("bulk", f"--csv={path}")

    assert "0 created, 2 already existed, 0 skipped, 0 failed." in out
    assert "line 2 aalst: exists" in out
    assert err == ""
    assert _counts() == before


def test_bulk_row_with_too_many_fields_is_reported(tmp_path):
    path = write_csv(
        tmp_path,
        "kind,name,slug",
        "bibliotheek,Bibliotheek Aalst,aalst,overbodig",  # line 2
        "bibliotheek,Bibliotheek Hasselt,hasselt",  # line 3
        "bibliotheek,Bibliotheek Genk",  # line 4: too few
    )

    out, err = sitegen_failing("bulk", f"--csv={path}")

    assert list(Tenant.objects.values_list("slug", flat=True)) == ["hasselt"]
    assert "line 2: Het aantal velden klopt niet met de kopregel." in err.splitlines()
    assert "line 4: Het aantal velden klopt niet met de kopregel." in err.splitlines()
    assert "FAILED" in _line_of(out, 2)


def test_bulk_ignores_blank_lines_and_reports_bom_encoded_files(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "kind,name,slug\r\nbibliotheek,Bibliotheek Aalst,aalst\r\n,,\r\n", encoding="utf-8-sig"
    )

    out, _ = sitegen("bulk", f"--csv={path}")

    assert "1 created, 0 already existed, 0 skipped, 0 failed." in out
    assert Tenant.objects.get().slug == "aalst"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("kind,name,hostname", "ontbrekende kolommen: slug"),
        ("kind,name,slug,colour", "onbekende kolommen: colour"),
        ("naam;slug", "ontbrekende kolommen: kind, name, slug"),
    ],
)
def test_bulk_with_a_bad_header_is_refused_before_any_row(tmp_path, header, message):
    path = write_csv(tmp_path, header, "bibliotheek,Bibliotheek Aalst,aalst")
    before = _counts()

    with pytest.raises(CommandError, match=message):
        sitegen("bulk", f"--csv={path}")

    assert _counts() == before


def test_bulk_with_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="leeg"):
        sitegen("bulk", f"--csv={path}")


def test_bulk_with_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        sitegen("bulk", f"--csv={tmp_path / 'bestaat-niet.csv'}")


def test_bulk_with_a_file_that_is_not_utf8_is_a_command_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("kind,name,slug\nbibliotheek,Bibliothèque Arlon,arlon\n".encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        sitegen("bulk", f"--csv={path}")

    assert not Tenant.objects.exists()


def test_bulk_limit_stops_after_n_rows(tmp_path):
    path = write_csv(
        tmp_path,
        "kind,name,slug",
        "bibliotheek,Bibliotheek Aalst,aalst",
        "bibliotheek,Bibliotheek Hasselt,hasselt",
    )

    out, _ = sitegen("bulk", f"--csv={path}", "--limit=1")

    assert list(Tenant.objects.values_list("slug", flat=True)) == ["aalst"]
    assert "[1/1] line 2 aalst: created" in out


# --- bulk: the municipalities register layout ---------------------------------------------------


def _register_csv(tmp_path: Path) -> Path:
    """Invented municipalities in the columns of the published register."""
    return write_csv(
        tmp_path,
        REGISTER_HEADER,
        '99001,"Zonnedorp","Zonnedorp","Antwerpen","Anvers","Antwerpen","Anvers",'
        '"Vlaams Gewest","Région flamande","12345",2999',  # line 2
        '99002,"Villers-les-Tests","Villers-les-Tests","Namen","Namur","Namen","Namur",'
        '"Waals Gewest","Région wallonne","4321",5999',  # line 3
        '99003,"Sint-Jan-ter-Proef","Saint-Jean-l\'Essai","Hasselt","Hasselt","Limburg",'
        '"Limbourg","Vlaams Gewest","Région flamande","6789",3999',  # line 4
        name="municipalities.csv",
    )


def test_bulk_register_creates_one_site_per_flemish_municipality(tmp_path, settings):
    settings.SITE_DOMAIN_SUFFIX = "localhost"

    out, err = sitegen("bulk", f"--csv={_register_csv(tmp_path)}", "--kind=gemeenschapscentrum")

    tenants = {tenant.slug: tenant for tenant in Tenant.objects.select_related("site")}
    assert set(tenants) == {"zonnedorp", "sint-jan-ter-proef"}
    zonnedorp = tenants["zonnedorp"]
    assert zonnedorp.kind == "gemeenschapscentrum"
    assert zonnedorp.site.site_name == "Gemeenschapscentrum Zonnedorp"
    assert zonnedorp.site.hostname == "zonnedorp.localhost"
    identity = IdentitySettings.for_site(tenants["sint-jan-ter-proef"].site)
    assert (identity.municipality, identity.nis_code, identity.province) == (
        "Sint-Jan-ter-Proef",
        "99003",
        "limburg",
    )
    assert "line 3: skipped (niet in het Vlaams Gewest)" in out
    assert "2 created, 0 already existed, 1 skipped, 0 failed." in out
    assert err == ""


def test_bulk_register_defaults_to_libraries(tmp_path):
    sitegen("bulk", f"--csv={_register_csv(tmp_path)}")

    assert set(Tenant.objects.values_list("kind", flat=True)) == {"bibliotheek"}
    assert Site.objects.filter(site_name="Bibliotheek Zonnedorp").exists()


def test_bulk_register_reports_an_unknown_province(tmp_path):
    path = write_csv(
        tmp_path,
        REGISTER_HEADER,
        '99004,"Nergenshuizen","Nulle-part","Nergens","Nulle-part","Atlantis","Atlantide",'
        '"Vlaams Gewest","Région flamande","1",9999',
    )

    _, err = sitegen_failing("bulk", f"--csv={path}")

    assert err.splitlines() == ["line 2: Onbekende provincie \u201cAtlantis\u201d."]
    assert not Tenant.objects.exists()


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_every_site_with_kind_version_and_address(two_sites):
    site_a, site_b = two_sites

    out, _ = sitegen("list")

    lines = out.splitlines()
    assert lines[0].split() == ["slug", "kind", "version", "address"]
    # The session network is provisioned with the blueprints' current versions.
    library, centre = str(LIBRARY.version), str(CULTURAL_CENTRE.version)
    assert lines[1].split() == ["gent", "bibliotheek", library, f"{site_a.site.root_url}/"]
    assert lines[2].split() == ["strombeek", "cultuurcentrum", centre, f"{site_b.site.root_url}/"]
    assert lines[3] == "2 sites"
    assert len(lines) == 4


def test_list_of_an_empty_network():
    out, _ = sitegen("list")

    assert out.splitlines()[-1] == "0 sites"
