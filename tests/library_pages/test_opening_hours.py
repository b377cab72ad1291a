"""The opening-hours engine, its admin validation and its template, on in-memory stand-ins.

Dates used: 2026-03-01 is a Sunday, 2026-03-29 and 2026-10-25 are the DST Sundays in Brussels.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.admin.panels import get_form_for_model

from library_pages.forms import LocationPageForm
from library_pages.models import LocationPage
from library_pages.opening_hours import (
    DayHours,
    Span,
    day_hours,
    exception_validate,
    location_today,
    opening_hours_specification,
    opening_status,
    service_points,
    spans_validate,
    week_schedule,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def t(value: str) -> time:
    return time.fromisoformat(value)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@dataclass
class FakeSpan:
    weekday: int
    opens: time
    closes: time
    unstaffed: bool = False
    service_point: str = ""


@dataclass
class FakeException:
    start_date: date
    end_date: date | None = None
    closed: bool = True
    opens: time | None = None
    closes: time | None = None
    reason: str = ""


class Rows(list):
    """Answers ``.all()`` like a prefetched related manager."""

    def all(self):
        return list(self)


@dataclass
class FakeLocation:
    spans: list[FakeSpan] = field(default_factory=list)
    exceptions: list[FakeException] = field(default_factory=list)
    pk: int = 7
    title: str = "Bibliotheek Gent"
    unstaffed_info: str = ""

    @property
    def weekly_hours(self) -> Rows:
        return Rows(self.spans)

    @property
    def exceptional_hours(self) -> Rows:
        return Rows(self.exceptions)


def span(weekday: int, opens: str, closes: str, **kwargs) -> FakeSpan:
    return FakeSpan(weekday=weekday, opens=t(opens), closes=t(closes), **kwargs)


def library(*, exceptions: list[FakeException] | None = None) -> FakeLocation:
    """Tuesday to Saturday 10-18, staffed; unstaffed 18-22 on Tuesday to Friday."""
    spans = [span(day, "10:00", "18:00") for day in (TUE, WED, THU, FRI, SAT)]
    spans += [span(day, "18:00", "22:00", unstaffed=True) for day in (TUE, WED, THU, FRI)]
    return FakeLocation(spans=spans, exceptions=exceptions or [])


# Open now and the next opening ----------------------------------------------------------------


def test_open_now_until_closing_time():
    location = FakeLocation(spans=[span(TUE, "10:00", "18:00")])

    status = opening_status(location=location, now=at(2026, 3, 3, 12))

    assert status.is_open
    assert not status.unstaffed
    assert status.label == "Nu open tot 18:00"
    assert status.closes_at == at(2026, 3, 3, 18)
    assert status.opens_at is None
    assert status.state == "open"


def test_open_at_opening_minute_and_closed_at_closing_minute():
    location = FakeLocation(spans=[span(TUE, "10:00", "18:00")])

    assert opening_status(location=location, now=at(2026, 3, 3, 10)).is_open
    assert not opening_status(location=location, now=at(2026, 3, 3, 18)).is_open


def test_closed_names_the_weekday_of_the_next_opening():
    # Sunday evening; nothing on Monday.
    status = opening_status(location=library(), now=at(2026, 3, 1, 19))

    assert not status.is_open
    assert status.label == "Gesloten, opent dinsdag om 10:00"
    assert status.opens_at == at(2026, 3, 3, 10)
    assert status.closes_at is None
    assert status.state == "closed"


def test_closed_opens_later_today():
    location = FakeLocation(spans=[span(TUE, "10:00", "12:00"), span(TUE, "13:30", "18:00")])

    status = opening_status(location=location, now=at(2026, 3, 3, 12, 15))

    assert status.label == "Gesloten, opent vandaag om 13:30"
    assert status.opens_at == at(2026, 3, 3, 13, 30)


def test_closed_opens_tomorrow():
    status = opening_status(location=library(), now=at(2026, 3, 3, 22, 30))

    assert status.label == "Gesloten, opent morgen om 10:00"
    assert status.opens_at == at(2026, 3, 4, 10)


def test_opening_a_week_or_more_ahead_names_the_date():
    location = library(
        exceptions=[FakeException(date(2026, 3, 3), date(2026, 3, 9), reason="Verbouwing")]
    )

    status = opening_status(location=location, now=at(2026, 3, 2, 12))

    assert status.label == "Gesloten, opent dinsdag 10 maart om 10:00"
    assert status.opens_at == at(2026, 3, 10, 10)


def test_nothing_within_fourteen_days_is_just_closed():
    location = library(
        exceptions=[FakeException(date(2026, 3, 1), date(2026, 3, 31), reason="Verbouwing")]
    )

    status = opening_status(location=location, now=at(2026, 3, 2, 12))

    assert status.label == "Gesloten"
    assert status.opens_at is None
    assert status.reason == "Verbouwing"


def test_no_hours_at_all_is_closed():
    status = opening_status(location=FakeLocation(), now=at(2026, 3, 3, 12))

    assert not status.is_open
    assert status.label == "Gesloten"


def test_now_in_another_time_zone_is_read_in_brussels():
    location = FakeLocation(spans=[span(TUE, "10:00", "18:00")])

    # 09:30 UTC is 10:30 in Brussels in winter.
    status = opening_status(location=location, now=datetime(2026, 3, 3, 9, 30, tzinfo=UTC))

    assert status.label == "Nu open tot 18:00"
    assert status.now == at(2026, 3, 3, 10, 30)


def test_now_defaults_to_the_current_time(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 3, 16, 0, tzinfo=UTC))
    location = FakeLocation(spans=[span(TUE, "10:00", "18:00")])

    assert opening_status(location=location).label == "Nu open tot 18:00"
    assert not opening_status(location=location, now=at(2026, 3, 3, 19)).is_open


def test_open_every_hour_of_the_search_window_has_no_closing_time():
    # A span with closes == opens is invalid, so round the clock takes two spans a day.
    location = FakeLocation(
        spans=[span(day, "00:00", "12:00") for day in range(7)]
        + [span(day, "12:00", "00:00") for day in range(7)]
    )

    status = opening_status(location=location, now=at(2026, 3, 3, 12))

    assert status.is_open
    assert status.closes_at is None
    assert status.label == "Nu open"


# Staffed and unstaffed spans chaining -------------------------------------------------------
# Rule: closes_at and the time in the label are the end of the whole continuous open period;
# "onbemand" in the label tells the kind right now; changes_at says when the kind switches.


def test_unstaffed_after_staffed_hours():
    status = opening_status(location=library(), now=at(2026, 3, 3, 19))

    assert status.is_open
    assert status.unstaffed
    assert status.label == "Nu onbemand open tot 22:00"
    assert status.closes_at == at(2026, 3, 3, 22)
    assert status.changes_at is None
    assert status.state == "unstaffed"


def test_staffed_hours_chained_to_unstaffed_hours_report_the_end_of_the_period():
    status = opening_status(location=library(), now=at(2026, 3, 3, 12))

    assert not status.unstaffed
    assert status.label == "Nu open tot 22:00"
    assert status.closes_at == at(2026, 3, 3, 22)
    assert status.changes_at == at(2026, 3, 3, 18)


def test_unstaffed_morning_before_staffed_hours():
    location = FakeLocation(
        spans=[span(TUE, "08:00", "10:00", unstaffed=True), span(TUE, "10:00", "18:00")]
    )

    status = opening_status(location=location, now=at(2026, 3, 3, 9))

    assert status.label == "Nu onbemand open tot 18:00"
    assert status.changes_at == at(2026, 3, 3, 10)


def test_only_unstaffed_hours():
    location = FakeLocation(spans=[span(TUE, "08:00", "20:00", unstaffed=True)])

    assert opening_status(location=location, now=at(2026, 3, 3, 9)).label == (
        "Nu onbemand open tot 20:00"
    )


def test_staff_present_in_an_overlapping_span_wins():
    location = FakeLocation(
        spans=[span(TUE, "08:00", "20:00", unstaffed=True), span(TUE, "12:00", "14:00")]
    )

    status = opening_status(location=location, now=at(2026, 3, 3, 13))

    assert status.label == "Nu open tot 20:00"
    assert status.changes_at == at(2026, 3, 3, 14)


# Spans past midnight -------------------------------------------------------------------------


def test_span_past_midnight_is_open_the_next_morning():
    location = FakeLocation(spans=[span(FRI, "22:00", "02:00")])

    status = opening_status(location=location, now=at(2026, 3, 7, 1, 30))  # Saturday

    assert status.is_open
    assert status.label == "Nu open tot 02:00"
    assert status.closes_at == at(2026, 3, 7, 2)
    after = opening_status(location=location, now=at(2026, 3, 7, 2))
    assert not after.is_open
    assert after.label == "Gesloten, opent vrijdag om 22:00"
    assert after.opens_at == at(2026, 3, 13, 22)


def test_span_past_midnight_chains_into_the_next_day():
    location = FakeLocation(spans=[span(FRI, "18:00", "00:00"), span(SAT, "00:00", "03:00")])

    status = opening_status(location=location, now=at(2026, 3, 6, 20))

    assert status.closes_at == at(2026, 3, 7, 3)


def test_span_past_midnight_belongs_to_the_day_it_opens():
    location = FakeLocation(spans=[span(FRI, "22:00", "02:00")])

    assert day_hours(location=location, day=date(2026, 3, 6)).spans == [
        Span(opens=t("22:00"), closes=t("02:00"))
    ]
    assert day_hours(location=location, day=date(2026, 3, 7)).closed


# Daylight-saving time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "offset_hours"),
    [(date(2026, 3, 29), 2), (date(2026, 10, 25), 1)],
)
def test_dst_sunday_uses_local_wall_time(day, offset_hours):
    location = FakeLocation(spans=[span(SUN, "10:00", "18:00")])
    # 10:30 local, given as UTC to make sure the offset of that day is applied.
    now = datetime.combine(day, time(10, 30), tzinfo=UTC) - timedelta(hours=offset_hours)

    status = opening_status(location=location, now=now)

    assert status.label == "Nu open tot 18:00"
    assert status.closes_at.utcoffset() == timedelta(hours=offset_hours)
    assert status.closes_at == datetime.combine(day, time(18 - offset_hours), tzinfo=UTC)


def test_october_night_span_lasts_four_real_hours_including_the_repeated_hour():
    location = FakeLocation(spans=[span(SUN, "01:00", "04:00")])

    for utc_hour, utc_minute in [(23, 30), (0, 30), (1, 30), (2, 30)]:
        utc_day = 24 if utc_hour == 23 else 25
        now = datetime(2026, 10, utc_day, utc_hour, utc_minute, tzinfo=UTC)
        status = opening_status(location=location, now=now)
        assert status.is_open, now
        assert status.label == "Nu open tot 04:00"
        assert status.closes_at == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)
        assert status.closes_at.utcoffset() == timedelta(hours=1)

    before = opening_status(location=location, now=datetime(2026, 10, 24, 22, 30, tzinfo=UTC))
    assert before.label == "Gesloten, opent vandaag om 01:00"
    assert before.opens_at == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)


def test_october_night_span_past_midnight_closes_at_the_first_two_oclock():
    location = FakeLocation(spans=[span(SAT, "22:00", "02:00")])

    first_130 = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 01:30 CEST
    status = opening_status(location=location, now=first_130)
    assert status.label == "Nu open tot 02:00"
    # An ambiguous wall time never compares equal across time zones (PEP 495): compare in UTC.
    assert status.closes_at.astimezone(UTC) == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    assert status.closes_at.utcoffset() == timedelta(hours=2)

    second_230 = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, the repeated hour
    assert not opening_status(location=location, now=second_230).is_open


def test_march_night_span_past_midnight_closes_when_the_clock_jumps():
    location = FakeLocation(spans=[span(SAT, "22:00", "02:00")])

    status = opening_status(location=location, now=datetime(2026, 3, 29, 0, 30, tzinfo=UTC))

    # 02:00 CET does not exist on this night: it is the same instant as 03:00 CEST.
    assert status.is_open
    assert status.closes_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert status.label == "Nu open tot 03:00"


def test_march_night_nonexistent_wall_time_counts_as_after_the_jump():
    location = FakeLocation(spans=[span(SUN, "01:00", "04:00"), span(SAT, "22:00", "02:00")])

    # 02:30 does not exist on 2026-03-29; zoneinfo reads it as 03:30 CEST (01:30 UTC).
    status = opening_status(location=location, now=at(2026, 3, 29, 2, 30))

    assert status.is_open
    assert status.closes_at == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)
    assert status.label == "Nu open tot 04:00"


# Exceptions ----------------------------------------------------------------------------------


def test_closed_exception_closes_the_whole_day_and_keeps_the_reason():
    location = library(exceptions=[FakeException(date(2026, 12, 25), reason="Kerstmis")])

    hours = day_hours(location=location, day=date(2026, 12, 25))
    status = opening_status(location=location, now=at(2026, 12, 25, 12))

    assert hours == DayHours(
        date=date(2026, 12, 25), spans=[], closed=True, reason="Kerstmis", exceptional=True
    )
    assert not status.is_open
    assert status.reason == "Kerstmis"
    assert status.label == "Gesloten, opent morgen om 10:00"


def test_closed_period_closes_every_day_it_covers():
    location = library(
        exceptions=[FakeException(date(2026, 7, 20), date(2026, 7, 26), reason="Zomersluiting")]
    )

    schedule = week_schedule(location=location, start=date(2026, 7, 19), days=10)

    # Sunday and Monday are closed anyway; the period runs from Monday 20 to Sunday 26 July.
    assert [day.closed for day in schedule] == [True] * 9 + [False]
    assert [day.reason for day in schedule] == [""] + ["Zomersluiting"] * 7 + ["", ""]
    status = opening_status(location=location, now=at(2026, 7, 22, 12))
    assert status.label == "Gesloten, opent dinsdag om 10:00"
    assert status.opens_at == at(2026, 7, 28, 10)


def test_special_hours_replace_the_weekly_hours_and_are_staffed():
    location = library(
        exceptions=[
            FakeException(
                date(2026, 12, 24),
                closed=False,
                opens=t("10:00"),
                closes=t("14:00"),
                reason="Kerstavond",
            )
        ]
    )

    hours = day_hours(location=location, day=date(2026, 12, 24))
    assert hours.spans == [Span(opens=t("10:00"), closes=t("14:00"), unstaffed=False)]
    assert hours.reason == "Kerstavond"
    assert not hours.closed

    status = opening_status(location=location, now=at(2026, 12, 24, 12))
    assert status.label == "Nu open tot 14:00"
    assert status.reason == "Kerstavond"
    later = opening_status(location=location, now=at(2026, 12, 24, 19))
    assert later.label == "Gesloten, opent morgen om 10:00"


def test_special_hours_open_a_day_that_is_normally_closed():
    location = library(
        exceptions=[
            FakeException(
                date(2026, 3, 1),
                closed=False,
                opens=t("13:00"),
                closes=t("17:00"),
                reason="Erfgoeddag",
            )
        ]
    )

    status = opening_status(location=location, now=at(2026, 3, 1, 9))

    assert status.label == "Gesloten, opent vandaag om 13:00"


def test_the_most_specific_exception_wins():
    summer = FakeException(
        date(2026, 7, 1),
        date(2026, 8, 31),
        closed=False,
        opens=t("10:00"),
        closes=t("14:00"),
        reason="Zomeruren",
    )
    holiday = FakeException(date(2026, 7, 21), reason="Nationale feestdag")
    location = library(exceptions=[summer, holiday])

    assert day_hours(location=location, day=date(2026, 7, 21)).reason == "Nationale feestdag"
    assert day_hours(location=location, day=date(2026, 7, 21)).closed
    assert day_hours(location=location, day=date(2026, 7, 22)).spans == [
        Span(opens=t("10:00"), closes=t("14:00"))
    ]


# Service points ------------------------------------------------------------------------------


def makerspace_library() -> FakeLocation:
    location = library()
    location.spans += [
        span(WED, "13:00", "17:00", service_point="Makerspace"),
        span(SAT, "10:00", "12:00", service_point="Leescafé"),
        span(SAT, "14:00", "17:00", service_point="Makerspace"),
    ]
    return location


def test_service_points_are_distinct_in_order_of_appearance():
    assert service_points(location=makerspace_library()) == ["Makerspace", "Leescafé"]


def test_service_point_has_its_own_hours():
    location = makerspace_library()

    building = opening_status(location=location, now=at(2026, 3, 4, 11))
    point = opening_status(location=location, now=at(2026, 3, 4, 11), service_point="Makerspace")

    assert building.label == "Nu open tot 22:00"
    assert point.label == "Gesloten, opent vandaag om 13:00"
    assert [
        d.spans
        for d in week_schedule(
            location=location, start=date(2026, 3, 2), days=3, service_point="Makerspace"
        )
    ] == [[], [], [Span(opens=t("13:00"), closes=t("17:00"))]]


def test_exceptions_apply_to_service_points():
    location = makerspace_library()
    location.exceptions = [
        FakeException(date(2026, 3, 4), reason="Personeelsdag"),
        FakeException(
            date(2026, 3, 7),
            closed=False,
            opens=t("10:00"),
            closes=t("15:00"),
            reason="Boekenverkoop",
        ),
    ]

    closed = day_hours(location=location, day=date(2026, 3, 4), service_point="Makerspace")
    clipped = day_hours(location=location, day=date(2026, 3, 7), service_point="Makerspace")

    assert closed.closed
    assert closed.reason == "Personeelsdag"
    assert clipped.spans == [Span(opens=t("14:00"), closes=t("15:00"))]


def test_location_today_is_for_the_building():
    location = makerspace_library()

    result = location_today(location=location, now=at(2026, 3, 4, 19))

    assert result.location is location
    assert result.today.spans == [
        Span(opens=t("10:00"), closes=t("18:00")),
        Span(opens=t("18:00"), closes=t("22:00"), unstaffed=True),
    ]
    assert result.status.label == "Nu onbemand open tot 22:00"


# schema.org ----------------------------------------------------------------------------------


def test_opening_hours_specification():
    location = FakeLocation(
        spans=[
            span(TUE, "10:00", "18:00"),
            span(MON, "18:00", "22:00", unstaffed=True),
            span(FRI, "22:00", "02:00"),
            span(WED, "13:00", "17:00", service_point="Makerspace"),
        ],
        exceptions=[
            FakeException(date(2026, 2, 20), reason="Voorbij"),
            FakeException(date(2026, 3, 10), date(2026, 3, 12), reason="Verbouwing"),
            FakeException(
                date(2026, 4, 3),
                closed=False,
                opens=t("10:00"),
                closes=t("14:00"),
                reason="Paasmarkt",
            ),
            FakeException(date(2026, 6, 1), reason="Te ver weg"),
        ],
    )

    assert opening_hours_specification(location=location, today=date(2026, 3, 2)) == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "18:00",
            "closes": "22:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Tuesday",
            "opens": "10:00",
            "closes": "18:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Friday",
            "opens": "22:00",
            "closes": "02:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "opens": "00:00",
            "closes": "00:00",
            "validFrom": "2026-03-10",
            "validThrough": "2026-03-12",
        },
        {
            "@type": "OpeningHoursSpecification",
            "opens": "10:00",
            "closes": "14:00",
            "validFrom": "2026-04-03",
            "validThrough": "2026-04-03",
        },
    ]


# Validators ----------------------------------------------------------------------------------

OVERLAP = "Dit tijdvak overlapt met een ander tijdvak op dezelfde dag."
EQUAL = "Het sluitingsuur moet verschillen van het openingsuur."


def test_valid_spans_have_no_errors():
    spans = [
        span(TUE, "10:00", "18:00"),
        span(TUE, "18:00", "22:00", unstaffed=True),  # touching is chaining, not overlap
        span(TUE, "12:00", "16:00", service_point="Makerspace"),  # another service point
        span(WED, "10:00", "18:00"),
    ]

    assert spans_validate(spans=spans) == {}


def test_overlapping_spans_on_the_same_day_are_both_flagged():
    spans = [span(TUE, "10:00", "18:00"), span(WED, "10:00", "12:00"), span(TUE, "17:00", "20:00")]

    assert spans_validate(spans=spans) == {0: [OVERLAP], 2: [OVERLAP]}


def test_span_past_midnight_overlaps_the_next_morning():
    spans = [span(FRI, "22:00", "02:00"), span(SAT, "01:00", "05:00"), span(SAT, "02:00", "04:00")]

    errors = spans_validate(spans=spans)

    assert errors == {0: [OVERLAP], 1: [OVERLAP], 2: [OVERLAP]}


def test_sunday_night_overlaps_monday_morning():
    spans = [span(SUN, "23:00", "01:00"), span(MON, "00:30", "03:00")]

    assert spans_validate(spans=spans) == {0: [OVERLAP], 1: [OVERLAP]}


def test_equal_opening_and_closing_times():
    spans = [span(TUE, "10:00", "10:00"), span(TUE, "09:00", "18:00")]

    assert spans_validate(spans=spans) == {0: [EQUAL]}


def test_exception_validation_messages():
    assert exception_validate(exception=FakeException(date(2026, 3, 2), reason="x")) == {}
    assert exception_validate(
        exception=FakeException(date(2026, 3, 2), date(2026, 3, 1), reason="x")
    ) == {"end_date": ["De einddatum mag niet voor de begindatum liggen."]}
    assert exception_validate(
        exception=FakeException(date(2026, 3, 2), closed=False, reason="x")
    ) == {
        "opens": ["Vul een openingsuur in, of duid ‘gesloten’ aan."],
        "closes": ["Vul een sluitingsuur in, of duid ‘gesloten’ aan."],
    }
    assert exception_validate(
        exception=FakeException(
            date(2026, 3, 2), closed=False, opens=t("14:00"), closes=t("10:00"), reason="x"
        )
    ) == {"closes": ["Het sluitingsuur moet na het openingsuur liggen."]}


# Admin form ----------------------------------------------------------------------------------


def location_form(*, spans: list[dict], exceptions: list[dict]) -> LocationPageForm:
    form_class = get_form_for_model(
        LocationPage,
        form_class=LocationPageForm,
        **LocationPage.get_edit_handler().get_form_options(),
    )
    data = {
        "title": "Bibliotheek Gent",
        "slug": "gent",
        "street": "Kerkstraat 1",
        "postal_code": "9000",
        "city": "Gent",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }
    for prefix, rows in (("weekly_hours", spans), ("exceptional_hours", exceptions)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
            data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    return form_class(data, instance=LocationPage(), for_user=None)


# Model validation looks up the default locale, hence the database.
@pytest.mark.django_db
def test_location_form_attaches_dutch_errors_to_the_rows():
    form = location_form(
        spans=[
            {"weekday": "1", "opens": "10:00", "closes": "18:00"},
            {"weekday": "1", "opens": "17:00", "closes": "19:00"},
            {"weekday": "2", "opens": "10:00", "closes": "10:00"},
            {"weekday": "3", "opens": "09:00", "closes": "20:00", "DELETE": "on"},
            {"weekday": "3", "opens": "10:00", "closes": "18:00"},
        ],
        exceptions=[
            {"start_date": "2026-03-10", "end_date": "2026-03-09", "closed": "on", "reason": "x"},
            {"start_date": "2026-03-10", "opens": "14:00", "closes": "12:00", "reason": "y"},
        ],
    )

    assert not form.is_valid()
    weekly = form.formsets["weekly_hours"].forms
    assert weekly[0].non_field_errors() == [OVERLAP]
    assert weekly[1].non_field_errors() == [OVERLAP]
    assert weekly[2].errors == {"closes": [EQUAL]}
    assert weekly[3].errors == {}  # marked for deletion: not checked against row 4
    assert weekly[4].errors == {}
    exceptional = form.formsets["exceptional_hours"].forms
    assert exceptional[0].errors == {
        "end_date": ["De einddatum mag niet voor de begindatum liggen."]
    }
    assert exceptional[1].errors == {"closes": ["Het sluitingsuur moet na het openingsuur liggen."]}


@pytest.mark.django_db
def test_location_form_accepts_valid_hours():
    form = location_form(
        spans=[
            {"weekday": "1", "opens": "10:00", "closes": "18:00"},
            {"weekday": "1", "opens": "18:00", "closes": "22:00", "unstaffed": "on"},
        ],
        exceptions=[{"start_date": "2026-12-25", "closed": "on", "reason": "Kerstmis"}],
    )

    assert form.is_valid(), (form.errors, [f.errors for f in form.formsets["weekly_hours"]])


# Template ------------------------------------------------------------------------------------


def test_template_renders_an_accessible_table():
    location = makerspace_library()
    location.exceptions = [FakeException(date(2026, 3, 5), reason="Personeelsdag")]
    location.unstaffed_info = "Met je lidkaart."
    now = at(2026, 3, 4, 19)
    start = date(2026, 3, 2)

    html = render_to_string(
        "library_pages/components/opening_hours.html",
        {
            "location": location,
            "schedule": week_schedule(location=location, start=start),
            "status": opening_status(location=location, now=now),
            "service_point_schedules": [
                (name, week_schedule(location=location, start=start, service_point=name))
                for name in service_points(location=location)
            ],
        },
    )
    soup = BeautifulSoup(html, "html.parser")

    status = soup.select_one(".opening-status")
    assert "opening-status--unstaffed" in status["class"]
    assert status.select_one(".opening-status__label").get_text() == "Nu onbemand open tot 22:00"
    tables = soup.find_all("table")
    assert [table.caption.get_text(strip=True) for table in tables] == [
        "Openingsuren van Bibliotheek Gent",
        "Openingsuren van Makerspace",
        "Openingsuren van Leescafé",
    ]
    rows = tables[0].tbody.find_all("tr")
    assert [" ".join(row.th.get_text().split()) for row in rows] == [
        "maandag 2 maart",
        "dinsdag 3 maart",
        "woensdag 4 maart (vandaag)",
        "donderdag 5 maart",
        "vrijdag 6 maart",
        "zaterdag 7 maart",
        "zondag 8 maart",
    ]
    assert all(row.th["scope"] == "row" for row in rows)
    assert rows[2]["aria-current"] == "date"
    assert " ".join(rows[2].td.get_text().split()) == "10:00–18:00, 18:00–22:00 (onbemand)"
    assert " ".join(rows[3].td.get_text().split()) == "gesloten (Personeelsdag)"
    assert " ".join(rows[0].td.get_text().split()) == "gesloten"
    makerspace_rows = tables[1].tbody.find_all("tr")
    assert " ".join(makerspace_rows[2].td.get_text().split()) == "13:00–17:00"
    assert [h3.get_text() for h3 in soup.find_all("h3")] == ["Makerspace", "Leescafé"]
    assert soup.select_one(".opening-hours__unstaffed-info").get_text() == "Met je lidkaart."
    assert "style" not in html
    assert "<script" not in html
