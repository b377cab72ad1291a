"""The import is faithful to UiTdatabank's event model: workflow status, availability,
unknown taxonomy ids, statuses with reasons, opening hours with their exceptions, whole days,
booking, and the extra facts a visitor reads. Documents are written here in the documented
shapes with invented content; dates are relative to today so pages show them as coming."""

import copy
import datetime as dt
import uuid

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from icalendar import Calendar

from events.models import EventPage, Occurrence
from events.recurrence import occurrences_expand
from events.services import SourceItem, uitdatabank_import
from events.uitdatabank import RecordRejected, document_parse
from tests.factories.events import agenda_of

TODAY = timezone.localdate()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def document(**fields) -> dict:
    """A minimal valid event document (APPROVED, single, with hours); fields override."""
    doc = {
        "@id": f"https://io.uitdatabank.be/events/{uuid.uuid4()}",
        "mainLanguage": "nl",
        "name": {"nl": "Vertelnamiddag in de tuin"},
        "calendarType": "single",
        "startDate": f"{day(10)}T14:00:00+01:00",
        "endDate": f"{day(10)}T16:00:00+01:00",
        "workflowStatus": "APPROVED",
        "location": {
            "name": {"nl": "Bibliotheek Zuid"},
            "address": {"nl": {"postalCode": "9000", "addressLocality": "Gent"}},
        },
    }
    doc.update(copy.deepcopy(fields))
    return doc


def run(site, *docs):
    return uitdatabank_import(
        site=site, items=[SourceItem(document=doc, origin="test") for doc in docs], source="test"
    )


def page_of(doc) -> EventPage:
    return EventPage.objects.get(uitdatabank_id=doc["@id"])


def soup_of(site_fixture, page) -> BeautifulSoup:
    response = site_fixture.client_for().get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


# --- Parser rules (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("workflow", "withdrawn"),
    [
        ("DRAFT", True),
        ("REJECTED", True),
        ("DELETED", True),
        ("READY_FOR_VALIDATION", False),
        ("APPROVED", False),
    ],
)
def test_workflow_status_decides_what_reaches_visitors(workflow, withdrawn):
    assert document_parse(document(workflowStatus=workflow), today=TODAY).withdrawn is withdrawn


def test_a_date_without_a_time_is_a_whole_day():
    event = document_parse(document(startDate=str(day(5)), endDate=str(day(5))), today=TODAY)
    (row,) = event.dates
    assert (row.start_date, row.end_date, row.start_time) == (day(5), None, None)
    # UiTdatabank's own whole-day form: midnight to 23:59:59
    event = document_parse(
        document(
            calendarType="multiple",
            subEvent=[
                {"startDate": f"{day(6)}T00:00:00+01:00", "endDate": f"{day(7)}T23:59:59+01:00"}
            ],
        ),
        today=TODAY,
    )
    (row,) = event.dates
    assert (row.start_date, row.end_date, row.start_time) == (day(6), day(7), None)


def test_one_bad_date_is_reported_and_the_good_ones_kept():
    event = document_parse(
        document(
            calendarType="multiple",
            subEvent=[
                {"startDate": f"{day(3)}T10:00:00+01:00", "endDate": f"{day(3)}T12:00:00+01:00"},
                {"startDate": "morgen", "endDate": "overmorgen"},
                {"startDate": f"{day(4)}T10:00:00+01:00", "endDate": f"{day(4)}T12:00:00+01:00"},
            ],
        ),
        today=TODAY,
    )
    assert [row.start_date for row in event.dates] == [day(3), day(4)]
    assert len(event.warnings) == 1 and "Datum 2" in str(event.warnings[0])
    with pytest.raises(RecordRejected, match="Geen enkele geldige datum"):
        document_parse(
            document(calendarType="multiple", subEvent=[{"startDate": "x"}]), today=TODAY
        )


