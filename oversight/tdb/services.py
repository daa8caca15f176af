"""Sending statements of reasons to the EU Transparency Database (DSA Art. 24(5), R37).

`statements_queue` (every few minutes) gives each new statement a StatementSubmission row and, when
some are due, enqueues the sending job. `statements_send` claims due rows a batch at a time, builds
and validates each payload (an invalid one is never sent), posts the valid ones in one call, and
records what came back on each row. Failures that may pass (network, 429, 5xx, a bad token) wait
with exponential backoff and are tried again until TDB_MAX_ATTEMPTS; refusals are kept with the
database's errors. A PUID the database already holds counts as sent. Account restrictions,
suspensions and closures go the same way as decisions on content (oversight.tdb.payload).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Sanction
from moderation.models import Decision, DecisionOutcome
from oversight.models import StatementSubmission
from oversight.tdb.client import post_statements
from oversight.tdb.payload import (
    ACCOUNT_DECISIONS,
    NotForDatabase,
    contexts_for,
    puid_for,
    sanction_contexts_for,
    sanction_payload,
    sanction_puid_for,
    statement_payload,
)
from oversight.tdb.validation import validate_statement

logger = logging.getLogger(__name__)
Status = StatementSubmission.Status
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


def tdb_enabled() -> bool:
    return bool(settings.TDB_API_BASE_URL and settings.TDB_API_TOKEN)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to six hours."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def due(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_expires_at__lt=now
    )


def statements_queue(*, now: datetime | None = None) -> int:
    """Log every statement of reasons not yet logged; enqueue the sender if any row is due.
    Returns how many rows were created."""
    if not tdb_enabled():
        return 0
    now = now or timezone.now()
    new = (
        Decision.objects.filter(
            outcome__in=[DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED],
            tdb_submission__isnull=True,
        )
        .exclude(statement={})
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    created = 0
    while True:
        ids = list(new[:5000])
        StatementSubmission.objects.bulk_create(
            [StatementSubmission(decision_id=pk, puid=puid_for(pk), next_attempt_at=now) for pk in ids],
            ignore_conflicts=True,
        )
        created += len(ids)
        if len(ids) < 5000:
            break
    # Account restrictions, suspensions and closures (Art. 24(5) covers decisions on accounts).
    sanctions = (
        Sanction.objects.filter(kind__in=list(ACCOUNT_DECISIONS), tdb_submission__isnull=True)
        .exclude(statement={})
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    while True:
        ids = list(sanctions[:5000])
        StatementSubmission.objects.bulk_create(
            [
                StatementSubmission(sanction_id=pk, puid=sanction_puid_for(pk), next_attempt_at=now)
                for pk in ids
            ],
            ignore_conflicts=True,
        )
        created += len(ids)
        if len(ids) < 5000:
            break
    if StatementSubmission.objects.filter(due(now)).exists():
        from oversight import jobs

        transaction.on_commit(jobs.enqueue_send_statements)
    return created


@dataclass
class SendReport:
    sent: int = 0
    invalid: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    calls: int = 0
    statuses: list[int | None] = field(default_factory=list)

    def add(self, other: "SendReport") -> None:
        for name in ("sent", "invalid", "skipped", "retrying", "failed", "calls"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.statuses += other.statuses


def _claim(now: datetime, limit: int) -> list[StatementSubmission]:
    with transaction.atomic():
        candidates = StatementSubmission.objects.filter(due(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        StatementSubmission.objects.filter(pk__in=ids).filter(due(now)).update(
            status=Status.SENDING,
            lease_expires_at=now + LEASE,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
    return list(
        StatementSubmission.objects.filter(pk__in=ids, status=Status.SENDING).select_related(
            "decision__submission", "decision__revision", "decision__reason", "sanction"
        )
    )


def statements_send_batch(*, now: datetime | None = None) -> SendReport:
    """Claim up to TDB_BATCH_SIZE due rows and send them in one call."""
    now = now or timezone.now()
    report = SendReport()
    rows = _claim(now, settings.TDB_BATCH_SIZE)
    if not rows:
        return report
    contexts = contexts_for([row.decision for row in rows if row.decision is not None])
    sanction_contexts = sanction_contexts_for([row.sanction for row in rows if row.sanction is not None])
    ready: list[tuple[StatementSubmission, dict[str, Any]]] = []
    for row in rows:
        if row.decision is None and row.sanction is None:
            _finish(row, Status.SKIPPED, errors={"decision": ["the decision was purged before sending"]})
            report.skipped += 1
            continue
        try:
            if row.decision is not None:
                payload = statement_payload(row.decision, contexts[row.decision.pk])
            else:
                assert row.sanction is not None
                payload = sanction_payload(row.sanction, sanction_contexts[row.sanction.pk])
        except NotForDatabase as exc:
            _finish(row, Status.SKIPPED, errors={"statement": [str(exc)]})
            report.skipped += 1
            continue
        errors = validate_statement(payload)
        if errors:
            _finish(row, Status.INVALID, errors=errors, payload=payload)
            report.invalid += 1
            continue
        ready.append((row, payload))
    if ready:
        report.add(_send(ready, now))
    return report


def _send(ready: list[tuple[StatementSubmission, dict[str, Any]]], now: datetime) -> SendReport:
    report = SendReport(calls=1)
    answer = post_statements([payload for _row, payload in ready])
    report.statuses.append(answer.status)
    if answer.status == 201:
        uuids = {item.get("puid"): item.get("uuid", "") for item in answer.body.get("statements") or []}
        for row, payload in ready:
            _finish(
                row,
                Status.SENT,
                http_status=201,
                uuid=str(uuids.get(row.puid) or ""),
                payload=payload,
                now=now,
            )
            report.sent += 1
        return report
    errors = answer.body.get("errors") if isinstance(answer.body.get("errors"), dict) else {}
    if answer.status == 422 and errors:
        existing = set(errors.get("existing_puids") or [])
        for index, (row, payload) in enumerate(ready):
            own = errors.get(f"statement_{index}")
            if row.puid in existing:
                # Stored by an earlier call whose answer we lost: the database has it.
                _finish(
                    row,
                    Status.SENT,
                    http_status=422,
                    payload=payload,
                    now=now,
                    errors={"puid": ["already in the database"]},
                )
                report.sent += 1
            elif own:
                _finish(row, Status.INVALID, http_status=422, errors=own, payload=payload)
                report.invalid += 1
            else:
                # Refused only because another statement of the batch was: send again at once.
                _retry(row, now, http_status=422, immediately=True)
                report.retrying += 1
        return report
    for row, _payload in ready:
        if _retry(row, now, http_status=answer.status, error=answer.error):
            report.retrying += 1
        else:
            report.failed += 1
    return report


def _finish(
    row: StatementSubmission,
    status: str,
    *,
    http_status: int | None = None,
    uuid: str = "",
    errors: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    StatementSubmission.objects.filter(pk=row.pk).update(
        status=status,
        http_status=http_status,
        tdb_uuid=uuid,
        errors=errors or {},
        payload=payload or {},
        sent_at=now if status == Status.SENT else None,
        lease_expires_at=None,
    )


def _retry(
    row: StatementSubmission,
    now: datetime,
    *,
    http_status: int | None,
    error: str = "",
    immediately: bool = False,
) -> bool:
    """Back to pending after a backoff; False (and failed) once the attempts are used up."""
    if row.attempts >= settings.TDB_MAX_ATTEMPTS and not immediately:
        _finish(
            row, Status.FAILED, http_status=http_status, errors={"error": [error or f"HTTP {http_status}"]}
        )
        return False
    StatementSubmission.objects.filter(pk=row.pk).update(
        status=Status.PENDING,
        http_status=http_status,
        errors={"error": [error]} if error else {},
        next_attempt_at=now if immediately else now + backoff(row.attempts),
        attempts=F("attempts") - 1 if immediately else F("attempts"),
        lease_expires_at=None,
    )
    return True


def statements_send(*, now: datetime | None = None, max_batches: int = 50) -> SendReport:
    """Send batches until nothing is due, the database stops answering, or `max_batches` calls."""
    report = SendReport()
    for _ in range(max_batches):
        batch = statements_send_batch(now=now)
        report.add(batch)
        nothing_left = not (batch.sent or batch.invalid or batch.skipped or batch.retrying or batch.failed)
        failing = any(status not in (201, 422) for status in batch.statuses)
        if nothing_left or failing:
            break  # a failing database is left to the backoff
    return report


@transaction.atomic
def statements_retry(*, ids: list[int], now: datetime | None = None) -> int:
    """Send refused, failed or skipped statements again (after a fix to a reason's category, say)."""
    return StatementSubmission.objects.filter(
        pk__in=ids, status__in=[Status.INVALID, Status.FAILED, Status.SKIPPED]
    ).update(status=Status.PENDING, attempts=0, next_attempt_at=now or timezone.now(), errors={})
