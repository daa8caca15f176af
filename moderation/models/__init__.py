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
    Category,
    MediaKind,
    Queue,
    Region,
    Relation,
    SlaState,
    Status,
    Tier,
)
from moderation.models.deliveries import UnlabelledDelivery
from moderation.models.publication import PublicationRun, PublicationStatus
from moderation.models.review import (
    Decision,
    DecisionOutcome,
    PolicyReason,
    PublishedRendition,
    ReviewerSettings,
    ReviewNote,
)
from moderation.models.submissions import DepictedPerson, MediaFile, Revision, Submission

__all__ = [
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
    "PolicyReason",
    "PolicyRegion",
    "PolicyRule",
    "PublicationRun",
    "PublicationStatus",
    "PublishedRendition",
    "Queue",
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
