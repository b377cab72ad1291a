"""Fixtures of the registration tests: a course with sessions in a provisioned site."""

import pytest

from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory


@pytest.fixture
def course_index(site_a):
    return CourseIndexPageFactory(parent=site_a.home)


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index, title="3D-printen voor beginners", capacity=10)


@pytest.fixture
def mail_on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the e-mail tasks) in tests wrapped in a transaction."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run
