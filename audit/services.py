"""Recording audit events and verifying the hash chain."""

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from audit.context import current_request_meta
from audit.models import AuditChainHead, AuditEvent


def _json_safe(details: dict[str, Any] | None) -> dict[str, Any]:
    # What is hashed must be exactly what the database gives back, so normalise first.
    return json.loads(json.dumps(details or {}, default=str))


def _ip_as_stored(ip: str | None) -> str | None:
    # Likewise: PostgreSQL's inet (and the field's own preparation) gives an IPv6 address back
    # lowercased and compressed, so hash that form, or a proxy's "2001:DB8::1" reads as tampering.
    if not ip:
        return None
    return AuditEvent._meta.get_field("ip").get_prep_value(ip)


def target_type_of(target: models.Model) -> str:
    return f"{target._meta.app_label}.{target._meta.model_name}"


def chain_for(target_type: str, target_id: object, actor_label: str) -> int:
    """The chain an event joins: its target's (or, without a target, its actor's)."""
    key = f"{target_type}:{target_id}" if target_type else f"actor:{actor_label}"
    return zlib.crc32(key.encode()) % settings.AUDIT_CHAINS


# No savepoint: an event is part of whatever its caller does, and fails with it.
@transaction.atomic(savepoint=False)
def record_event(
    *,
    action: str,
    actor: User | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to its chain.

    Steps: pick the chain of the target; lock that chain's head (its writers take turns, so no
    two events share a predecessor); build the event with the head's hash as its predecessor,
    hash it, insert it, move the head. The IP defaults to the current request's, if any.
    """
    meta = current_request_meta.get()
    if ip is None and meta is not None:
        ip = meta.ip
    if target is not None:
        target_type, target_id = target_type_of(target), target.pk
    if actor is not None and not actor.is_authenticated:
        actor = None

    actor_label = actor.get_username() if actor is not None else "system"
    target_id = str(target_id) if target_id not in (None, "") else ""
    chain = chain_for(target_type, target_id, actor_label)
    head_seq, head_hash = _lock_head(chain)
    event = AuditEvent(
        chain=chain,
        seq=head_seq + 1,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=_json_safe(details),
        ip=_ip_as_stored(ip),
        prev_hash=head_hash,
    )
    event.hash = event.compute_hash()
    _append(event)
    return event


# Every status change, API call and decision writes an event: on PostgreSQL the two statements
# below replace three ORM ones (a locking read of the whole head, the INSERT, the head's UPDATE).
_LOCK_HEAD = "SELECT seq, hash FROM {head} WHERE chain = %s FOR UPDATE"
_APPEND = (
    "WITH event AS (INSERT INTO {event} (chain, seq, created_at, actor_id, actor_label, action, "
    "target_type, target_id, details, ip, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::inet, %s, %s) RETURNING id) "
    "UPDATE {head} SET seq = %s, hash = %s WHERE chain = %s RETURNING (SELECT id FROM event)"
)


def _lock_head(chain: int) -> tuple[int, str]:
    """The chain head's sequence number and hash, locked until the caller's transaction ends."""
    if connection.vendor != "postgresql":
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
        return head.seq, head.hash
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_HEAD.format(head=AuditChainHead._meta.db_table), [chain])
        row = cursor.fetchone()
    if row is None:
        raise AuditChainHead.DoesNotExist(f"audit chain {chain} has no head (AUDIT_CHAINS grew?)")
    return row[0], row[1]


def _append(event: AuditEvent) -> None:
    """Insert the event and move its chain's head to it."""
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        AuditChainHead.objects.filter(chain=event.chain).update(seq=event.seq, hash=event.hash)
        return
    sql = _APPEND.format(event=AuditEvent._meta.db_table, head=AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                event.chain,
                event.seq,
                event.created_at,
                event.actor_id,
                event.actor_label,
                event.action,
                event.target_type,
                event.target_id,
                json.dumps(event.details),
                event.ip,
                event.prev_hash,
                event.hash,
                event.seq,
                event.hash,
                event.chain,
            ],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


@dataclass(frozen=True)
class ChainBreak:
    chain: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq} of chain {self.chain}"
        if self.event_id is not None:
            where += f" (id {self.event_id})"
        return f"{where}: {self.reason}"


def _events_between(chain: int, after: int, through: int | None = None) -> Iterator[AuditEvent]:
    events = AuditEvent.objects.filter(chain=chain, seq__gt=after)
    if through is not None:
        events = events.filter(seq__lte=through)
    return events.order_by("seq").iterator(chunk_size=2000)


