"""The recurrence editor: rules in words, composed in Python, read back, summarised in Dutch;
and the publish requirements of an event (a place and a date)."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.forms import modelform_factory

from events.forms import EventDateForm, RecurrenceField
from events.models import EventDate, EventPage, Repeat
from events.recurrence import (
    RecurrenceError,
    RuleKind,
    RuleParts,
    rule_compose,
    rule_decompose,
    rule_describe,
)
from events.selectors import event_series_summary
from tests.conftest import admin_client_for
from tests.events.test_admin import _form_data
from tests.factories.events import EventPageFactory, agenda_of, event_date


@pytest.mark.parametrize(
    ("parts", "rule", "words"),
    [
        (
            RuleParts(kind=RuleKind.MONTHLY, position=1, month_weekday=5),
            "FREQ=MONTHLY;BYDAY=1SA",
            "elke eerste zaterdag van de maand",
        ),
        (
            RuleParts(kind=RuleKind.WEEKLY, weekdays=(3, 1)),
            "FREQ=WEEKLY;BYDAY=TU,TH",
            "elke week op dinsdag en donderdag",
        ),
        (
            RuleParts(kind=RuleKind.DAILY, except_weekdays=(0,)),
            "FREQ=DAILY;BYDAY=TU,WE,TH,FR,SA,SU",
            "elke dag behalve maandag",
        ),
        (RuleParts(kind=RuleKind.DAILY), "FREQ=DAILY", "elke dag"),
        (
            RuleParts(kind=RuleKind.WEEKLY, interval=2, weekdays=(0, 2, 4)),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR",
            "om de 2 weken op maandag, woensdag en vrijdag",
        ),
        (
            RuleParts(kind=RuleKind.MONTHLY, position=-1, month_weekday=4),
            "FREQ=MONTHLY;BYDAY=-1FR",
            "elke laatste vrijdag van de maand",
        ),
    ],
)
def test_rules_are_composed_read_back_and_said_in_dutch(parts, rule, words):
    assert rule_compose(parts=parts) == rule
    back = rule_decompose(rule=rule)
    assert rule_compose(parts=back) == rule
    assert rule_describe(rule=rule) == words


def test_a_rule_the_kinds_cannot_say_stays_the_editors_own():
    parts = rule_decompose(rule="RRULE:FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4")
    assert parts.kind == RuleKind.CUSTOM
    assert parts.raw == "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4"
    assert rule_decompose(rule="FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1").position == 1
    assert rule_decompose(rule="").kind == ""
    assert "FREQ=YEARLY" in rule_describe(rule="FREQ=YEARLY;BYMONTH=7")


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (RuleParts(kind=RuleKind.WEEKLY), "Kies minstens één dag van de week."),
        (RuleParts(kind=RuleKind.MONTHLY, position=1), "Kies welke dag van de maand"),
        (RuleParts(kind=RuleKind.DAILY, except_weekdays=tuple(range(7))), "laat minstens"),
        (RuleParts(kind=RuleKind.WEEKLY, interval=0, weekdays=(1,)), "tussenafstand"),
    ],
)
def test_incomplete_choices_are_refused_in_dutch(parts, message):
    with pytest.raises(RecurrenceError, match=message):
        rule_compose(parts=parts)


def test_the_field_composes_the_posted_parts_and_refuses_bad_ones():
    field = RecurrenceField()
    assert field.clean(["maandelijks", "", [], [], "2", "6", ""]) == "FREQ=MONTHLY;BYDAY=2SU"
    assert field.clean(["", "", [], [], "", "", "freq=weekly;byday=we"]) == "FREQ=WEEKLY;BYDAY=WE"
    with pytest.raises(Exception, match="Kies minstens één dag"):
        field.clean(["wekelijks", "1", [], [], "", "", ""])
    with pytest.raises(Exception, match="begrijpen we niet"):
        field.clean(["eigen", "", [], [], "", "", "ELKE WOENSDAG"])


def test_a_one_off_row_ignores_a_half_filled_editor():
    form_class = modelform_factory(
        EventDate,
        form=EventDateForm,
        fields=["repeat", "start_date", "rule", "status", "booking_availability"],
    )
    data = {
        "repeat": Repeat.ONCE,
        "start_date": "2030-01-02",
        "rule_soort": "wekelijks",
        "status": "gepland",
        "booking_availability": "beschikbaar",
    }
    form = form_class(data=data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rule"] == ""
    form = form_class(data={**data, "repeat": Repeat.RULE})
    assert form.errors["rule"] == ["Kies minstens één dag van de week."]


def _date_row(**fields) -> dict:
    """The first date row of the event form, its fields named as the formset posts them."""
    return {f"dates-0-{name}": value for name, value in fields.items()}


def _post_new_event(user, site, **extra):
    """Posts the add-event form of the site's agenda as `user`, filled in with a place, one date
    row and "publish", overridden by `extra` (None drops a field). Returns the client, url, data
    and response."""
    client = admin_client_for(user)
    url = f"/admin/pages/add/events/eventpage/{agenda_of(site.home).pk}/"
    data = _form_data(client.get(url).content)
    data.update(
        {
            "title": "Repair café",
            "slug": "repair-cafe",
            "dates-TOTAL_FORMS": "1",
            "dates-0-status": "gepland",
            "dates-0-booking_availability": "beschikbaar",
            "dates-0-ORDER": "1",
            "street": "Kouter 1",
            "city": "Gent",
            "action-publish": "action-publish",
            **extra,
        }
    )
    data = {name: value for name, value in data.items() if value is not None}
    return client, url, data, client.post(url, data)


def test_editor_publishes_every_first_saturday_of_the_month(site_a):
    start = dt.date.today() + dt.timedelta(days=1)
    end = start + dt.timedelta(days=120)
    row = _date_row(
        repeat="regel",
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        start_time="10:00",
        end_time="12:00",
        rule_soort="maandelijks",
        rule_interval="1",
        rule_positie="1",
        rule_weekdag="5",
        rule="",
    )
    client, _url, _data, response = _post_new_event(site_a.moderator, site_a, **row)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = EventPage.objects.get(slug="repair-cafe")
    assert page.live
    assert page.dates.get().rule == "FREQ=MONTHLY;BYDAY=1SA"
    expected = [
        start + dt.timedelta(days=offset)
        for offset in range(121)
        if (start + dt.timedelta(days=offset)).weekday() == 5
        and (start + dt.timedelta(days=offset)).day <= 7
    ]
    days = [
        o.start.astimezone(dt.timezone(dt.timedelta(hours=1))).date()
        for o in page.occurrences.order_by("start")
    ]
    assert days == expected
    assert event_series_summary(event=page)[0].startswith(
        "elke eerste zaterdag van de maand, 10:00–12:00"
    )

    # The edit form reads the rule back into the editor's parts, with the summary in words.
    soup = BeautifulSoup(client.get(f"/admin/pages/{page.pk}/edit/").content, "html.parser")
    kind = soup.select_one('select[name="dates-0-rule_soort"] option[selected]')
    assert kind["value"] == "maandelijks"
    assert soup.select_one('select[name="dates-0-rule_positie"] option[selected]')["value"] == "1"
    assert soup.select_one('select[name="dates-0-rule_weekdag"] option[selected]')["value"] == "5"
    summary = soup.select_one("[data-recurrence-summary]").get_text(" ", strip=True)
    assert "elke eerste zaterdag van de maand" in summary
    scripts = [tag["src"] for tag in soup.select("script[src]")]
    assert any(src.endswith("js/admin/recurrence.js") for src in scripts)


def test_editor_publishes_every_day_of_a_period_except_monday(site_a):
    start = dt.date.today() + dt.timedelta(days=30)
    end = start + dt.timedelta(days=13)
    row = _date_row(
        repeat="regel",
        start_date=start.isoformat(),
        end_date=end.isoformat(),
        rule_soort="dagelijks",
        rule_interval="1",
        rule_behalve=["0"],
    )
    *_, response = _post_new_event(site_a.moderator, site_a, **row)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = EventPage.objects.get(slug="repair-cafe")
    assert page.dates.get().rule == "FREQ=DAILY;BYDAY=TU,WE,TH,FR,SA,SU"
    # 14 days, two of them Mondays (days beyond the daily window are stored as runs)
    assert sum(page.occurrences.values_list("sessions", flat=True)) == 12


def test_a_weekly_rule_without_days_gets_a_dutch_error(site_a):
    row = _date_row(
        repeat="regel", start_date="2030-01-02", rule_soort="wekelijks", rule_interval="1"
    )
    *_, response = _post_new_event(site_a.moderator, site_a, **row)
    assert response.status_code == 200
    assert "Kies minstens één dag van de week." in response.content.decode()
    assert not EventPage.objects.filter(slug="repair-cafe").exists()


def test_an_event_is_not_published_without_a_place(site_a):
    row = _date_row(repeat="eenmalig", start_date="2030-01-02")
    client, url, data, response = _post_new_event(site_a.moderator, site_a, street="", **row)
    assert response.status_code == 200
    assert "Waar gaat het door?" in response.content.decode()
    assert not EventPage.objects.filter(slug="repair-cafe").exists()

    # A draft may still be incomplete.
    del data["action-publish"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert not EventPage.objects.get(slug="repair-cafe").live


def test_an_event_is_not_published_without_a_date(site_a):
    *_, response = _post_new_event(site_a.moderator, site_a, **{"dates-TOTAL_FORMS": "0"})
    assert response.status_code == 200
    assert "Geef minstens één datum" in response.content.decode()
    assert not EventPage.objects.filter(slug="repair-cafe").exists()


def test_an_editor_submitting_for_moderation_meets_the_same_rule(site_a):
    *_, response = _post_new_event(
        site_a.editor,
        site_a,
        city="",
        **{"dates-TOTAL_FORMS": "0", "action-publish": None, "action-submit": "action-submit"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Waar gaat het door?" in content and "Geef minstens één datum" in content


def test_series_summary_says_weekly_and_rule_rows_in_words(site_a):
    start = dt.date.today() + dt.timedelta(days=3)
    page = EventPageFactory(
        parent=agenda_of(site_a.home),
        dates=[
            event_date(
                start,
                repeat=Repeat.RULE,
                rule="FREQ=WEEKLY;BYDAY=TU,TH",
                end_date=start + dt.timedelta(days=60),
            )
        ],
    )
    lines = event_series_summary(event=page)
    assert lines[0].startswith("elke week op dinsdag en donderdag, 14:00–16:00")
