"""The consent check (R22-R25): every real person whose face, voice or body is synthesised, and
every other real person depicted, must have given an active, separate consent covering this
submission, all the files of this revision and the biometric kinds it needs.

Consent is needed when a biometric synthesis category is declared, when another real person or
a public figure is depicted, or when the files' C2PA data records a face or voice edit. The
state of each person is read live from the consent records (consent.rules), the same
evaluation the review decision service uses to refuse an approval. It registers itself with the
pipeline's check registry when the consent app is ready (consent/apps.py).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from consent.contradictions import declaration_findings
from consent.requirements import REASONS, consent_need
from consent.rules import ConsentState, person_consents
from labels.findings import MODEL_RELEASE_NONE
from moderation.finding_messages import join, register_messages, say
from moderation.models import Relation, Revision, Severity
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec

CONSENT_MISSING = "consent_missing"
MODEL_RELEASE = "model_release_metadata"
SUMMARY_NOT_REQUIRED = "summary:consent:not_required"
SUMMARY_NOBODY = "summary:consent:nobody"
SUMMARY_FICTIONAL = "summary:consent:fictional"
SUMMARY_MISSING = "summary:consent:missing"
SUMMARY_COVERED = "summary:consent:covered"
register_messages(
    {
        CONSENT_MISSING: gettext_noop("%(name)s (%(relation)s) has no valid consent: %(why)s."),
        MODEL_RELEASE: gettext_noop(
            'File "%(path)s" carries IPTC model-release metadata (%(fields)s). This is information only: it '
            "does not replace separate consent."
        ),
        f"{MODEL_RELEASE}:no_release": gettext_noop(
            'File "%(path)s" carries IPTC model-release metadata (%(fields)s). It says there is no model '
            "release, yet consent is needed. This is information only: it does not replace separate "
            "consent."
        ),
        SUMMARY_NOT_REQUIRED: gettext_noop(
            "Not required: no face, voice or body synthesis declared, no other real person depicted and "
            "no face or voice edit in the files"
        ),
        SUMMARY_NOBODY: gettext_noop("No real person declared: nobody to ask for consent (%(reasons)s)"),
        SUMMARY_FICTIONAL: gettext_noop(
            "A fictional person stated: escalated to a senior moderator (%(reasons)s)"
        ),
        SUMMARY_MISSING: gettext_noop("Consent missing for %(missing)s of %(total)s person(s) (%(reasons)s)"),
        SUMMARY_COVERED: gettext_noop("Every depicted person (%(total)s) has a valid separate consent"),
        **{f"consent_reason:{reason}": label for reason, label in REASONS.items()},
        **{f"consent_state:{state.value}": state.label for state in ConsentState},
        **{f"relation:{relation.value}": relation.label for relation in Relation},
    }
)


def _says_no_release(statuses: list[str]) -> bool:
    return any(marker.lower() in status.lower() for status in statuses for marker in MODEL_RELEASE_NONE)


@register
class ConsentCheck(Check):
    kind = "consent"
    version = "1.1"
    title = gettext_lazy("Consent")

    def run(self, revision: Revision) -> CheckResult:
        """Steps: what is needed (categories, persons, C2PA edits); the contradictions between the
        declaration and the files, blocking (consent.contradictions), and a stated fictional
        person, routed to a senior; each person's consent, live; one blocking finding per person
        not covered; the IPTC model-release fields as information."""
        need = consent_need(revision)
        findings = declaration_findings(revision, need)
        findings += [self._release_finding(release, need.required) for release in need.model_release]
        data = {
            "required": need.required,
            "reasons": need.reasons,
            "kinds": sorted(need.kinds),
            "biometric_actions": need.biometric_edits,
            "model_release": need.model_release,
            "persons": [],
            "fictional_person": revision.fictional_person,
        }
        reasons = join({"key": f"consent_reason:{reason}"} for reason in need.reasons)
        if not need.required:
            summary, summary_params = say(SUMMARY_NOT_REQUIRED)
            return CheckResult(summary=summary, summary_params=summary_params, findings=findings, data=data)
        if not need.persons:
            key = SUMMARY_FICTIONAL if revision.fictional_person else SUMMARY_NOBODY
            summary, summary_params = say(key, reasons=reasons)
            return CheckResult(summary=summary, summary_params=summary_params, findings=findings, data=data)

        consents = person_consents(revision, need=need)
        data["persons"] = [consent.evidence for consent in consents]
        missing = [consent for consent in consents if not consent.is_covered]
        for consent in missing:
            findings.append(
                FindingSpec(
                    code=CONSENT_MISSING,
                    severity=Severity.BLOCKING,
                    # Stored: the detailed reason of this moment; shown: the state in the reader's
                    # language (the consent panel beside it gives the details, live).
                    message=_("%(name)s (%(relation)s) has no valid consent: %(why)s.")
                    % {
                        "name": consent.person.name,
                        "relation": consent.person.get_relation_display().lower(),
                        "why": consent.message,
                    },
                    params={
                        "key": CONSENT_MISSING,
                        "args": {
                            "name": consent.person.name,
                            "relation": {"key": f"relation:{consent.person.relation}", "lower": True},
                            "why": {"key": f"consent_state:{consent.state}", "lower": True},
                        },
                    },
                    evidence={
                        **consent.evidence,
                        "name": consent.person.name,
                        "relation": consent.person.relation,
                        "kinds": sorted(need.kinds),
                    },
                    rule="R23",
                )
            )
        if missing:
            summary, summary_params = say(
                SUMMARY_MISSING, missing=len(missing), total=len(consents), reasons=reasons
            )
        else:
            summary, summary_params = say(SUMMARY_COVERED, total=len(consents))
        return CheckResult(summary=summary, summary_params=summary_params, findings=findings, data=data)

    @staticmethod
    def _release_finding(release: dict, required: bool) -> FindingSpec:
        fields = release["fields"]
        statuses = fields.get("ModelReleaseStatus", [])
        summary = "; ".join(f"{name}: {', '.join(values)}" for name, values in sorted(fields.items()))
        key = f"{MODEL_RELEASE}:no_release" if required and _says_no_release(statuses) else MODEL_RELEASE
        message, params = say(key, path=release["path"], fields=summary)
        return FindingSpec(
            code=MODEL_RELEASE,
            severity=Severity.INFO,
            message=message,
            params=params,
            evidence={"path": release["path"], "fields": fields},
            rule="R25",
        )
