"""Makerspace factories: a course index in a site and courses with dated sessions."""

import datetime as dt

import factory
from django.utils import timezone

from makerspace.models import CourseIndexPage, CoursePage, CourseSession, Machine
from tests.factories.pages import PageFactory


class CourseIndexPageFactory(PageFactory):
    title = "Makerspace"
    slug = factory.Sequence(lambda n: f"makerspace-{n}")
    intro = "Leer werken met de machines van onze makerspace."

    class Meta:
        model = CourseIndexPage


def session_times(*, days_ahead: float = 10, hours: int = 3, count: int = 1, gap_days: int = 7):
    """(start, end) pairs of `count` sessions, the first `days_ahead` days from now."""
    first = (timezone.now() + dt.timedelta(days=days_ahead)).replace(microsecond=0)
    return [
        (
            first + dt.timedelta(days=gap_days * i),
            first + dt.timedelta(days=gap_days * i, hours=hours),
        )
        for i in range(count)
    ]


class CoursePageFactory(PageFactory):
    """`sessions=[(start, end, title), ...]` or `days_ahead=` for one session."""

    title = factory.Sequence(lambda n: f"Cursus {n}")
    slug = factory.Sequence(lambda n: f"cursus-{n}")
    intro = "Een praktische cursus in de makerspace."
    capacity = 10
    waitlist_enabled = True
    max_places_per_registration = 1
    location_text = "Makerspace, eerste verdieping"

    class Meta:
        model = CoursePage

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        parent,
        publish=True,
        sessions=None,
        days_ahead=10,
        machines=(),
        **kwargs,
    ):
        if sessions is None:
            sessions = [(start, end, "") for start, end in session_times(days_ahead=days_ahead)]
        page = model_class(*args, **kwargs)
        page.sessions = [
            CourseSession(starts_at=start, ends_at=end, title=title)
            for start, end, title in sessions
        ]
        if machines:
            page.machines = list(Machine.objects.filter(slug__in=machines))
        parent.add_child(instance=page)
        if publish:
            page.save_revision().publish()
        return page
