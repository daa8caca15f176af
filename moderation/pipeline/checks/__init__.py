"""The registry of automated checks. Each check lives in its own module and registers here.

Adding a check: subclass `Check` with a `kind`, a `version` and `run(revision)` and decorate it
with `@register`; a slow one names its RQ `queue` ("media") and whether the item waits for it
before entering review (`gates_review`). The pipeline's own checks are imported below; another
app's check registers itself from its AppConfig.ready() (the consent check: consent/check.py).
Checks run, and are listed, in the order of their kind.
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
    return [REGISTRY[kind] for kind in sorted(REGISTRY) if REGISTRY[kind].applies_to(revision)]


def queue_of(kind: str) -> str:
    """The RQ queue a run of this kind goes to (a kind no longer registered: the checks queue)."""
    check = REGISTRY.get(kind)
    return check.queue if check is not None else Check.queue


def kinds_not_gating_review() -> list[str]:
    """Kinds the review queue does not wait for: their results land while the item is in review."""
    return sorted(kind for kind, check in REGISTRY.items() if not check.gates_review)


from moderation.pipeline.checks import label, policy, visible  # noqa: E402, F401  (registration)

__all__ = [
    "REGISTRY",
    "Check",
    "CheckResult",
    "FindingSpec",
    "TransientCheckError",
    "get_check",
    "kinds_not_gating_review",
    "queue_of",
    "register",
]
