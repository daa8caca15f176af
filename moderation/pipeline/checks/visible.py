"""The visible-mark check (R10, Measures Art. 6(3)): OCR of the edges and corners of each image and
of each video's first seconds, for AI marks drawn into the pixels ("AI生成", "豆包AI生成", …, the
versioned list of `labels.marks`).

OCR takes 1-2.5 s a picture, so the check runs on the "media" queue, and the item does not wait
for it to enter review (`gates_review = False`): when it lands it updates the item's tier, flags
and priority (moderation.review.priority combines its tier with the label check's), and approval
is refused until it has finished. A mark makes the item at least suspected; against a "not AI"
declaration it is a blocking contradiction (R10), reported here unless the file's own
machine-readable label confirms AI, whose contradiction the label check reports (once per file).
A file whose pixels could not be read is a warning, never "no mark".
"""

from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy, gettext_noop

from labels.engine import InspectOptions, inspect_file
from labels.findings import evaluate_visible
from labels.marks import MARKS_VERSION
from labels.report import ENGINE_VERSION, MediaReport
from labels.tier import NONE, SUSPECTED, decide_tier
from moderation.finding_messages import register_messages, say
from moderation.models import MediaKind, Revision, Severity
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec
from privatemedia.localcopy import local_copy

VISIBLE_NOT_CHECKED = "visible_not_checked"
KINDS = (MediaKind.IMAGE, MediaKind.VIDEO)
SUMMARY_MARKED = "summary:visible:marked"
SUMMARY_NONE = "summary:visible:none"
register_messages(
    {
        VISIBLE_NOT_CHECKED: gettext_noop(
            'File "%(path)s": %(why)s. Look at its edges and corners for an AI mark yourself.'
        ),
        "visible:unreadable": gettext_noop("its pixels could not be read"),
        SUMMARY_MARKED: gettext_noop(
            "Tier %(tier)s: %(count)s AI mark(s) drawn in %(marked)s of %(files)s file(s) (marks %(version)s)"
        ),
        SUMMARY_NONE: gettext_noop("No AI mark drawn in %(files)s file(s) (marks %(version)s)"),
    }
)


def _ocr_version() -> str:
    try:
        return version("rapidocr-onnxruntime")
    except PackageNotFoundError:
        return "none"


@register
class VisibleMarkCheck(Check):
    kind = "visible"
    version = f"1.1+engine{ENGINE_VERSION}+marks{MARKS_VERSION}+ocr{_ocr_version()}"
    title = gettext_lazy("Visible AI marks")
    queue = "media"
    gates_review = False

    def applies_to(self, revision: Revision) -> bool:
        return bool(settings.CHECK_VISIBLE_MARKS) and revision.media.filter(kind__in=KINDS).exists()

    def lease_seconds(self) -> int:
        return max(int(settings.CHECK_VISIBLE_LEASE_SECONDS), int(settings.CHECK_LEASE_SECONDS))

    def run(self, revision: Revision) -> CheckResult:
        """Steps: OCR each image and video (their metadata is the label check's, read here only to
        know whether a label already confirms AI); the marks found and, against a "not AI"
        declaration, the contradiction unless the file's own label confirms AI (then the label
        check reports it: `labels.findings.evaluate_visible`); a warning for each file OCR could
        not read; the tier these marks support, with the declaration applied like the label check
        does."""
        # The label check's options (C2PA read with the same trust anchors), plus the OCR: a file
        # whose own label confirms AI gets its contradiction from the label check, not twice.
        options = replace(InspectOptions.from_settings(), visible=True)
        declared_ai = bool(revision.declared_ai)
        reports: list[MediaReport] = []
        files: list[dict[str, Any]] = []
        findings: list[FindingSpec] = []
        for item in revision.media.filter(kind__in=KINDS):
            with local_copy(item.file) as path:  # the worker's disk need not hold the upload
                report = inspect_file(path, options=options)
            report.path = item.original_name
            reports.append(report)
            marks = [mark.to_json() for mark in report.marks if mark.where != "text"]
            errors = [error for error in report.errors if error.startswith("visible marks not checked")]
            files.append(
                {
                    "media_id": item.pk,
                    "path": item.original_name,
                    "media_type": report.media_type,
                    "visible_checked": report.visible_checked,
                    "marks": marks,
                    "errors": errors,
                }
            )
            if not report.visible_checked:
                findings.append(_not_checked(item.original_name, errors))
        findings += [
            FindingSpec(f.code, f.severity, f.message, f.evidence, f.rule, f.params)
            for f in evaluate_visible(reports, declared_ai=declared_ai)
        ]
        marked = [file for file in files if file["marks"]]
        file_tier = SUSPECTED if marked else NONE
        tier = decide_tier(file_tier, declared_ai)
        if marked:
            summary, summary_params = say(
                SUMMARY_MARKED,
                tier=str(tier),
                count=sum(len(file["marks"]) for file in marked),
                marked=len(marked),
                files=len(files),
                version=MARKS_VERSION,
            )
        else:
            summary, summary_params = say(SUMMARY_NONE, files=len(files), version=MARKS_VERSION)
        return CheckResult(
            summary=summary,
            summary_params=summary_params,
            findings=findings,
            data={
                "tier": str(tier),
                "file_tier": str(file_tier),
                "declared_ai": revision.declared_ai,
                "marks_version": MARKS_VERSION,
                "files": files,
            },
        )


def _not_checked(path: str, errors: list[str]) -> FindingSpec:
    why: str | dict[str, str] = "; ".join(errors) or {"key": "visible:unreadable"}
    message, params = say(VISIBLE_NOT_CHECKED, path=path, why=why)
    return FindingSpec(
        code=VISIBLE_NOT_CHECKED,
        severity=Severity.WARNING,
        message=message,
        params=params,
        evidence={"path": path, "errors": errors},
        rule="R10",
    )
