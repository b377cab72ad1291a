from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MakerspaceConfig(AppConfig):
    name = "makerspace"
    verbose_name = _("Makerspace")

    def ready(self) -> None:
        from home.wiring import provide
        from makerspace.models import CourseIndexPage, CoursePage
        from makerspace.selectors import course_index_context, course_page_context

        provide(CourseIndexPage, context_builder=course_index_context)
        provide(CoursePage, context_builder=course_page_context)
