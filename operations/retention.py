"""Retention (R31): each record type is kept RETENTION_DAYS[type] days, never less than
RETENTION_FLOOR_DAYS (183, CSL Art. 21(3)), then purged by `records_purge` (daily, and the
`purge_expired_records` command).

Every purger deletes only rows older than its cutoff, checks that the newest row it is about to
delete is older than the floor (a second guard, should a cutoff ever be computed wrong), and
records what it removed in the audit trail in the same transaction as the deletion.

A feature with records of its own registers a purger here (the DSA notices and complaints do,
from their apps, under "notices" and "complaints": they remove the personal data and keep the
rows the statistics count, with `anonymise_in_batches`); a record type without one is reported
as "nothing to purge". A purger never deletes a row another one still points to (PROTECT): the
decisions a notice case or a complaint names stay as long as those rows do.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import PROTECT, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.services import audit_truncate_chain, record_event


class RetentionFloorError(Exception):
    """A purge would remove rows younger than the retention floor: nothing was removed."""


@dataclass
class PurgeResult:
    record_type: str
    cutoff: datetime | None
    removed: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "record_type": self.record_type,
            "retention_days": settings.RETENTION_DAYS.get(self.record_type),
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "removed": self.removed,
            "oldest": self.oldest.isoformat() if self.oldest else None,
            "newest": self.newest.isoformat() if self.newest else None,
            "notes": self.notes,
        }


Purge = Callable[[datetime, datetime, bool], PurgeResult]  # (cutoff, now, dry_run)
PURGERS: dict[str, Purge] = {}


def register(record_type: str) -> Callable[[Purge], Purge]:
    def decorate(purge: Purge) -> Purge:
        PURGERS[record_type] = purge
        return purge

    return decorate


def floor_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.RETENTION_FLOOR_DAYS)


def retention_cutoff(record_type: str, now: datetime) -> datetime | None:
    """Rows older than this may go; None when the type is kept forever (0 days)."""
    days = settings.RETENTION_DAYS[record_type]
    if days == 0:
        return None
    if days < settings.RETENTION_FLOOR_DAYS:
        raise RetentionFloorError(
            f"{record_type}: {days} days is below the {settings.RETENTION_FLOOR_DAYS}-day floor (R31)."
        )
    return now - timedelta(days=days)


def require_past_floor(record_type: str, newest: datetime | None, now: datetime) -> None:
    if newest is not None and newest > floor_cutoff(now):
        raise RetentionFloorError(
            f"{record_type}: refusing to purge a row from {newest:%Y-%m-%d %H:%M}, younger than "
            f"{settings.RETENTION_FLOOR_DAYS} days (R31)."
        )


def records_purge(
    *, now: datetime | None = None, record_types: list[str] | None = None, dry_run: bool = False
) -> list[PurgeResult]:
    """Purge every registered record type (or those named) past its retention period.

    Steps per type: compute the cutoff (refused below the floor); let the type's purger select and
    delete its rows older than the cutoff, refusing any younger than the floor; audit what went,
    in the same transaction. A dry run reports what would go and changes nothing.
    """
    now = now or timezone.now()
    results = []
    for record_type in record_types or list(settings.RETENTION_DAYS):
        purge = PURGERS.get(record_type)
        cutoff = retention_cutoff(record_type, now)
        if purge is None:
            results.append(PurgeResult(record_type, cutoff, notes=["no records of this type are kept yet"]))
            continue
        if cutoff is None:
            results.append(PurgeResult(record_type, None, notes=["kept forever (retention 0)"]))
            continue
        if cutoff > floor_cutoff(now):
            raise RetentionFloorError(f"{record_type}: the cutoff {cutoff:%Y-%m-%d} is inside the floor.")
        results.append(purge(cutoff, now, dry_run))
    return results


def _audit_purge(result: PurgeResult) -> None:
    if result.removed:
        record_event(
            action="retention.purged",
            target_type="retention",
            target_id=result.record_type,
            details=result.as_dict(),
        )


def purge_in_batches(
    queryset: QuerySet,
    time_field: str,
    record_type: str,
    cutoff: datetime,
    now: datetime,
    dry_run: bool,
    act: Callable[[QuerySet, list[int]], tuple[int, str]],
    lock: Callable[[list[int]], None] | None = None,
    batch_size: int = 5000,
) -> PurgeResult:
    """Apply `act` to the rows of `queryset` (rows past the cutoff) `batch_size` at a time; each batch is
    checked against the floor and audited in its own transaction, so a long purge never holds
    locks for long and what is gone is always recorded. `act(batch, ids)` returns how many rows it
    removed and a note; `lock(ids)`, if given, runs first, so that a row changed meanwhile drops
    out of the batch (`queryset` is asked again). `queryset` must leave out rows already done."""
    total = PurgeResult(record_type, cutoff)
    bounds = queryset.aggregate(oldest=Min(time_field), newest=Max(time_field))
    total.oldest, total.newest = bounds["oldest"], bounds["newest"]
    require_past_floor(record_type, total.newest, now)
    if dry_run:
        total.removed = queryset.count()
        return total
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            if lock is not None:
                lock(ids)
            batch = queryset.filter(pk__in=ids)
            span = batch.aggregate(oldest=Min(time_field), newest=Max(time_field))
            require_past_floor(record_type, span["newest"], now)
            removed, note = act(batch, ids)
            part = PurgeResult(record_type, cutoff, removed, span["oldest"], span["newest"])
            part.notes.append(note)
            _audit_purge(part)
            total.removed += removed
    return total


def _delete_in_batches(
    queryset: QuerySet, time_field: str, record_type: str, cutoff: datetime, now: datetime, dry_run: bool
) -> PurgeResult:
    """Delete the rows of `queryset` (rows older than the cutoff) in audited batches."""

    def delete(batch: QuerySet, ids: list[int]) -> tuple[int, str]:
        batch.delete()
        return len(ids), f"ids {ids[0]} to {ids[-1]}"

    return purge_in_batches(queryset, time_field, record_type, cutoff, now, dry_run, delete)


def anonymise_in_batches(
    queryset: QuerySet,
    time_field: str,
    record_type: str,
    cutoff: datetime,
    now: datetime,
    dry_run: bool,
    values: dict[str, object],
) -> PurgeResult:
    """Like `_delete_in_batches`, but the rows stay with `values` written over their personal
    data (the rows, their times and categories are what statistics count). `queryset` must leave
    out the rows already done, so that each batch is a new one."""

    def anonymise(batch: QuerySet, ids: list[int]) -> tuple[int, str]:
        batch.update(**values)
        return len(ids), f"personal data removed from ids {ids[0]} to {ids[-1]}"

    return purge_in_batches(queryset, time_field, record_type, cutoff, now, dry_run, anonymise)


def without_protected_references(queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` no other row points to with on_delete=PROTECT (deleting them would
    fail): a decision named by a notice case, a complaint, a refutation or the reinstatement that
    reverses it stays with it (and goes with a later purge, once they have gone)."""
    relations = [
        field
        for field in queryset.model._meta.get_fields(include_hidden=True)  # related_name="+" too
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]
    for relation in relations:
        if getattr(relation, "on_delete", None) is PROTECT:
            pointing = relation.related_model._default_manager.filter(**{relation.field.name: OuterRef("pk")})
            queryset = queryset.exclude(Exists(pointing))
    return queryset


