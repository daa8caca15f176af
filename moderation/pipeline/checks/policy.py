"""The policy check: title, text and declared prompt against the prohibited-content feature
library (Deep Synthesis Art. 10, R27). Each match is a finding carrying the library version."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy, gettext_noop

from moderation.finding_messages import register_messages, say
from moderation.models import FeatureLibrary, PolicyRule, Revision
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec

# Admin-written regular expressions run on contributor text: bound the text they see.
MAX_TEXT_CHARS = 200_000

POLICY_MATCH = "policy_match"
SUMMARY_MATCHES = "summary:policy:matches"
SUMMARY_CLEAN = "summary:policy:clean"
register_messages(
    {
        POLICY_MATCH: gettext_noop(
            'The %(field)s contains "%(match)s", which policy rule "%(rule)s" prohibits: %(description)s.'
        ),
        "field:title": gettext_noop("title"),
        "field:text": gettext_noop("text"),
        "field:prompt": gettext_noop("prompt"),
        SUMMARY_MATCHES: gettext_noop("%(count)s match(es) against feature library v%(version)s"),
        SUMMARY_CLEAN: gettext_noop("No prohibited terms (feature library v%(version)s, %(rules)s rules)"),
    }
)


def normalise(text: str) -> str:
    """Fold width and case so 'ＡＢＣ' and 'abc' match the same rule."""
    return unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS]).casefold()


def library_version() -> int:
    return library_state()[0]


def library_state() -> tuple[int, str]:
    """The library's version and the moment it changed (which also tells a restored database apart)."""
    library = FeatureLibrary.objects.filter(pk=1).first()
    return (library.version, library.updated_at.isoformat()) if library else (0, "")


@dataclass(frozen=True)
class CompiledRule:
    rule: PolicyRule
    pattern: re.Pattern[str]


# The active rules, compiled, for one state of the library: every rule change bumps its version,
# so a worker reads and compiles the rules once per change instead of once per check.
_compiled: dict[tuple[int, str], list[CompiledRule]] = {}


def compiled_rules(state: tuple[int, str]) -> list[CompiledRule]:
    if state not in _compiled:
        _compiled.clear()
        _compiled[state] = [
            CompiledRule(
                rule,
                re.compile(
                    rule.pattern if rule.is_regex else re.escape(normalise(rule.pattern)), re.IGNORECASE
                ),
            )
            for rule in PolicyRule.objects.filter(is_active=True)
        ]
    return _compiled[state]


@register
class PolicyCheck(Check):
    kind = "policy"
    version = "1.0"
    title = gettext_lazy("Prohibited content")

    def current_version(self) -> str:
        return f"{self.version}+lib{library_version()}"

    def run(self, revision: Revision) -> CheckResult:
        state = library_state()
        version = state[0]
        fields = {"title": revision.title, "text": revision.body, "prompt": revision.prompt}
        texts = {name: normalise(value) for name, value in fields.items() if value}
        rules = [
            compiled for compiled in compiled_rules(state) if compiled.rule.applies_to_region(revision.region)
        ]
        findings = []
        for compiled in rules:
            rule, pattern = compiled.rule, compiled.pattern
            for field_name, text in texts.items():
                matches = list(pattern.finditer(text))
                if not matches:
                    continue
                first = matches[0]
                message, params = say(
                    POLICY_MATCH,
                    field={"key": f"field:{field_name}"},
                    match=first.group(0)[:80],
                    rule=rule.code,
                    description=rule.description,
                )
                findings.append(
                    FindingSpec(
                        code=POLICY_MATCH,
                        severity=rule.severity,
                        message=message,
                        params=params,
                        evidence={
                            "rule": rule.code,
                            "field": field_name,
                            "match": first.group(0)[:200],
                            "position": first.start(),
                            "matches": len(matches),
                            "library_version": version,
                        },
                        rule=rule.rule_ref,
                    )
                )
        summary, summary_params = (
            say(SUMMARY_MATCHES, count=len(findings), version=version)
            if findings
            else say(SUMMARY_CLEAN, version=version, rules=len(rules))
        )
        return CheckResult(
            summary=summary,
            summary_params=summary_params,
            findings=findings,
            data={"library_version": version, "rules_applied": len(rules)},
        )
