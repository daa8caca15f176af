"""The consent check. A placeholder until consent records exist."""

from moderation.checks import register
from moderation.checks.base import Check, CheckResult
from moderation.models import Revision


@register
class ConsentCheck(Check):
    kind = "consent"
    version = "0.1"
    title = "Consent"

    def run(self, revision: Revision) -> CheckResult:
        return CheckResult(summary="Consent checks are not configured yet")
