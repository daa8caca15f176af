"""Reads that several views and services share."""

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from moderation.models import CheckRun, Finding

if TYPE_CHECKING:
    from moderation.models import Decision


def latest_runs(revision_id: int | None) -> list[CheckRun]:
    """The newest run of each check on a revision, findings prefetched, in check order."""
    if revision_id is None:
        return []
    runs = (
        CheckRun.objects.filter(revision_id=revision_id)
        .order_by("kind", "-created_at", "-id")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("id")))
    )
    newest: dict[str, CheckRun] = {}
    for run in runs:
        newest.setdefault(run.kind, run)
    return list(newest.values())


def decisions_for(revision_ids: list[int]) -> dict[int, "Decision"]:
    """The newest decision on each revision that concerns the contributor's content, in one query
    (not an escalation, nor the decision to take no action on notices)."""
    from moderation.models import Decision, DecisionOutcome

    newest: dict[int, Decision] = {}
    decisions = (
        Decision.objects.filter(revision_id__in=revision_ids)
        .exclude(outcome__in=[DecisionOutcome.ESCALATED, DecisionOutcome.NO_ACTION])
        .select_related("reason")
        .order_by("revision_id", "-created_at", "-id")
    )
    for decision in decisions:
        newest.setdefault(decision.revision_id, decision)
    return newest


def provenance_summary(runs: list[CheckRun]) -> list[dict]:
    """Per file, what the label check read (the C2PA chain, TC260 fields with each producer looked
    up in the platform's list, IPTC type, traces) and what the visible-mark check's OCR found;
    then the text, when the label check read one."""
    label_run = next((run for run in runs if run.kind == "label"), None)
    if label_run is None:
        return []
    visible_run = next((run for run in runs if run.kind == "visible"), None)
    visible_files = {
        file.get("media_id"): file for file in (visible_run.result.get("files", []) if visible_run else [])
    }
    summary = []
    for file in label_run.result.get("files", []):
        entry = _provenance_entry(file)
        pixels = str(entry["media_type"] or "").startswith(("image/", "video/"))
        if visible_run is not None and not visible_run.is_finished and pixels:
            entry["visible"] = {"state": "running"}
        elif file.get("media_id") in visible_files:
            entry["visible"] = {"state": "done", **visible_files[file.get("media_id")]}
        summary.append(entry)
    text = label_run.result.get("text")
    if text:
        summary.append({**_provenance_entry(text), "is_text": True})
    return summary


def _provenance_entry(file: dict) -> dict:
    details = file.get("details") or {}
    return {
        "name": file.get("path"),
        "media_type": file.get("media_type"),
        "tier": file.get("tier"),
        "tampered": file.get("tampered"),
        "c2pa": file.get("c2pa"),
        "c2pa_details": details.get("c2pa") or {},
        "tc260": file.get("tc260"),
        "tc260_labels": details.get("tc260_labels") or [],
        "iptc": details.get("iptc") or {},
        "traces": details.get("traces") or [],
        "marks": details.get("marks") or [],
        "signals": file.get("signals") or [],
        "errors": file.get("errors") or [],
        "visible": None,
        "is_text": False,
    }
