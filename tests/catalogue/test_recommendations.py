"""Aanbevelingen ("Ook iets voor jou"): the batch, the stored table and the record page."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Recommendation, Record
from catalogue.recommendations import recommendations_for, recommendations_refresh
from tests.factories.catalogue import MarcRecordFactory, records_load

pytestmark = pytest.mark.django_db

KIDS = "vanaf 9 jaar"
NOW = "2026-01-01"


def _book(record_id, title, author, **extra):
    extra.setdefault("audience", KIDS)
    extra.setdefault("year", 2020)
    return MarcRecordFactory(record_id=record_id, title=title, author=author, **extra)


@pytest.fixture
def shelf(db, tmp_path):
    """A children's book with its other edition, a sequel in its series, books sharing its
    theme words (one for adults), and unrelated books."""
    records_load(
        tmp_path,
        [
            _book(
                "R1",
                "De vos van het bos",
                "Janssens, Mila",
                series="Vossenstreken ; 1",
                theme_words=("Dieren", "Vriendschap"),
                genres=("Avonturenverhalen",),
            ),
            # Another edition of the same work (same title and author): never recommended.
            _book(
                "R1B",
                "De vos van het bos",
                "Janssens, Mila",
                year=2024,
                series="Vossenstreken ; 1",
                theme_words=("Dieren", "Vriendschap"),
            ),
            _book(
                "R2",
                "De vos op reis",
                "Janssens, Mila",
                series="Vossenstreken ; 2",
                theme_words=("Dieren",),
            ),
            _book(
                "R3",
                "Samen sterk",
                "Peeters, Arne",
                theme_words=("Dieren", "Vriendschap"),
                genres=("Avonturenverhalen",),
                holdings=(("leuven", "Tweebronnen", "PEET", "beschikbaar", NOW),),
            ),
            _book(
                "R4",
                "Beste maatjes",
                "Claes, Saar",
                theme_words=("Dieren", "Vriendschap"),
                genres=("Avonturenverhalen",),
                holdings=(("gent", "De Krook", "CLAE", "beschikbaar", NOW),),
            ),
            # Same theme words, but for adults: a child's record page never shows it.
            _book(
                "R5",
                "Dieren en mensen",
                "Maes, Jef",
                audience="volwassenen",
                theme_words=("Dieren", "Vriendschap"),
                genres=("Avonturenverhalen",),
            ),
            # Nothing in common with R1.
            _book("R6", "Rekenen is leuk", "Wouters, Tom", theme_words=("Wiskunde",)),
            _book("R7", "Tafels oefenen", "Wouters, Tom", theme_words=("Wiskunde",)),
        ],
    )
    return recommendations_refresh()


def _ids(record_id, profile="gent"):
    return [r.record_id for r in recommendations_for(record_id=record_id, profile=profile)]


def test_batch_recommends_works_sharing_series_themes_and_authors(shelf):
    ids = _ids("R1")
    assert set(ids) == {"R2", "R3", "R4"}
    # The sequel (same series and author) comes before books that share theme words only.
    assert ids[0] == "R2"
    assert shelf.works == 7 and shelf.records == 8


def test_other_editions_of_the_same_work_and_the_work_itself_are_never_recommended(shelf):
    for record_id in ("R1", "R1B"):
        ids = _ids(record_id)
        assert "R1" not in ids and "R1B" not in ids
    # Both editions share one list of recommendations (one work).
    assert _ids("R1") == _ids("R1B")


def test_recommendations_respect_the_audience(shelf):
    assert "R5" not in _ids("R1")
    assert _ids("R5") == []  # no other adult book in the catalogue
    assert "R7" in _ids("R6") and not {"R1", "R2", "R3", "R4"} & set(_ids("R6"))


def test_editions_of_one_work_for_two_audiences_each_get_their_audiences_books(db, tmp_path):
    records_load(
        tmp_path,
        [
            _book("E1", "Het eiland", "Maes, Jef", audience="volwassenen", theme_words=("Zee",)),
            _book("E2", "Het eiland", "Maes, Jef", theme_words=("Zee",)),  # for children
            _book("E3", "Zeemeeuwen", "Cools, Bram", audience="volwassenen", theme_words=("Zee",)),
            _book("E4", "Vissen vangen", "Segers, Rik", theme_words=("Zee",)),
        ],
    )
    recommendations_refresh()
    assert _ids("E1") == ["E3"]
    assert _ids("E2") == ["E4"]


def test_what_this_library_has_available_comes_first(shelf):
    # R3 and R4 share the same features with R1; Gent has R4, Leuven has R3.
    gent = _ids("R1", "gent")
    leuven = _ids("R1", "leuven")
    assert gent.index("R4") < gent.index("R3")
    assert leuven.index("R3") < leuven.index("R4")
    by_id = {r.record_id: r for r in recommendations_for(record_id="R1", profile="gent")}
    assert by_id["R4"].available_here and not by_id["R3"].held_here


def test_serving_is_one_query(shelf):
    with CaptureQueriesContext(connection) as queries:
        recommendations_for(record_id="R1", profile="gent")
    assert len(queries) == 1


def test_refresh_replaces_the_table_and_keeps_its_primary_key(shelf):
    Record.objects.filter(record_id="R2").delete()
    recommendations_refresh()
    assert "R2" not in _ids("R1")
    assert Recommendation.objects.filter(record_id="R2").count() == 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = "
                "'catalogue_recommendation'::regclass AND contype = 'p'"
            )
            assert cursor.fetchall() == [("catalogue_recommendation_pkey",)]
    record = Record.objects.get(pk="R1")
    rows = Recommendation.objects.filter(work_key=f"{record.work_key}:{record.audience}")
    assert list(rows.values_list("rank", flat=True).order_by("rank")) == list(range(rows.count()))


def test_stored_rows_are_written_frozen(shelf):
    """The batch COPYs into a table created in the same transaction with FREEZE: every page
    is all-visible at once (ANALYZE reads the visibility map), so the first readers after a
    batch set no commit hints."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    recommendations_refresh()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class "
            "WHERE oid = 'catalogue_recommendation'::regclass"
        )
        pages, visible = cursor.fetchone()
    assert pages > 0
    assert visible == pages


