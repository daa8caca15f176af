"""Recording audit events and verifying the hash chain."""

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from audit.context import current_request_meta
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


def _json_safe(details: dict[str, Any] | None) -> dict[str, Any]:
    # What is hashed must be exactly what the database gives back, so normalise first.
    return json.loads(json.dumps(details or {}, default=str))


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
    head = AuditChainHead.objects.select_for_update().get(chain=chain)
    event = AuditEvent(
        chain=chain,
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=_json_safe(details),
        ip=ip,
        prev_hash=head.hash,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    AuditChainHead.objects.filter(chain=chain).update(seq=event.seq, hash=event.hash)
    return event


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


def _events_of(chain: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)


def _verify_one(head: AuditChainHead) -> tuple[int, ChainBreak | None]:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in _events_of(head.chain):
        if event.seq != expected_seq:
            return checked, ChainBreak(
                head.chain,
                expected_seq,
                None,
                f"missing: the chain jumps from #{expected_seq - 1} to #{event.seq}",
            )
        if event.prev_hash != prev_hash:
            return checked, ChainBreak(
                head.chain, event.seq, event.id, "its link to the previous event does not match"
            )
        if event.compute_hash() != event.hash:
            return checked, ChainBreak(
                head.chain, event.seq, event.id, "its content was changed after it was recorded"
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    if head.seq != checked or head.hash != prev_hash:
        return checked, ChainBreak(
            head.chain,
            checked + 1,
            None,
            f"missing: the chain head records #{head.seq} but the log ends at #{checked}",
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
    return checked, None
