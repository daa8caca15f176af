"""Changes to the list of known producers. Each one is audited and bumps the list's version, so
the label check's version changes and a re-run of the check picks the new list up."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.services import record_event
from producers.models import Producer, ProducerList


def _bump_list() -> int:
    ProducerList.objects.select_for_update().get_or_create(pk=1)
    ProducerList.objects.filter(pk=1).update(version=F("version") + 1, updated_at=timezone.now())
    return ProducerList.objects.values_list("version", flat=True).get(pk=1)


def _details(producer: Producer) -> dict[str, str]:
    return {
        "key": producer.key,
        "kind": producer.kind,
        "name": producer.name,
        "status": producer.status,
        "note": producer.note,
    }


@transaction.atomic
def producer_save(*, producer: Producer, actor: User | None) -> int:
    """Create or change a list entry (validated, key normalised); return the list's new version."""
    producer.full_clean()
    created = producer.pk is None
    before = {} if created else _details(Producer.objects.get(pk=producer.pk))
    producer.updated_at = timezone.now()
    producer.updated_by = actor if actor is not None and actor.is_authenticated else None
    producer.save()
    version = _bump_list()
    details: dict[str, object] = {**_details(producer), "list_version": version}
    if before:
        details["before"] = before
    record_event(
        action="producers.entry_created" if created else "producers.entry_changed",
        actor=actor,
        target=producer,
        details=details,
    )
    return version


@transaction.atomic
def producer_delete(*, producer: Producer, actor: User | None) -> int:
    details = _details(producer)
    target_id = producer.pk
    producer.delete()
    version = _bump_list()
    record_event(
        action="producers.entry_deleted",
        actor=actor,
        target_type="producers.producer",
        target_id=target_id,
        details={**details, "list_version": version},
    )
    return version
