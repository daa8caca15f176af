"""Idempotency keys live IDEMPOTENCY_KEY_TTL_HOURS: replayed inside the window, a new request after
it, and purged by purge_idempotency_keys once expired."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.services import idempotency_store
from integrations.models import IdempotencyRecord, Integration
from integrations.services import idempotency_records_purge
from moderation.models import Submission
from tests.api.conftest import metadata, submit
from tests.concurrency import run_while_held


def age(record: IdempotencyRecord, hours: float) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_it_replays_the_stored_answer_inside_the_window(key: str, settings: Any) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    first = submit(key, HTTP_IDEMPOTENCY_KEY="k-1")
    age(IdempotencyRecord.objects.get(key="k-1"), 23)
    again = submit(key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert Submission.objects.count() == 1
    # Inside the window another request under the key is still refused.
    assert submit(key, metadata(external_id="article-2"), HTTP_IDEMPOTENCY_KEY="k-1").status_code == 422


def test_after_the_window_the_same_key_makes_a_new_submission(key: str, settings: Any) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    first = submit(key, HTTP_IDEMPOTENCY_KEY="k-1")
    old = IdempotencyRecord.objects.get(key="k-1")
    age(old, 25)
    # Not replayed: the same request is new, and the intake says the content exists.
    assert submit(key, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 409
    second = submit(key, metadata(external_id="article-2"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json()["id"] != first.json()["id"] and second.json()["external_id"] == "article-2"
    assert Submission.objects.count() == 2
    # The expired record gave way to the new answer, which is replayed from now on.
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.pk != old.pk and record.response["id"] == second.json()["id"]
    assert record.created_at > timezone.now() - timedelta(minutes=1)
    assert submit(key, metadata(external_id="article-2"), HTTP_IDEMPOTENCY_KEY="k-1").json() == second.json()
    assert Submission.objects.count() == 2


def test_the_window_follows_the_setting(key: str, settings: Any) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 48
    first = submit(key, HTTP_IDEMPOTENCY_KEY="k-1")
    age(IdempotencyRecord.objects.get(key="k-1"), 47)
    assert submit(key, HTTP_IDEMPOTENCY_KEY="k-1").json() == first.json()
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 1
    assert submit(key, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 409


def test_a_ttl_under_one_hour_is_refused() -> None:
    env = {**os.environ, "IDEMPOTENCY_KEY_TTL_HOURS": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "IDEMPOTENCY_KEY_TTL_HOURS must be at least 1" in result.stderr


def record(integration: Integration, key: str, hours: float) -> IdempotencyRecord:
    return IdempotencyRecord.objects.create(
        integration=integration,
        key=key,
        request_hash="h",
        status_code=202,
        response={"id": 1},
        created_at=timezone.now() - timedelta(hours=hours),
    )


def test_the_purge_deletes_only_expired_records(
    integration: Integration, other_integration: Integration, settings: Any, monkeypatch: Any
) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    monkeypatch.setattr("integrations.services.IDEMPOTENCY_PURGE_BATCH", 2)  # several batches
    expired = [record(integration, f"old-{n}", 24 + n) for n in range(1, 4)]
    expired.append(record(other_integration, "old", 100))
    kept = [record(integration, "fresh", 1), record(integration, "almost", 23.9)]
    assert idempotency_records_purge() == 4
    assert set(IdempotencyRecord.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    assert idempotency_records_purge() == 0


def test_the_purge_command(integration: Integration, settings: Any) -> None:
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    record(integration, "old", 30)
    fresh = record(integration, "fresh", 2)
    out = StringIO()
    call_command("purge_idempotency_keys", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 idempotency record(s) older than 24 hours."
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_scheduled_job_purges(integration: Integration, settings: Any) -> None:
    from config.scheduled import purge_idempotency_keys

    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    record(integration, "old", 30)
    assert purge_idempotency_keys() == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_reusing_an_expired_key_at_once_get_one_answer(
    postgres: None, integration: Integration, settings: Any
) -> None:
    """A stores its answer over the expired record and holds its transaction open; B, which also
    found the key expired, waits on the row A deleted, then loses on the unique constraint and
    answers with A's answer. One record stays, A's."""
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    record(integration, "k-1", 30)
    answers: dict[str, Any] = {}

    def store(name: str, body: dict[str, Any]) -> Any:
        return idempotency_store(
            integration=integration, key="k-1", fingerprint="same", status_code=202, body=body, location=name
        )

    # B is blocked on A's lock (not merely slow) before A commits.
    assert run_while_held(
        lambda: answers.update(a=store("a", {"id": "a"})), lambda: answers.update(b=store("b", {"id": "b"}))
    )
    assert answers["a"].body == {"id": "a"} and answers["b"].body == {"id": "a"}
    assert answers["b"].location == "a"
    assert list(IdempotencyRecord.objects.values_list("location", flat=True)) == ["a"]