def test_unknown_record_gets_no_recommendations(shelf):
    assert recommendations_for(record_id="nope", profile="gent") == []


def test_record_page_shows_ook_iets_voor_jou_with_links_and_availability(site_a, shelf):
    response = site_a.client_for().get("/catalogus/titel/R1/")
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.select_one(".catalogue-recommendations")
    assert section.select_one("h2").get_text(strip=True) == "Ook iets voor jou"
    links = {a.get_text(strip=True): a["href"] for a in section.select("h3 a")}
    assert links["Beste maatjes"] == "/catalogus/titel/R4/"
    assert "Dieren en mensen" not in links and "De vos van het bos" not in links
    card = section.select_one("a[href='/catalogus/titel/R4/']").find_parent("li")
    assert "Beschikbaar in onze bib" in card.get_text()
    # Every card has a (generated) cover.
    assert len(section.select(".cover")) == len(links)


def test_record_page_without_recommendations_has_no_section(site_a, shelf):
    response = site_a.client_for().get("/catalogus/titel/R5/")
    assert response.status_code == 200
    assert b"catalogue-recommendations" not in response.content


def test_import_command_recomputes_recommendations(db, tmp_path):
    from tests.factories.catalogue import marc21_write

    path = marc21_write(
        tmp_path / "import.mrc",
        [
            _book("I1", "Griezelen in het kasteel", "Aerts, Noor", theme_words=("Griezelen",)),
            _book("I2", "Het spookhuis", "Cools, Bram", theme_words=("Griezelen",)),
        ],
    )
    call_command("import_marc", str(path), verbosity=0)
    assert _ids("I1") == ["I2"]
    Recommendation.objects.all().delete()
    call_command("import_marc", str(path), "--no-recommendations", verbosity=0)
    assert _ids("I1") == []


def test_nightly_schedule_names_the_task():
    from django.utils.module_loading import import_string

    from config.schedule import SCHEDULE

    schedule = next(s for s in SCHEDULE if s.name == "catalogue_recommendations")
    assert schedule.cron == "30 4 * * *"
    assert callable(import_string(schedule.task).enqueue)
