"""The page cache is off in the test settings (other areas render every request); these
tests turn it on, with the local memory cache that the session's autouse fixture clears."""

import pytest

from pagecache import keys


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGECACHE_ENABLED = True
    keys.forget_hosts()
    yield
    keys.forget_hosts()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a change enqueues on commit (the purges) as the real commit would."""

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return run