def test_periodic_hours_with_closed_and_adjusted_days_and_hours_past_midnight():
    # Every Tuesday and Thursday 10-12, Friday 22:00-02:00; closed one Tuesday; in an
    # adjusted week Thursday is 13-15 instead.
    start = TODAY + dt.timedelta(days=(1 - TODAY.weekday()) % 7 + 7)  # a Tuesday, in 1-2 weeks
    closed = start + dt.timedelta(days=7)
    adjusted_from, adjusted_to = start + dt.timedelta(days=14), start + dt.timedelta(days=20)
    event = document_parse(
        document(
            calendarType="periodic",
            startDate=f"{start}T00:00:00+01:00",
            endDate=f"{start + dt.timedelta(days=34)}T00:00:00+01:00",
            openingHours=[
                {"opens": "10:00", "closes": "12:00", "dayOfWeek": ["tuesday", "thursday"]},
                {"opens": "22:00", "closes": "02:00", "dayOfWeek": ["friday"]},
            ],
            openingHoursClosedDays=[
                {"startDate": str(closed), "endDate": str(closed), "description": {"nl": "Brugdag"}}
            ],
            openingHoursAdjustedDays=[
                {
                    "startDate": str(adjusted_from),
                    "endDate": str(adjusted_to),
                    "description": {"nl": "Zomerweek"},
                    "openingHours": [
                        {"opens": "13:00", "closes": "15:00", "dayOfWeek": ["thursday"]}
                    ],
                }
            ],
        ),
        today=TODAY,
    )
    specs = occurrences_expand(dates=event.dates, today=TODAY)
    local = [(spec.start.astimezone(timezone.get_current_timezone()), spec) for spec in specs]
    days = {moment.date(): (moment, spec) for moment, spec in local}
    assert closed not in days  # the closed Tuesday
    assert start in days and days[start][0].hour == 10
    thursday_adjusted = adjusted_from + dt.timedelta(days=2)
    assert days[thursday_adjusted][0].hour == 13 and days[thursday_adjusted][1].note == "Zomerweek"
    assert adjusted_from not in days  # the adjusted week has no Tuesday hours
    friday = start + dt.timedelta(days=3)
    moment, spec = days[friday]
    assert moment.hour == 22
    assert spec.end.astimezone(moment.tzinfo) == moment.replace(hour=2) + dt.timedelta(days=1)
    assert event.closed_days == [
        {"start": str(closed), "end": str(closed), "description": "Brugdag"}
    ]


def test_periodic_dates_are_brussels_calendar_days():
    # UiTdatabank writes local midnight in UTC: 23:00 the day before
    event = document_parse(
        document(
            calendarType="periodic",
            startDate="2030-02-26T23:00:00+00:00",
            endDate="2030-05-28T22:00:00+00:00",
            openingHours=[{"opens": "11:00", "closes": "12:30", "dayOfWeek": ["saturday"]}],
        ),
        today=TODAY,
    )
    (row,) = event.dates
    assert (row.start_date, row.end_date) == (dt.date(2030, 2, 27), dt.date(2030, 5, 29))


def test_unknown_taxonomy_ids_are_kept_with_their_label():
    event = document_parse(
        document(
            terms=[
                {"id": "0.99.99.0.0", "label": "Boekenruilbeurs", "domain": "eventtype"},
                {"id": "1.99.99.0.0", "label": "Streekverhalen", "domain": "theme"},
                {"id": "3.99.0.0.0", "label": "Prikkelarme ruimte", "domain": "facility"},
            ]
        ),
        today=TODAY,
    )
    assert (event.event_type, event.event_type_name) == ("0.99.99.0.0", "Boekenruilbeurs")
    assert (event.theme, event.theme_name) == ("1.99.99.0.0", "Streekverhalen")
    assert event.facility_names == {"3.99.0.0.0": "Prikkelarme ruimte"}


# --- Imported pages ---------------------------------------------------------------------------


def test_draft_never_reaches_visitors_and_unpublishes_an_existing_page(site_a):
    draft = document(workflowStatus="DRAFT")
    run_ = run(site_a.site, draft)
    assert run_.created == 0 and not EventPage.objects.filter(uitdatabank_id=draft["@id"]).exists()

    approved = document()
    run(site_a.site, approved)
    assert page_of(approved).live
    back_to_draft = dict(approved, workflowStatus="DRAFT", modified="2030-01-01T00:00:00Z")
    assert run(site_a.site, back_to_draft).withdrawn == 1
    page = page_of(approved)
    assert not page.live
    assert not Occurrence.objects.filter(page=page, live=True).exists()
    # the same draft again changes nothing
    assert run(site_a.site, back_to_draft).unchanged == 1
    assert not page_of(approved).live


