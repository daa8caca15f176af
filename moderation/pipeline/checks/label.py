"""The label check (R01-R14, R18, R33): read every machine-readable AI label in the revision's files
and text with the label engine, reconcile them with the contributor's declaration, and decide the
tier of Labeling Measures Art. 6 (confirmed / possible / suspected / none).

The text counts like a file (R11, R18): a GB 45438 label in its front matter, an HTML meta tag or a
JSON line, or a visible mark such as "本文由AI生成", raises the tier. Producers named by GB 45438
labels are looked up in the platform's allow/deny list (R08, `producers`). Drawn marks in pixels
are the visible-mark check's (checks/visible.py, slow, on the media queue).
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from labels import findings as label_findings
from labels.engine import InspectOptions, inspect_file, inspect_text
from labels.marks import MARKS_VERSION
from labels.producers import KnownProducer, classify_producer
from labels.report import ENGINE_VERSION, MediaReport
from labels.tier import combine_tiers, decide_tier
from labels.traces import TRACES_VERSION
from moderation.finding_messages import register_messages, say
from moderation.models import Revision, Tier
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec
from privatemedia.localcopy import local_copy
from producers.selectors import known_producers, producer_list_state

TIER_WORDS = {
    Tier.CONFIRMED: gettext_noop("a machine-readable label says AI-generated"),
    Tier.POSSIBLE: gettext_noop("no label found, but the contributor declared AI"),
    Tier.SUSPECTED: gettext_noop("traces suggest AI generation"),
    Tier.NONE: gettext_noop("no AI indication"),
}
SUMMARY = "summary:label"
SUMMARY_WITH_TEXT = "summary:label:text"
register_messages(
    {
        **label_findings.MESSAGES,
        **{f"tier:{tier}": words for tier, words in TIER_WORDS.items()},
        SUMMARY: gettext_noop("Tier %(tier)s: %(words)s (%(files)s file(s) read)"),
        SUMMARY_WITH_TEXT: gettext_noop("Tier %(tier)s: %(words)s (%(files)s file(s) and the text read)"),
    }
)
# The name the text's report (and its findings) go by.
TEXT_NAME = "text"


@register
class LabelCheck(Check):
    kind = "label"
    version = f"3.0+engine{ENGINE_VERSION}+traces{TRACES_VERSION}+marks{MARKS_VERSION}"
    title = gettext_lazy("AI labels")

    def current_version(self) -> str:
        """The engine's versions and the producer list's: a changed list calls for a re-run."""
        return f"{self.version}+producers{producer_list_state()[0]}"

    def run(self, revision: Revision) -> CheckResult:
        """Steps: inspect each file (metadata only, never pixels) and the text; combine their
        tiers; apply the declaration (Art. 6: a declaration alone makes it "possible"); turn the
        reports into findings that say which field of which file said what, with each producer
        looked up in the platform's list."""
        options = InspectOptions.from_settings()
        list_state = producer_list_state()
        known = known_producers(list_state)
        media = list(revision.media.all())
        reports = []
        files = []
        for item in media:
            with local_copy(item.file) as path:  # the worker's disk need not hold the upload
                report = inspect_file(path, options=options)
            report.path = item.original_name
            reports.append(report)
            files.append({"media_id": item.pk, **_report_json(report, known)})
        text_report = inspect_text(revision.body, name=TEXT_NAME) if revision.body.strip() else None
        declared_ai = bool(revision.declared_ai)
        file_tier = combine_tiers([report.tier for report in reports]) if reports else Tier.NONE
        text_tier = text_report.tier if text_report else Tier.NONE
        tier = decide_tier(combine_tiers([file_tier, text_tier]), declared_ai)
        specs = label_findings.evaluate(
            reports + ([text_report] if text_report else []),
            declared_ai=declared_ai,
            categories=[c.value for c in revision.categories],
            known_producers=known,
        )
        summary, summary_params = say(
            SUMMARY_WITH_TEXT if text_report else SUMMARY,
            tier=str(tier),
            words={"key": f"tier:{tier}"},
            files=len(media),
        )
        return CheckResult(
            summary=summary,
            summary_params=summary_params,
            findings=[
                FindingSpec(f.code, f.severity, f.message, f.evidence, f.rule, f.params) for f in specs
            ],
            data={
                "tier": str(tier),
                "file_tier": str(file_tier),
                "text_tier": str(text_tier),
                "declared_ai": revision.declared_ai,
                "files": files,
                "text": _report_json(text_report, known) if text_report else None,
                "producers_version": list_state[0],
                "biometric_actions": label_findings.biometric_edit_actions(reports),
                "model_release": label_findings.model_release_info(reports),
            },
        )


def _report_json(report: MediaReport, known: Mapping[str, KnownProducer]) -> dict[str, Any]:
    """The engine's report with its details; each GB 45438 label's producer (R08) is classified
    against the platform's list, so the review page can name the provider and its standing."""
    result = report.to_json(include_details=True)
    for label, label_json in zip(report.tc260_labels, result["details"]["tc260_labels"], strict=True):
        label_json["producer"] = classify_producer(label.field_text("ContentProducer") or "", known).to_json()
    return result
