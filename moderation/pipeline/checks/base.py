"""What every automated check is: a versioned class that looks at one revision."""

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.utils.functional import Promise

from moderation.models import Revision, RunStatus, Severity


class TransientCheckError(Exception):
    """Worth retrying: a service was briefly unavailable, a file was briefly locked."""


@dataclass
class FindingSpec:
    code: str
    severity: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    rule: str = ""
    # What the message says, rendered in the reader's language (moderation.finding_messages).
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class CheckResult:
    summary: str
    findings: list[FindingSpec] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    # What the summary says, rendered in the reader's language (moderation.finding_messages).
    summary_params: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """passed: nothing to look at; flagged: warnings; failed: something blocks approval."""
        severities = {finding.severity for finding in self.findings}
        if Severity.BLOCKING in severities:
            return RunStatus.FAILED
        if Severity.WARNING in severities:
            return RunStatus.FLAGGED
        return RunStatus.PASSED


class Check:
    kind: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str | Promise]  # gettext_lazy: shown in the reader's language
    # The RQ queue its runs go to. Checks that read metadata and text take milliseconds and share
    # "checks"; a check that reads pixels (OCR: seconds an image) goes to "media", beside the
    # publication renders, so it never makes the fast checks wait behind it.
    queue: ClassVar[str] = "checks"
    # Whether a submission waits for this check before it enters the review queue. One that does
    # not (the visible-mark OCR) updates the item's tier, flags and priority when it lands, and
    # approval is refused until it has finished, like for any unfinished check.
    gates_review: ClassVar[bool] = True

    def lease_seconds(self) -> int:
        """How long a worker holds a run before the sweep takes it back (a slow check needs longer)."""
        return int(settings.CHECK_LEASE_SECONDS)

    def applies_to(self, revision: Revision) -> bool:
        return True

    def current_version(self) -> str:
        """The version recorded on each run; checks with external data add its version."""
        return self.version

    def run(self, revision: Revision) -> CheckResult:
        raise NotImplementedError
