"""Recording audit events and verifying the hash chain."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from audit.context import current_request_meta
from audit.models import AuditChainHead, AuditEvent


def _json_safe(details: dict[str, Any] | None) -> dict[str, Any]:
    # What is hashed must be exactly what the database gives back, so normalise first.
    return json.loads(json.dumps(details or {}, default=str))


def target_type_of(target: models.Model) -> str:
    return f"{target._meta.app_label}.{target._meta.model_name}"


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
    """Append one event to the chain.

    Steps: lock the chain head (writers take turns, so no two events share a predecessor),
    build the event with the head's hash as its predecessor, hash it, insert it, move the head.
    The IP defaults to the current request's, when there is one.
    """
    meta = current_request_meta.get()
    if ip is None and meta is not None:
        ip = meta.ip
    if target is not None:
        target_type, target_id = target_type_of(target), target.pk
    if actor is not None and not actor.is_authenticated:
        actor = None

    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id not in (None, "") else "",
        details=_json_safe(details),
        ip=ip,
        prev_hash=head.hash,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id is not None else "")
        return f"{where}: {self.reason}"


def _events_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the first event; return how many events hold and the first break."""
    expected_seq = 1
    prev_hash = AuditChainHead._meta.get_field("hash").get_default()
    checked = 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            return checked, ChainBreak(
                expected_seq, None, f"missing: the chain jumps from #{expected_seq - 1} to #{event.seq}"
            )
        if event.prev_hash != prev_hash:
            return checked, ChainBreak(event.seq, event.id, "its link to the previous event does not match")
        if event.compute_hash() != event.hash:
            return checked, ChainBreak(event.seq, event.id, "its content was changed after it was recorded")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.get(pk=1)
    if head.seq != checked or head.hash != prev_hash:
        return checked, ChainBreak(
            checked + 1, None, f"missing: the chain head records #{head.seq} but the log ends at #{checked}"
        )
    return checked, None
