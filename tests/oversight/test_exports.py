"""CSV exports: decisions with reasons and statements, audit events; streamed without loading the rows."""

import csv
import io
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import Decision
from oversight.exports import DECISION_HEADER, csv_lines, decision_rows
from tests.oversight.conftest import decide, make_item

URL = "/oversight/exports/decisions.csv"
AUDIT_URL = "/oversight/exports/audit-events.csv"


def read(response: object) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_it_exports_the_decisions_of_a_range(senior_client: Client, alice: User, mod: User) -> None:
    now = timezone.now()
    inside = make_item(alice, submitted_at=now - timedelta(days=3))
    rejected = decide(inside, mod, "rejected", now - timedelta(days=2), reason="unlabelled-ai")
    Decision.objects.filter(pk=rejected.pk).update(explanation='=HYPERLINK("http://evil")')
    outside = make_item(alice, submitted_at=now - timedelta(days=30))
    decide(outside, mod, "approved", now - timedelta(days=20))
    today = timezone.localdate()
    response = senior_client.get(
        URL, {"start": (today - timedelta(days=7)).isoformat(), "end": today.isoformat()}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read(response)
    assert [int(r["decision_id"]) for r in rows] == [rejected.pk]
    row = rows[0]
    assert (
        row["outcome"] == "rejected" and row["moderator"] == "mod" and row["reason_code"] == "unlabelled-ai"
    )
    assert row["statement_restriction"] == "The content will not be published."
    assert row["tdb_decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert row["explanation"].startswith("'=")  # a spreadsheet will not run it
    assert AuditEvent.objects.filter(action="oversight.exported", actor_label="senior").count() == 1


def test_the_audit_export_is_for_admins(ada_client: Client, senior_client: Client, alice: User) -> None:
    response = ada_client.get(AUDIT_URL)
    assert response.status_code == 200
    rows = read(response)
    assert rows and {"chain", "seq", "action", "hash", "prev_hash"} <= set(rows[0])
    assert senior_client.get(AUDIT_URL).status_code == 403


@pytest.mark.parametrize("url", [URL, AUDIT_URL])
def test_the_exports_need_login_the_right_role_and_get(
    url: str,
    client: Client,
    mod_client: Client,
    alice_client: Client,
    oscar_client: Client,
    ada_client: Client,
) -> None:
    assert client.get(url).status_code == 302
    for refused in (mod_client, alice_client, oscar_client):
        assert refused.get(url).status_code == 403
    assert ada_client.post(url).status_code == 405
    assert ada_client.get(url, {"start": "2026-05-01", "end": "2026-04-01"}).status_code == 400


def _insert_decisions(count: int, alice: User, mod: User) -> None:
    """Many decisions on one submission, fast: the export reads decisions, not submissions."""
    item = make_item(alice, submitted_at=timezone.now() - timedelta(days=2))
    now = timezone.now()
    Decision.objects.bulk_create(
        [
            Decision(
                submission=item,
                revision=item.current_revision,
                moderator=mod,
                outcome="rejected",
                explanation="x" * 200,
                statement={"facts": "y" * 300, "tdb": {"content_type": ["A"]}},
                from_queue="review",
                created_at=now - timedelta(seconds=n),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def _peak_while_streaming(count: int) -> int:
    today = timezone.localdate()
    lines = csv_lines(DECISION_HEADER, decision_rows(today - timedelta(days=1), today))
    tracemalloc.start()
    tracemalloc.reset_peak()
    seen = sum(1 for _line in lines)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == count + 1
    return peak


def test_the_export_is_lazy_and_its_memory_does_not_grow_with_the_rows(alice: User, mod: User) -> None:
    """Nothing is read until the first line is asked for, then chunk by chunk: streaming 24,000 rows
    peaks at about the memory 3,000 take. (A million rows: see bench/queue.py, which streams a
    month of a million-submission database; inserting a million here would take minutes.)"""
    _insert_decisions(3000, alice, mod)
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        lines = csv_lines(DECISION_HEADER, decision_rows(today - timedelta(days=1), today))
        assert len(captured.captured_queries) == 0  # building the generator reads nothing
        next(lines)  # the header
        assert len(captured.captured_queries) == 0
        next(lines)  # the first row: one chunk read
        assert len(captured.captured_queries) <= 2
    small = _peak_while_streaming(3000)
    _insert_decisions(21000, alice, mod)
    large = _peak_while_streaming(24000)
    assert large < small * 1.5 + 512 * 1024, (small, large)