@register("decisions")
def purge_decisions(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Decisions and their statements of reasons; the submission keeps its status and dates. A
    decision a notice case, a complaint, a refutation or a reinstatement still names stays."""
    from moderation.models import Decision

    old = without_protected_references(Decision.objects.filter(created_at__lt=cutoff))
    return _delete_in_batches(old, "created_at", "decisions", cutoff, now, dry_run)


@register("unlabelled_deliveries")
def purge_unlabelled_deliveries(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """The log of unlabelled originals handed out (R32): requests older than their retention period
    (UNLABELLED_DELIVERY_RETENTION_DAYS, never under 183 days)."""
    from moderation.models import UnlabelledDelivery

    old = UnlabelledDelivery.objects.past_retention(now).filter(created_at__lt=cutoff)
    return _delete_in_batches(old, "created_at", "unlabelled_deliveries", cutoff, now, dry_run)


@register("check_runs")
def purge_check_runs(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Check runs (with their findings) that no longer decide anything: superseded by a newer run
    of the same check on the same revision, or on a revision that is no longer current. The newest
    run of each check on a submission's current revision stays as long as the submission does:
    approving needs it."""
    from moderation.models import CheckRun, Submission

    newer = CheckRun.objects.filter(revision_id=OuterRef("revision_id"), kind=OuterRef("kind")).filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
    )
    current = Submission.objects.filter(current_revision_id=OuterRef("revision_id"))
    old = CheckRun.objects.filter(finished_at__lt=cutoff).filter(Exists(newer) | ~Exists(current))
    return _delete_in_batches(old, "finished_at", "check_runs", cutoff, now, dry_run)


