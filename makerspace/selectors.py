"""Reads for makerspace pages: the upcoming courses of an index with validated filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from home.selectors import public_pages
from makerspace.forms import CourseFilterForm
from makerspace.models import CourseIndexPage, CoursePage, CourseSession, Machine
from registrations.selectors import Availability, offer_availability, offers_availability

PAGE_SIZE = 12


def _month_range(value: str) -> tuple[dt.datetime, dt.datetime]:
    year, month = (int(part) for part in value.split("-"))
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def courses_upcoming(
    *,
    index: CourseIndexPage,
    now: dt.datetime | None = None,
    machine: str = "",
    audience: str = "",
    month: str = "",
) -> QuerySet[CoursePage]:
    """Live courses of an index that have not ended, soonest first."""
    now = now or timezone.now()
    courses = (
        public_pages(CoursePage.objects.live())
        .child_of(index)
        .filter(Q(offer_ends_at__gte=now) | Q(offer_ends_at__isnull=True))
    )
    if machine:
        courses = courses.filter(machines__slug=machine)
    if audience:
        courses = courses.filter(audience=audience)
    if month:
        start, end = _month_range(month)
        courses = courses.filter(
            pk__in=CourseSession.objects.filter(starts_at__gte=start, starts_at__lt=end).values(
                "page_id"
            )
        )
    return (
        courses.select_related("location", "image")
        .prefetch_related(
            Prefetch("sessions", queryset=CourseSession.objects.order_by("starts_at")),
            "machines",
        )
        .order_by("offer_starts_at", "title")
        .distinct()
    )


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    availability: Availability
    sessions: list[Any]


def course_index_context(*, index: CourseIndexPage, request) -> dict[str, Any]:
    today = timezone.localdate()
    machines = list(Machine.objects.all())
    form = CourseFilterForm(request.GET or None, machines=machines, today=today)
    filters = {"machine": "", "audience": "", "month": ""}
    invalid = False
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = {
                "machine": data["machine"],
                "audience": data["doelgroep"],
                "month": data["maand"],
            }
        else:
            invalid = True
            # keep the filters that are valid
            valid = {
                name: request.GET.get(name, "") for name in form.fields if name not in form.errors
            }
            filters = {
                "machine": valid.get("machine", ""),
                "audience": valid.get("doelgroep", ""),
                "month": valid.get("maand", ""),
            }
    paginator = Paginator(courses_upcoming(index=index, **filters), PAGE_SIZE)
    page_number = request.GET.get("pagina", "1")
    page_obj = paginator.get_page(page_number if str(page_number).isdigit() else 1)
    courses = list(page_obj.object_list)
    availability = offers_availability(pages=courses)
    query = {
        key: value
        for key, value in (
            ("machine", filters["machine"]),
            ("doelgroep", filters["audience"]),
            ("maand", filters["month"]),
        )
        if value
    }
    return {
        "filter_form": form,
        "filter_invalid": invalid,
        "filters_active": bool(query),
        "courses": page_obj,
        "course_cards": [
            CourseCard(
                course=course,
                availability=availability[course.pk],
                sessions=list(course.sessions.all()),
            )
            for course in courses
        ],
        "extra_query": urlencode(query),
    }


def course_page_context(*, course: CoursePage) -> dict[str, Any]:
    sessions = sorted(course.sessions.all(), key=lambda s: s.starts_at)
    prerequisites = [
        link.course
        for link in course.prerequisite_links.select_related("course").all()
        if link.course.live
    ]
    return {
        "sessions": sessions,
        "machines": list(course.machines.all()),
        "prerequisites": prerequisites,
        "location_page": course.location if course.location_id and course.location.live else None,
    }


def course_availability(*, course: CoursePage) -> Availability:
    return offer_availability(page=course)