def test_available_from_and_to_bound_when_the_event_is_public(site_a):
    later = timezone.now() + dt.timedelta(days=2)
    scheduled = document(availableFrom=later.isoformat())
    expired = document(availableTo=(timezone.now() - dt.timedelta(hours=1)).isoformat())
    open_ = document(availableTo=(timezone.now() + dt.timedelta(days=30)).isoformat())
    run(site_a.site, scheduled, expired, open_)
    page = page_of(scheduled)
    assert not page.live and abs(page.go_live_at - later) < dt.timedelta(seconds=1)
    assert not page_of(expired).live
    assert page_of(open_).live and page_of(open_).expire_at is not None
    # availableFrom has come: the next run publishes it, although the document is unchanged
    EventPage.objects.filter(pk=page.pk).update(go_live_at=timezone.now() - dt.timedelta(1))
    run(site_a.site, scheduled)
    assert page_of(scheduled).live
    assert Occurrence.objects.filter(page=page, live=True).exists()


def test_unknown_theme_does_not_reject_the_event_and_shows_its_label(site_a):
    doc = document(
        terms=[
            {"id": "0.99.99.0.0", "label": "Boekenruilbeurs", "domain": "eventtype"},
            {"id": "1.99.99.0.0", "label": "Streekverhalen", "domain": "theme"},
        ]
    )
    result = run(site_a.site, doc)
    assert (result.created, result.rejected) == (1, 0)
    text = soup_of(site_a, page_of(doc)).select_one(".event-facts").get_text(" ", strip=True)
    assert "Boekenruilbeurs" in text and "Streekverhalen" in text


def test_statuses_and_booking_availability_with_reasons_per_date(site_a):
    doc = document(
        calendarType="multiple",
        subEvent=[
            {
                "startDate": f"{day(3)}T10:00:00+01:00",
                "endDate": f"{day(3)}T12:00:00+01:00",
                "bookingAvailability": {"type": "Unavailable"},
            },
            {
                "startDate": f"{day(4)}T10:00:00+01:00",
                "endDate": f"{day(4)}T12:00:00+01:00",
                "status": {"type": "Unavailable", "reason": {"nl": "de verteller is ziek"}},
            },
            {"startDate": f"{day(5)}T10:00:00+01:00", "endDate": f"{day(5)}T12:00:00+01:00"},
        ],
    )
    run(site_a.site, doc)
    items = [
        li.get_text(" ", strip=True)
        for li in soup_of(site_a, page_of(doc)).select(".occurrence-list li")
    ]
    assert "(Volzet)" in items[0]
    assert "(Geannuleerd: de verteller is ziek)" in items[1]
    assert "(" not in items[2]


def test_whole_day_is_never_shown_as_midnight(site_a):
    doc = document(startDate=str(day(8)), endDate=str(day(8)))
    run(site_a.site, doc)
    soup = soup_of(site_a, page_of(doc))
    (occurrence,) = Occurrence.objects.filter(page=page_of(doc))
    assert occurrence.all_day
    assert "00:00" not in soup.select_one(".event-page").get_text()


