"""The access log: one JSON line per request, in the day's file, with who, what, from where, when."""

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from operations.access_log import DailyFileHandler, JsonFormatter


@pytest.fixture
def access_file(tmp_path: Path) -> Any:
    """The access logger writing to a temporary daily file, as configured in production."""
    handler = DailyFileHandler(str(tmp_path / "access.log"))
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("provenant.access")
    saved = logger.handlers[:]
    logger.handlers = [handler]
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    yield tmp_path / f"access.log.{day}"
    logger.handlers = saved
    handler.close()


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_it_logs_each_request_as_a_json_line(access_file: Path, mod: User, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    client.force_login(mod)
    client.get("/review/?secret=1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.1")
    Client().get("/healthz", REMOTE_ADDR="10.0.0.2")
    first, second = lines(access_file)
    assert set(first) == {"time", "user_id", "method", "path", "status", "ip", "duration_ms"}
    assert first["user_id"] == mod.pk and first["method"] == "GET" and first["path"] == "/review/"
    assert first["status"] == 200 and first["ip"] == "198.51.100.7"  # one trusted proxy
    assert first["time"].endswith("Z") and first["duration_ms"] >= 0
    assert "secret" not in access_file.read_text()  # no query strings
    assert second["user_id"] is None and second["ip"] == "10.0.0.2" and second["status"] == 200


@pytest.mark.django_db
def test_it_logs_refusals_and_errors_too(access_file: Path, oscar: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(oscar)
    client.get("/oversight/metrics/")
    Client().post("/healthz")
    statuses = [(line["path"], line["status"]) for line in lines(access_file)]
    assert statuses == [("/oversight/metrics/", 403), ("/healthz", 405)]


def test_each_day_has_its_own_file(tmp_path: Path) -> None:
    handler = DailyFileHandler(str(tmp_path / "access.log"))
    handler.setFormatter(JsonFormatter())
    for moment in ("2026-01-01T23:59:59+00:00", "2026-01-02T00:00:01+00:00"):
        record = logging.LogRecord("provenant.access", logging.INFO, "", 0, "request", None, None)
        record.created = datetime.fromisoformat(moment).timestamp()
        record.access = {"path": "/"}
        handler.emit(record)
    handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["access.log.2026-01-01", "access.log.2026-01-02"]
    assert json.loads((tmp_path / "access.log.2026-01-02").read_text()) == {
        "time": "2026-01-02T00:00:01.000Z",
        "path": "/",
    }
