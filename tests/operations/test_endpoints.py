"""/healthz, /readyz and /metrics: public for the load balancer and Prometheus, exact names."""

from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from tests.oversight.conftest import make_item

TOKEN = "prometheus-secret-token"


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No database access is allowed in this test: any query would raise.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_checks_the_database_and_redis(client: Client, settings: Any, redis_url: str) -> None:
    settings.REDIS_URL = redis_url
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}

    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["redis"].startswith("error")

    settings.REDIS_URL = redis_url
    with mock.patch("operations.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "error: DatabaseError", "redis": "ok"}


@pytest.mark.django_db
def test_metrics_is_404_without_a_configured_token(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.django_db
def test_metrics_wants_the_token(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401


def test_metrics_tells_prometheus_about_requests_queues_checks_and_rq(
    client: Client, settings: Any, alice: User, rq_connection: Any
) -> None:
    import django_rq

    settings.METRICS_TOKEN = TOKEN
    make_item(alice, submitted_at=timezone.now())
    django_rq.get_queue("default").enqueue("builtins.print", "x")
    client.get("/healthz")
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'provenant_queue_items{queue="review"} 1.0' in text
    assert 'provenant_queue_sla_breached_items{queue="review"} 0.0' in text
    assert "provenant_check_runs_errors_last_hour 0.0" in text
    assert 'provenant_tdb_statements{status="pending"} 0.0' in text
    assert 'provenant_rq_queue_jobs{queue="default"} 1.0' in text
    assert 'provenant_rq_workers{queue="checks"} 0.0' in text
    assert "provenant_rq_up 1.0" in text
    assert 'provenant_http_requests_total{method="GET",status="2xx"}' in text
    assert "provenant_http_request_duration_seconds_bucket" in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/healthz", "/readyz", "/metrics"])
def test_the_endpoints_refuse_post(client: Client, url: str, settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


@pytest.mark.django_db
def test_the_endpoints_are_not_redirected_to_https(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
