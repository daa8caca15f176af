"""The registry of automated checks. Each check lives in its own module and registers here.

Adding a check: subclass `Check` with a `kind`, a `version` and `run(revision)`, decorate it
with `@register`, and import its module below.
"""

from moderation.models import Revision
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec, TransientCheckError

REGISTRY: dict[str, Check] = {}


def register(check_class: type[Check]) -> type[Check]:
    REGISTRY[check_class.kind] = check_class()
    return check_class


def get_check(kind: str) -> Check:
    return REGISTRY[kind]


def applicable_checks(revision: Revision) -> list[Check]:
    return [check for check in REGISTRY.values() if check.applies_to(revision)]


from moderation.pipeline.checks import consent, label, policy  # noqa: E402, F401  (registration)

__all__ = ["REGISTRY", "Check", "CheckResult", "FindingSpec", "TransientCheckError", "get_check", "register"]
