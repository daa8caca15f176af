"""R22 contradictions: what the contributor declared (synthesis categories, depicted persons, "no
real person", a fictional person) against itself and against the files' C2PA face and voice
actions. Each contradiction is a blocking finding of the consent check, so a moderator cannot
approve while it stands (a senior moderator may override with a written reason, as for any
blocking finding). A fictional person, stated and explained, is no contradiction: it sends the
item to the senior queue (`ROUTE`), where someone with the authority to override looks at it.

The intake service refuses the declared contradictions at submission already
(moderation.intake.services.consent_problems); these findings hold for anything that got past it
(earlier data, an import) and for the files, which only the check reads.
"""

from django.utils.translation import gettext as _

from consent.models import BiometricKind
from consent.requirements import ConsentNeed, kinds_of_categories, kinds_of_edits
from moderation.models import Queue, Revision, Severity
from moderation.pipeline.checks.base import FindingSpec

BIOMETRIC_NO_PERSON = "consent_biometric_no_person"
FICTIONAL_PERSON = "consent_fictional_person"
FICTIONAL_WITH_PERSONS = "consent_fictional_with_persons"
NO_REAL_PERSON_WITH_PERSONS = "consent_no_real_person_with_persons"
PERSON_UNDECLARED = "consent_person_undeclared"
EDIT_UNDECLARED = "consent_edit_undeclared"
# Findings whose evidence carries a route send the item to that queue (moderation.review.priority).
ROUTE = Queue.ESCALATED.value


def _actions(edits: list[dict]) -> str:
    return ", ".join(sorted({edit["action"] for edit in edits}))


def declaration_findings(revision: Revision, need: ConsentNeed) -> list[FindingSpec]:
    """Steps: a biometric category with nobody depicted and no fictional statement; a fictional
    statement (routed to a senior) or one that contradicts listed persons; persons listed beside
    "no real person"; C2PA face or voice edits with nobody declared, or of a kind no declared
    category covers."""
    findings: list[FindingSpec] = []
    biometric = revision.biometric_categories
    has_persons = bool(need.persons)
    categories = [str(category.label) for category in biometric]
    if biometric and not has_persons and not revision.fictional_person:
        findings.append(
            FindingSpec(
                code=BIOMETRIC_NO_PERSON,
                severity=Severity.BLOCKING,
                message=_(
                    "%(categories)s is declared, but no depicted person is named and the contributor did "
                    "not state that the person is fictional."
                )
                % {"categories": ", ".join(categories)},
                evidence={"categories": [c.value for c in biometric]},
                rule="R22",
            )
        )
    if revision.fictional_person:
        if has_persons:
            findings.append(
                FindingSpec(
                    code=FICTIONAL_WITH_PERSONS,
                    severity=Severity.BLOCKING,
                    message=_(
                        "The contributor states that the person is fictional, yet lists %(n)s real person(s)."
                    )
                    % {"n": len(need.persons)},
                    evidence={"statement": revision.fictional_statement},
                    rule="R22",
                )
            )
        else:
            findings.append(
                FindingSpec(
                    code=FICTIONAL_PERSON,
                    severity=Severity.WARNING,
                    message=_(
                        'The contributor states that the person is fictional: "%(statement)s". Escalated: '
                        "a senior moderator decides whether that holds."
                    )
                    % {"statement": revision.fictional_statement},
                    evidence={
                        "statement": revision.fictional_statement,
                        "categories": [c.value for c in biometric],
                        "route": ROUTE,
                    },
                    rule="R22",
                )
            )
    if revision.no_real_person and has_persons and not revision.fictional_person:
        findings.append(
            FindingSpec(
                code=NO_REAL_PERSON_WITH_PERSONS,
                severity=Severity.BLOCKING,
                message=_('The contributor ticked "no real person", yet lists %(n)s person(s).')
                % {"n": len(need.persons)},
                evidence={"persons": [person.person_key for person in need.persons]},
                rule="R22",
            )
        )
    edits = need.biometric_edits
    if edits and not has_persons and not revision.fictional_person:
        findings.append(
            FindingSpec(
                code=PERSON_UNDECLARED,
                severity=Severity.BLOCKING,
                message=_(
                    "The files' C2PA data records a face or voice edit (%(actions)s), but the contributor "
                    "names no depicted person and did not state that the person is fictional."
                )
                % {"actions": _actions(edits)},
                evidence={"biometric_actions": edits},
                rule="R22",
            )
        )
    undeclared = sorted(kinds_of_edits(edits) - kinds_of_categories(revision.categories))
    if undeclared:
        kinds = ", ".join(str(BiometricKind(kind).label).lower() for kind in undeclared)
        findings.append(
            FindingSpec(
                code=EDIT_UNDECLARED,
                severity=Severity.BLOCKING,
                message=_(
                    "The files' C2PA data records a %(kinds)s edit (%(actions)s), but no face or voice "
                    "synthesis category covering it is declared."
                )
                % {"kinds": kinds, "actions": _actions(edits)},
                evidence={"kinds": undeclared, "biometric_actions": edits},
                rule="R22",
            )
        )
    return findings
