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
    BIOMETRIC_SYNTHESIS,
    Category,
    DeepfakeException,
    MediaKind,
    Queue,
    Region,
    Relation,
    SlaState,
    Status,
    Tier,
)
from moderation.models.deepfakes import DeepfakeMark
from moderation.models.deliveries import UnlabelledDelivery
from moderation.models.leases import LeasedItem
from moderation.models.publication import PublicationRun, PublicationStatus, Refutation
from moderation.models.review import (
    RESTRICTING_OUTCOMES,
    Decision,
    DecisionOutcome,
    DecisionSource,
    PolicyReason,
    PublishedRendition,
    ReviewerSettings,
    ReviewNote,
)
from moderation.models.submissions import DepictedPerson, MediaFile, Revision, Submission

__all__ = [
    "BIOMETRIC_SYNTHESIS",
    "FINISHED_RUN_STATUSES",
    "RESTRICTING_OUTCOMES",
    "Category",
    "CheckRun",
    "Decision",
    "DecisionOutcome",
    "DecisionSource",
    "DeepfakeException",
    "DeepfakeMark",
    "DepictedPerson",
    "FeatureLibrary",
    "Finding",
    "LeasedItem",
    "MediaFile",
    "MediaKind",
    "PolicyReason",
    "PolicyRegion",
    "PolicyRule",
    "PublicationRun",
    "PublicationStatus",
    "PublishedRendition",
    "Queue",
    "Refutation",
    "Region",
    "Relation",
    "ReviewNote",
    "ReviewerSettings",
    "Revision",
    "RunStatus",
    "Severity",
    "SlaState",
    "Status",
    "Submission",
    "Tier",
    "UnlabelledDelivery",
]
