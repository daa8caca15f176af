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

from consent.contradictions import declaration_findings
from consent.requirements import consent_need
from consent.rules import person_consents
from labels.findings import MODEL_RELEASE_NONE
from moderation.models import Revision, Severity
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec

CONSENT_MISSING = "consent_missing"
MODEL_RELEASE = "model_release_metadata"


def _says_no_release(statuses: list[str]) -> bool:
    return any(marker.lower() in status.lower() for status in statuses for marker in MODEL_RELEASE_NONE)


@register
class ConsentCheck(Check):
    kind = "consent"
    version = "1.1"
    title = "Consent"

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
        if not need.required:
            summary = _(
                "Not required: no face, voice or body synthesis declared, no other real person depicted and "
                "no face or voice edit in the files"
            )
            return CheckResult(summary=summary, findings=findings, data=data)
        if not need.persons:
            summary = _("No real person declared: nobody to ask for consent (%(reasons)s)") % {
                "reasons": "; ".join(need.reason_labels)
            }
            if revision.fictional_person:
                summary = _("A fictional person stated: escalated to a senior moderator (%(reasons)s)") % {
                    "reasons": "; ".join(need.reason_labels)
                }
            return CheckResult(summary=summary, findings=findings, data=data)

        consents = person_consents(revision, need=need)
        data["persons"] = [consent.evidence for consent in consents]
        missing = [consent for consent in consents if not consent.is_covered]
        for consent in missing:
            findings.append(
                FindingSpec(
                    code=CONSENT_MISSING,
                    severity=Severity.BLOCKING,
                    message=_("%(name)s (%(relation)s) has no valid consent: %(why)s.")
                    % {
                        "name": consent.person.name,
                        "relation": consent.person.get_relation_display().lower(),
                        "why": consent.message,
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
            summary = _("Consent missing for %(missing)s of %(total)s person(s) (%(reasons)s)") % {
                "missing": len(missing),
                "total": len(consents),
                "reasons": "; ".join(need.reason_labels),
            }
        else:
            summary = _("Every depicted person (%(total)s) has a valid separate consent") % {
                "total": len(consents)
            }
        return CheckResult(summary=summary, findings=findings, data=data)

    @staticmethod
    def _release_finding(release: dict, required: bool) -> FindingSpec:
        fields = release["fields"]
        statuses = fields.get("ModelReleaseStatus", [])
        summary = "; ".join(f"{name}: {', '.join(values)}" for name, values in sorted(fields.items()))
        message = _('File "%(path)s" carries IPTC model-release metadata (%(fields)s).') % {
            "path": release["path"],
            "fields": summary,
        }
        if required and _says_no_release(statuses):
            message += " " + _("It says there is no model release, yet consent is needed.")
        message += " " + _("This is information only: it does not replace separate consent.")
        return FindingSpec(
            code=MODEL_RELEASE,
            severity=Severity.INFO,
            message=message,
            evidence={"path": release["path"], "fields": fields},
            rule="R25",
        )