def _walk(
    chain: int, events: Iterator[AuditEvent], expected_seq: int, prev_hash: str
) -> tuple[int, str, ChainBreak | None]:
    """Check each event's place, link and content; return (events checked, last hash, first break)."""
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return (
                checked,
                prev_hash,
                ChainBreak(
                    chain,
                    expected_seq,
                    None,
                    f"missing: the chain jumps from #{expected_seq - 1} to #{event.seq}",
                ),
            )
        if event.prev_hash != prev_hash:
            return (
                checked,
                prev_hash,
                ChainBreak(chain, event.seq, event.id, "its link to the previous event does not match"),
            )
        if event.compute_hash() != event.hash:
            return (
                checked,
                prev_hash,
                ChainBreak(chain, event.seq, event.id, "its content was changed after it was recorded"),
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    return checked, prev_hash, None


def _verify_one(head: AuditChainHead) -> tuple[int, ChainBreak | None]:
    """Walk one chain from its anchor (the start, unless old events were purged) to its head."""
    checked, last_hash, broken = _walk(
        head.chain, _events_between(head.chain, head.base_seq), head.base_seq + 1, head.base_hash
    )
    if broken is not None:
        return checked, broken
    if head.seq != head.base_seq + checked or head.hash != last_hash:
        return checked, ChainBreak(
            head.chain,
            head.base_seq + checked + 1,
            None,
            f"missing: the chain head records #{head.seq} but the log ends at #{head.base_seq + checked}",
        )
    return checked, None


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk every chain from its first event; return how many events hold and the first break.

    Events whose chain has no head (moved to an unknown chain) count as a break too.
    """
    checked = 0
    heads = list(AuditChainHead.objects.order_by("chain"))
    for head in heads:
        count, broken = _verify_one(head)
        checked += count
        if broken is not None:
            return checked, broken
    stray = AuditEvent.objects.exclude(chain__in=[head.chain for head in heads]).order_by("id").first()
    if stray is not None:
        return checked, ChainBreak(stray.chain, stray.seq, stray.id, "it belongs to no known chain")
    return checked, _unrecorded_anchor(heads)


# --- Retention: purging a chain's oldest segment ---------------------------------------------------

TRUNCATED = "audit.truncated"


def _anchors(heads: "list[AuditChainHead]") -> dict[str, list[object]]:
    return {str(head.chain): [head.base_seq, head.base_hash] for head in heads if head.base_seq}


def _unrecorded_anchor(heads: list[AuditChainHead]) -> ChainBreak | None:
    """Every chain that starts after #1 must say so in the newest "audit.truncated" event, which
    lists all anchors: moving a chain's start without a recorded purge counts as removing events."""
    expected = _anchors(heads)
    newest = AuditEvent.objects.filter(action=TRUNCATED).order_by("-id").first()
    recorded = (newest.details.get("anchors") or {}) if newest is not None else {}
    for head in heads:
        if expected.get(str(head.chain)) != recorded.get(str(head.chain)):
            return ChainBreak(
                head.chain,
                head.base_seq + 1,
                None,
                f"the chain starts after #{head.base_seq} but no recorded purge ends there",
            )
    return None


@dataclass(frozen=True)
class TruncatedChain:
    chain: int
    through_seq: int
    removed: int
    refused: str = ""


def audit_truncate_chain(*, chain: int, before: Any) -> TruncatedChain:
    """Purge the events of one chain recorded before `before`, as one segment from its start.

    Steps, in one transaction: lock the chain's head (its writers wait); find the last event such
    that it and every event before it are older than `before`; verify that segment (a tampered
    segment is refused, never anchored); move the head's anchor there and delete the segment (the
    PostgreSQL trigger only lets through deletes at or below the anchor); record an
    "audit.truncated" event listing every chain's anchor. `verify_audit_log` then walks the chain
    from its anchor.
    """
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
        events = AuditEvent.objects.filter(chain=chain, seq__gt=head.base_seq)
        first_young = (
            events.filter(created_at__gte=before).order_by("seq").values_list("seq", flat=True).first()
        )
        through = (first_young - 1) if first_young is not None else head.seq
        if through <= head.base_seq:
            return TruncatedChain(chain, head.base_seq, 0)
        checked, last_hash, broken = _walk(
            chain, _events_between(chain, head.base_seq, through), head.base_seq + 1, head.base_hash
        )
        if broken is not None or checked != through - head.base_seq:
            reason = str(broken) if broken else "events are missing from the segment"
            return TruncatedChain(chain, head.base_seq, 0, refused=reason)
        AuditChainHead.objects.filter(pk=head.pk).update(base_seq=through, base_hash=last_hash)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {AuditEvent._meta.db_table} WHERE chain = %s AND seq > %s AND seq <= %s",
                [chain, head.base_seq, through],
            )
            removed = cursor.rowcount
        record_event(
            action=TRUNCATED,
            target_type="audit.chain",
            target_id=chain,
            details={
                "chain": chain,
                "through_seq": through,
                "through_hash": last_hash,
                "removed": removed,
                "before": before.isoformat(),
                "anchors": _anchors(list(AuditChainHead.objects.order_by("chain"))),
            },
        )
    return TruncatedChain(chain, through, removed)
