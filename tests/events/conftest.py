import datetime as dt

import pytest

from events import selectors

# Wednesday 9 January 2030, 10:00 in Brussels
NOW = dt.datetime(2030, 1, 9, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(selectors, "_now", lambda: NOW)
    return NOW
