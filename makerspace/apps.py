from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MakerspaceConfig(AppConfig):
    name = "makerspace"
    verbose_name = _("Makerspace")

    def ready(self) -> None:
        from makerspace.models import CourseIndexPage, CoursePage
        from makerspace.selectors import course_index_context, course_page_context

        CourseIndexPage.context_builder = staticmethod(course_index_context)
        CoursePage.context_builder = staticmethod(course_page_context)