def test_permanent_event_is_a_series_without_end(site_a):
    doc = document(
        calendarType="permanent",
        openingHours=[{"opens": "10:00", "closes": "12:00", "dayOfWeek": ["tuesday", "thursday"]}],
        openingHoursClosedDays=[
            {
                "startDate": str(day(15)),
                "endDate": str(day(21)),
                "description": {"nl": "Verbouwing"},
            }
        ],
    )
    doc.pop("startDate"), doc.pop("endDate")
    run(site_a.site, doc)
    page = page_of(doc)
    (row,) = page.dates.all()
    assert row.end_date is None and row.weekdays == "1,3"
    # the agenda finds every day up to the rolling horizon, but the closed week
    starts = list(Occurrence.objects.filter(page=page).values_list("start", flat=True))
    assert 100 < len(starts) < 130
    local_days = {moment.astimezone(timezone.get_current_timezone()).date() for moment in starts}
    assert not any(day(15) <= item <= day(21) for item in local_days)

    soup = soup_of(site_a, page)
    when = " ".join(dd.get_text(" ", strip=True) for dd in soup.select(".event-facts dd"))
    assert "elke dinsdag en donderdag, 10:00–12:00" in when
    assert "gesloten op" in when and "(Verbouwing)" in when
    assert len(soup.select(".occurrence-list li")) == 10
    assert "En nog" in soup.select_one("#event-dates-title").parent.get_text()

    calendar = Calendar.from_ical(site_a.client_for().get(page.url + "ical/").content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    rule = events[0]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and sorted(rule["BYDAY"]) == ["TH", "TU"]
    assert "UNTIL" not in rule
    raw = events[0]["EXDATE"]
    exdates = {
        item.dt.date() for group in (raw if isinstance(raw, list) else [raw]) for item in group.dts
    }
    closed_days = {day(offset) for offset in range(15, 22) if day(offset).weekday() in (1, 3)}
    assert exdates == closed_days


def test_booking_says_nothing_unless_the_document_does_and_shows_its_window(site_a):
    silent = document()
    window = document(
        bookingInfo={
            "url": "https://tickets.example/vertellen",
            "availabilityStarts": f"{day(1)}T09:00:00+01:00",
            "availabilityEnds": f"{day(9)}T18:00:00+01:00",
        }
    )
    run(site_a.site, silent, window)
    text = soup_of(site_a, page_of(silent)).get_text(" ", strip=True)
    assert "Reserveren" not in text and "Reserveer" not in text
    text = soup_of(site_a, page_of(window)).get_text(" ", strip=True)
    assert "Reserveren kan van" in text and "Reserveer online" in text


def test_contact_performers_attendance_videos_and_birthdates_are_shown(site_a):
    doc = document(
        contactPoint={"phone": ["09 555 12 12"], "email": ["vertel@zuid.example"], "url": []},
        performer=[{"name": "Tante Lotte"}],
        attendanceMode="mixed",
        onlineUrl="https://stream.example/vertel",
        videos=[
            {
                "id": "v1",
                "url": "https://www.youtube.com/watch?v=abcdefghijk",
                "embedUrl": "https://www.youtube.com/embed/abcdefghijk",
                "language": "nl",
                "copyrightHolder": "Bib Zuid",
            }
        ],
        birthdateRange={"from": "2018-01-01", "to": "2019-12-31"},
    )
    run(site_a.site, doc)
    soup = soup_of(site_a, page_of(doc))
    text = soup.get_text(" ", strip=True)
    for expected in (
        "09 555 12 12",
        "vertel@zuid.example",
        "Tante Lotte",
        "Ter plaatse en online",
        "geboren tussen 1 januari 2018 en 31 december 2019",
    ):
        assert expected in text
    assert soup.select_one('a[href="https://stream.example/vertel"]')
    assert soup.select_one('a[href="https://www.youtube.com/watch?v=abcdefghijk"]')
    assert not soup.find("iframe")
    assert not [tag for tag in soup.find_all("script", src=True) if "youtube" in tag["src"]]


def test_a_malformed_document_is_one_rejected_line_and_the_rest_imports(site_a):
    good = document()
    bad_date = document(
        calendarType="multiple",
        subEvent=[
            {"startDate": f"{day(3)}T10:00:00+01:00", "endDate": f"{day(3)}T12:00:00+01:00"},
            {"startDate": "2030-02-31T10:00:00+01:00"},
        ],
    )
    result = run(site_a.site, good, {"@id": "https://io.uitdatabank.be/events/kapot"}, bad_date)
    assert (result.created, result.rejected) == (2, 1)
    reasons = {item["id"]: item["reason"] for item in result.rejections}
    assert reasons["https://io.uitdatabank.be/events/kapot"] == "De naam ontbreekt."
    assert "Datum 2 overgeslagen" in reasons[bad_date["@id"]]
    assert page_of(bad_date).dates.count() == 1
    assert agenda_of(site_a.home).get_children().count() == 2


def test_the_intro_keeps_a_space_between_the_description_s_paragraphs():
    event = document_parse(
        document(
            description={
                "nl": "<p>Twintig jaar prentenboeken.</p><p>Met een doe-hoek.<br>En thee.</p>"
            }
        ),
        today=TODAY,
    )
    assert event.intro == "Twintig jaar prentenboeken. Met een doe-hoek. En thee."
