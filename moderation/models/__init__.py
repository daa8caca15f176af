"""Moderation models, one module per part of the domain."""

from moderation.models.checks import (
    FINISHED_RUN_STATUSES,
    CheckRun,
    FeatureLibrary,
    Finding,
    PolicyRegion,
    PolicyRule,
    RunStatus,
    Severity,
)
from moderation.models.choices import (
    BIOMETRIC_CATEGORIES,
    Category,
    MediaKind,
    Queue,
    Region,
    Relation,
    Status,
    Tier,
)
from moderation.models.notifications import Notification
from moderation.models.review import Decision, DecisionOutcome, PolicyReason, ReviewNote
from moderation.models.submissions import DepictedPerson, MediaFile, Revision, Submission

__all__ = [
    "BIOMETRIC_CATEGORIES",
    "FINISHED_RUN_STATUSES",
    "Category",
    "CheckRun",
    "Decision",
    "DecisionOutcome",
    "DepictedPerson",
    "FeatureLibrary",
    "Finding",
    "MediaFile",
    "MediaKind",
    "Notification",
    "PolicyReason",
    "PolicyRegion",
    "PolicyRule",
    "Queue",
    "Region",
    "Relation",
    "ReviewNote",
    "Revision",
    "RunStatus",
    "Severity",
    "Status",
    "Submission",
    "Tier",
]