@register("identity_events")
def purge_identity_events(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Identity verification attempts that verified nothing (rejected, expired, abandoned) and
    whose document image is gone; the attempt that verifies a user stays with the account."""
    from accounts.models import IdentityVerification

    attempts = (
        IdentityVerification.objects.exclude(status=IdentityVerification.Status.VERIFIED)
        .filter(created_at__lt=cutoff)
        .filter(Q(decided_at__isnull=True) | Q(decided_at__lt=cutoff))
        .filter(Q(document="") | Q(document_purged_at__isnull=False))
    )
    return _delete_in_batches(attempts, "created_at", "identity_events", cutoff, now, dry_run)


@register("consent_records")
def purge_consent_records(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Consent records whose consent ended (expired or withdrawn) before the cutoff; each goes
    through ConsentRecord.delete(), which refuses one still inside its retention period."""
    from consent.models import ConsentRecord

    ended = ConsentRecord.objects.filter(Q(withdrawn_at__lt=cutoff) | Q(expires_at__lt=cutoff))
    result = PurgeResult("consent_records", cutoff)
    records = [record for record in ended.order_by("pk") if record.ended_at < cutoff]
    if not records:
        return result
    result.oldest = min(record.ended_at for record in records)
    result.newest = max(record.ended_at for record in records)
    require_past_floor("consent_records", result.newest, now)
    result.removed = len(records)
    if dry_run:
        return result
    with transaction.atomic():
        for record in records:
            record.delete()
        _audit_purge(result)
    return result


@register("audit_events")
def purge_audit_events(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Each chain's events older than the cutoff, as one segment from the chain's start, anchored
    (see audit.services.audit_truncate_chain): `verify_audit_log` keeps holding."""
    from audit.models import AuditChainHead, AuditEvent

    result = PurgeResult("audit_events", cutoff)
    old = AuditEvent.objects.filter(created_at__lt=cutoff)
    bounds = old.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    result.oldest, result.newest = bounds["oldest"], bounds["newest"]
    require_past_floor("audit_events", result.newest, now)
    if dry_run:
        result.removed = old.count()
        return result
    for chain in AuditChainHead.objects.order_by("chain").values_list("chain", flat=True):
        truncated = audit_truncate_chain(chain=chain, before=cutoff)
        result.removed += truncated.removed
        if truncated.refused:
            result.notes.append(f"chain {chain} kept: {truncated.refused}")
    with transaction.atomic():
        _audit_purge(result)
    return result


@register("access_logs")
def purge_access_logs(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    """Daily access log files whose whole day (UTC) ended before the cutoff."""
    from operations.access_log import access_log_files

    result = PurgeResult("access_logs", cutoff)
    if not settings.ACCESS_LOG_PATH:
        result.notes.append("the access log goes to the console, not to files")
        return result
    expired = []
    for day, path in access_log_files(settings.ACCESS_LOG_PATH):
        day_end = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC) + timedelta(days=1)
        if day_end <= cutoff:
            expired.append((day_end - timedelta(seconds=1), path))
    if not expired:
        return result
    result.oldest, result.newest = expired[0][0], expired[-1][0]
    require_past_floor("access_logs", result.newest, now)
    result.removed = len(expired)
    if dry_run:
        return result
    for _moment, path in expired:
        path.unlink(missing_ok=True)
    with transaction.atomic():
        result.notes.append("files: " + ", ".join(path.name for _moment, path in expired[:50]))
        _audit_purge(result)
    return result
