"""The weekly expansion (a week at a time per weekday) gives exactly the days of the plain
definition: every day from the start (or yesterday) up to the end or horizon whose weekday is
listed and that is not excluded, at most MAX_OCCURRENCES_PER_ROW."""

import datetime as dt
import random
from types import SimpleNamespace

from events.models import Repeat
from events.recurrence import MAX_OCCURRENCES_PER_ROW, excluded_dates_parse, row_days

TODAY = dt.date(2030, 3, 20)


def plain_days(row, today, horizon_days):
    excluded = excluded_dates_parse(text=row.excluded_dates)
    weekdays = {int(item) for item in row.weekdays.split(",") if item.isdigit()}
    horizon = today + dt.timedelta(days=horizon_days)
    last = min(row.end_date or horizon, horizon)
    day, days = max(row.start_date, today - dt.timedelta(days=1)), []
    while day <= last and len(days) < MAX_OCCURRENCES_PER_ROW:
        if day.weekday() in weekdays and not any(a <= day <= b for a, b in excluded):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def test_weekly_days_match_the_day_by_day_definition():
    rng = random.Random(5)
    for _ in range(300):
        start = TODAY + dt.timedelta(days=rng.randrange(-500, 200))
        end = rng.choice([None, start + dt.timedelta(days=rng.randrange(0, 900))])
        weekdays = ",".join(str(d) for d in rng.sample(range(8), rng.randrange(0, 8)))
        hole = TODAY + dt.timedelta(days=rng.randrange(0, 300))
        excluded = rng.choice(["", f"{hole}", f"{hole}/{hole + dt.timedelta(days=20)}"])
        row = SimpleNamespace(
            repeat=Repeat.WEEKLY,
            start_date=start,
            end_date=end,
            weekdays=weekdays,
            excluded_dates=excluded,
        )
        horizon = rng.choice([400, 3000])
        got = row_days(row=row, today=TODAY, horizon_days=horizon)
        assert got == plain_days(row, TODAY, horizon), (start, end, weekdays, excluded)


def test_an_unknown_weekday_number_gives_no_days():
    row = SimpleNamespace(
        repeat=Repeat.WEEKLY, start_date=TODAY, end_date=None, weekdays="7,9", excluded_dates=""
    )
    assert row_days(row=row, today=TODAY) == []
