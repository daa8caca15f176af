"""CSV exports streamed from the database: decisions (with reasons and statements of reasons) and
audit events, for a date range.

Rows are read with QuerySet.iterator(chunk_size=EXPORT_CHUNK) (a server-side cursor on PostgreSQL)
and written one at a time through a StreamingHttpResponse, so memory stays flat whatever the
number of rows. Cells that a spreadsheet would read as a formula are prefixed with a quote."""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, cast

from audit.models import AuditEvent
from moderation.models import Decision
from oversight.metrics.days import day_bounds

EXPORT_CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


STATEMENT_KEYS = [
    "restriction",
    "territorial_scope",
    "duration",
    "facts",
    "source",
    "automated_detection",
    "automated_decision",
    "ground",
    "explanation",
    "redress",
]
DECISION_HEADER = [
    "decision_id",
    "decided_at",
    "submission_id",
    "revision",
    "queue",
    "outcome",
    "moderator",
    "bulk",
    "reason_code",
    "reason_title",
    "reason_ground",
    "explanation",
    "override_reason",
    *[f"statement_{key}" for key in STATEMENT_KEYS],
    "tdb_decision_ground",
    "tdb_decision_visibility",
    "tdb_content_type",
    "tdb_automated_detection",
    "tdb_status",
    "tdb_uuid",
]


def decision_rows(start: date, end: date) -> Iterator[list[Any]]:
    """Decisions made from the start of `start` to the end of `end` (local days), oldest first."""
    decisions = (
        Decision.objects.filter(created_at__gte=day_bounds(start)[0], created_at__lt=day_bounds(end)[1])
        .order_by("created_at", "id")
        .values_list(
            "id",
            "created_at",
            "submission_id",
            "revision__number",
            "from_queue",
            "outcome",
            "moderator__username",
            "bulk",
            "reason__code",
            "reason__title",
            "reason__ground",
            "explanation",
            "override_reason",
            "statement",
            "tdb_submission__status",
            "tdb_submission__tdb_uuid",
        )
    )
    for row in decisions.iterator(chunk_size=EXPORT_CHUNK):
        *fields, statement, tdb_status, tdb_uuid = cast(tuple[Any, ...], row)
        statement = statement or {}
        tdb = statement.get("tdb") or {}
        fields[1] = fields[1].isoformat()
        yield [
            *fields,
            *[statement.get(key, "") for key in STATEMENT_KEYS],
            tdb.get("decision_ground", ""),
            " ".join(tdb.get("decision_visibility") or []),
            " ".join(tdb.get("content_type") or []),
            tdb.get("automated_detection", ""),
            tdb_status or "",
            tdb_uuid or "",
        ]


AUDIT_HEADER = [
    "id",
    "chain",
    "seq",
    "time",
    "actor",
    "action",
    "target_type",
    "target_id",
    "details",
    "ip",
    "prev_hash",
    "hash",
]


def audit_rows(start: date, end: date) -> Iterator[list[Any]]:
    events = (
        AuditEvent.objects.filter(created_at__gte=day_bounds(start)[0], created_at__lt=day_bounds(end)[1])
        .order_by("created_at", "id")
        .values_list(
            "id",
            "chain",
            "seq",
            "created_at",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "details",
            "ip",
            "prev_hash",
            "hash",
        )
    )
    for row in events.iterator(chunk_size=EXPORT_CHUNK):
        fields: list[Any] = list(row)
        fields[3] = fields[3].isoformat()
        fields[8] = json.dumps(fields[8], ensure_ascii=False, sort_keys=True)
        fields[9] = fields[9] or ""
        yield fields
