"""The label check (R01-R14, R33): read every machine-readable AI label in the revision's files
with the label engine, reconcile them with the contributor's declaration, and decide the tier
of Labeling Measures Art. 6 (confirmed / possible / suspected / none)."""

from django.core.files.storage import default_storage

from labels import findings as label_findings
from labels.engine import InspectOptions, inspect_file
from labels.report import ENGINE_VERSION
from labels.tier import combine_tiers, decide_tier
from labels.traces import TRACES_VERSION
from moderation.models import Revision, Tier
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec

TIER_WORDS = {
    Tier.CONFIRMED: "a machine-readable label says AI-generated",
    Tier.POSSIBLE: "no label found, but the contributor declared AI",
    Tier.SUSPECTED: "traces suggest AI generation",
    Tier.NONE: "no AI indication",
}


@register
class LabelCheck(Check):
    kind = "label"
    version = f"2.0+engine{ENGINE_VERSION}+traces{TRACES_VERSION}"
    title = "AI labels"

    def run(self, revision: Revision) -> CheckResult:
        """Steps: inspect each file (metadata only, never pixels); combine the files' tiers; apply
        the declaration (Art. 6: a declaration alone makes it "possible"); turn the reports into
        findings that say which field of which file said what."""
        options = InspectOptions.from_settings()
        media = list(revision.media.all())
        reports = []
        files = []
        for item in media:
            report = inspect_file(default_storage.path(item.file.name or ""), options=options)
            report.path = item.original_name
            reports.append(report)
            files.append({"media_id": item.pk, **report.to_json(include_details=True)})
        declared_ai = bool(revision.declared_ai)
        file_tier = combine_tiers([report.tier for report in reports]) if reports else Tier.NONE
        tier = decide_tier(file_tier, declared_ai)
        specs = label_findings.evaluate(
            reports,
            declared_ai=declared_ai,
            categories=[c.value for c in revision.categories],
            text=revision.body,
        )
        return CheckResult(
            summary=f"Tier {tier}: {TIER_WORDS[Tier(tier)]} ({len(media)} file(s) read)",
            findings=[FindingSpec(f.code, f.severity, f.message, f.evidence, f.rule) for f in specs],
            data={
                "tier": str(tier),
                "file_tier": str(file_tier),
                "declared_ai": revision.declared_ai,
                "files": files,
                "biometric_actions": label_findings.biometric_edit_actions(reports),
                "model_release": label_findings.model_release_info(reports),
            },
        )
