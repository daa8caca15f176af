"""The identifiers search looks up: C2PA manifest ids and TC260 ProduceIDs the label check read.

They live deep in CheckRun.result (files[].details.c2pa / .tc260_labels); `label_identifiers_index`
copies them into LabelIdentifier rows. It runs every few minutes over the label runs finished since
its last run (with an overlap, since runs commit a moment after their finish time), and over all
runs from the `index_label_identifiers` command. Indexing a run twice changes nothing."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.models import CheckRun, RunStatus
from oversight.models import JobMark, LabelIdentifier

MARK = "label_identifiers"
OVERLAP = timedelta(minutes=10)
BATCH = 500


def identifiers_in(result: dict[str, Any]) -> set[tuple[str, str]]:
    """(kind, value) of every C2PA manifest (active, or the source of a claim) and every TC260
    ProduceID in a label run's result."""
    found: set[tuple[str, str]] = set()
    for file in result.get("files") or []:
        details = file.get("details") or {}
        c2pa = details.get("c2pa") or {}
        manifests = [c2pa.get("active_manifest")]
        manifests += [claim.get("manifest") for claim in c2pa.get("source_types") or []]
        found |= {(LabelIdentifier.Kind.C2PA_MANIFEST, m) for m in manifests if isinstance(m, str) and m}
        for label in details.get("tc260_labels") or []:
            produce_id = (label.get("fields") or {}).get("ProduceID")
            if isinstance(produce_id, str) and produce_id.strip():
                found.add((LabelIdentifier.Kind.TC260_PRODUCE_ID, produce_id.strip()))
        summary = file.get("tc260") or {}
        if isinstance(summary.get("produce_id"), str) and summary["produce_id"].strip():
            found.add((LabelIdentifier.Kind.TC260_PRODUCE_ID, summary["produce_id"].strip()))
    return {(kind, value[:255]) for kind, value in found}


def _runs(since: datetime | None) -> Iterator[tuple[int, int, dict[str, Any]]]:
    runs = CheckRun.objects.filter(
        kind="label", status__in=[RunStatus.PASSED, RunStatus.FLAGGED, RunStatus.FAILED]
    )
    if since is not None:
        runs = runs.filter(finished_at__gte=since)
    return runs.order_by().values_list("id", "submission_id", "result").iterator(chunk_size=BATCH)


def label_identifiers_index(*, everything: bool = False, now: datetime | None = None) -> int:
    """Index the label runs finished since the last sweep (all of them with `everything`); return
    how many identifiers were written."""
    now = now or timezone.now()
    mark = JobMark.objects.filter(name=MARK).values_list("at", flat=True).first()
    since = None if everything or mark is None else mark - OVERLAP
    written = 0
    batch: list[tuple[int, int, dict[str, Any]]] = []
    for row in _runs(since):
        batch.append(row)
        if len(batch) >= BATCH:
            written += _write(batch)
            batch = []
    written += _write(batch)
    JobMark.objects.update_or_create(name=MARK, defaults={"at": now})
    return written


@transaction.atomic
def _write(batch: list[tuple[int, int, dict[str, Any]]]) -> int:
    rows = [
        LabelIdentifier(kind=kind, value=value, submission_id=submission_id, run_id=run_id)
        for run_id, submission_id, result in batch
        for kind, value in identifiers_in(result or {})
    ]
    LabelIdentifier.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
