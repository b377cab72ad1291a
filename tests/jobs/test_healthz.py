"""/healthz: no login, no site, no HTTPS redirect; 200 when the database (and Redis, when
configured) answer, 503 when not."""

import pytest
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(REDIS_URL="")
def test_healthy_on_any_host_without_login(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert response["Cache-Control"] == "no-store"


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["beheer.example.be"])
def test_not_redirected_nor_refused_in_production_settings(client):
    response = client.get("/healthz/", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200


def test_database_down_gives_503(client, monkeypatch):
    def broken(self, sql, params=None):
        raise OSError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_redis_down_gives_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")
