"""Fixed vocabularies of the moderation domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHECKING = "checking", _("Checking")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    # Approved; the labelled renditions are being made and read back. Not public yet.
    PUBLISHING = "publishing", _("Publishing…")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Published, then removed by a moderator's decision (a notice, their own initiative, a
    # complaint) with a statement of reasons: hidden everywhere, page and media.
    TAKEN_DOWN = "taken_down", _("Taken down")
    # Published, but withheld in the regions its decision names (a territorial restriction).
    RESTRICTED = "restricted", _("Restricted in a region")


# The lifecycle: every move a submission may make, and nothing else. `submission_transition`
# (moderation/lifecycle.py) refuses any other and is the only writer of `Submission.status`.
# A new state is one member of Status above and one line here (plus the moves into it).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.CHECKING, Status.AWAITING_REVIEW, Status.WITHDRAWN}),
    Status.CHECKING: frozenset({Status.AWAITING_REVIEW, Status.WITHDRAWN}),
    # Back to a draft: the contributor corrects an item (a wrong declaration) before anyone decides.
    Status.AWAITING_REVIEW: frozenset(
        {
            Status.CHECKING,
            Status.PUBLISHING,
            Status.REJECTED,
            Status.CHANGES_REQUESTED,
            Status.WITHDRAWN,
            Status.DRAFT,
        }
    ),
    # Published once the renditions read back; back to review (escalated) when rendering failed
    # for good, or (takedown) when the ground for publishing went away meanwhile; taken down by a
    # moderator while a republication was under way.
    Status.PUBLISHING: frozenset({Status.APPROVED, Status.AWAITING_REVIEW, Status.TAKEN_DOWN}),
    # Consent gone: back to review in the takedown queue. A moderator's decision: taken down
    # everywhere, or withheld in a region.
    Status.APPROVED: frozenset({Status.AWAITING_REVIEW, Status.TAKEN_DOWN, Status.RESTRICTED}),
    # Widened to everywhere, consent gone, or lifted: published again through the publication job.
    Status.RESTRICTED: frozenset({Status.AWAITING_REVIEW, Status.TAKEN_DOWN, Status.PUBLISHING}),
    # Reversed (by a moderator, a complaint, or the end of a temporary takedown): published
    # again through the publication job, never straight back to "approved".
    Status.TAKEN_DOWN: frozenset({Status.PUBLISHING}),
    # A complaint overturned the decision: published through the publication job.
    Status.REJECTED: frozenset({Status.PUBLISHING}),
    Status.CHANGES_REQUESTED: frozenset({Status.DRAFT, Status.WITHDRAWN, Status.PUBLISHING}),
    Status.WITHDRAWN: frozenset(),
}

# Moves that restrict content: each needs a statement of reasons (DSA Art. 17, R36) issued no
# later than the move, on a Decision named in the move's details ({"decision": pk}). The
# lifecycle refuses the move without one (moderation.review.statements.require_statement).
# (Publishing -> awaiting review is also a failed render, which restricts nothing.)
STATEMENT_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.AWAITING_REVIEW, Status.REJECTED),
        (Status.AWAITING_REVIEW, Status.CHANGES_REQUESTED),
        (Status.APPROVED, Status.AWAITING_REVIEW),
        (Status.APPROVED, Status.TAKEN_DOWN),
        (Status.APPROVED, Status.RESTRICTED),
        (Status.RESTRICTED, Status.AWAITING_REVIEW),
        (Status.RESTRICTED, Status.TAKEN_DOWN),
        (Status.PUBLISHING, Status.TAKEN_DOWN),
    }
)

# Readers see these (the page says where a restricted one is withheld).
PUBLIC_STATUSES = frozenset({Status.APPROVED, Status.RESTRICTED})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def sources_of(to_status: str) -> frozenset[str]:
    """The statuses from which a submission may move to `to_status`."""
    return frozenset(status for status, targets in TRANSITIONS.items() if to_status in targets)


# Statuses from which the contributor may still withdraw: everything before a final decision.
WITHDRAWABLE = sources_of(Status.WITHDRAWN)


class Queue(models.TextChoices):
    REVIEW = "review", _("Awaiting review")
    ESCALATED = "escalated", _("Escalated")
    TAKEDOWN = "takedown", _("Takedown")


class Region(models.TextChoices):
    CN = "cn", _("Mainland China")
    EU = "eu", _("European Union")
    OTHER = "other", _("Elsewhere")


class Tier(models.TextChoices):
    """Labeling Measures Art. 6: what the publication must say about AI generation."""

    CONFIRMED = "confirmed", _("Confirmed AI-generated")
    POSSIBLE = "possible", _("Possibly AI-generated")
    SUSPECTED = "suspected", _("Suspected AI-generated")
    NONE = "none", _("No AI indication")


class Category(models.TextChoices):
    """Synthesis categories of Deep Synthesis Art. 17 and 23. Stored as bit flags (see `flag`)."""

    TEXT_PERSON_SIMULATION = "text_person_simulation", _("Text simulating a natural person")
    VOICE_SYNTHESIS = "voice_synthesis", _("Synthetic voice or voice imitation")
    FACE_GENERATION = "face_generation", _("Face generation")
    FACE_SWAP = "face_swap", _("Face swap")
    FACE_MANIPULATION = "face_manipulation", _("Face or expression manipulation")
    BODY_MANIPULATION = "body_manipulation", _("Body or gesture manipulation")
    IMMERSIVE_SCENE = "immersive_scene", _("Immersive realistic scene")
    OTHER_GENERATION = "other_generation", _("Other generation or editing")

    @classmethod
    def flag(cls, slug: str) -> int:
        return 1 << list(cls.values).index(slug)

    @classmethod
    def to_flags(cls, slugs: "list[str] | tuple[str, ...]") -> int:
        flags = 0
        for slug in slugs:
            flags |= cls.flag(slug)
        return flags

    @classmethod
    def from_flags(cls, flags: int) -> list["Category"]:
        return [category for i, category in enumerate(cls) if flags & (1 << i)]


# Biometric synthesis (R22): the face or voice of a person is swapped, reenacted or cloned. Each
# needs at least one depicted person, or the contributor's audited statement that the person is
# fictional (which sends the item to a senior moderator).
BIOMETRIC_SYNTHESIS = frozenset(
    {Category.FACE_SWAP, Category.FACE_MANIPULATION, Category.VOICE_SYNTHESIS, Category.BODY_MANIPULATION}
)


class Relation(models.TextChoices):
    SELF = "self", _("The contributor")
    OTHER = "other", _("Another real person")
    PUBLIC_FIGURE = "public_figure", _("A public figure")


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")


class DeepfakeException(models.TextChoices):
    """AI Act Art. 50(4): an evidently artistic, creative, satirical or fictional work needs only
    a disclosure that does not hamper its display or enjoyment."""

    ARTISTIC = "artistic", _("Evidently artistic or creative work")
    SATIRICAL = "satirical", _("Evidently satirical work")
    FICTIONAL = "fictional", _("Evidently fictional work")


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
