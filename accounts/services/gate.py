"""May this user submit content? The one place that decides (rule R26, Art. 9 and 10).

The submission service calls `assert_can_submit(user)` inside its transaction; pages call
`submission_gate(user)` to explain beforehand. The gate reads the database afresh rather
than the per-request standing, because it is the last word before content goes out.

A user may submit only when all hold:
1. the account is active (not closed),
2. no suspension is in force,
3. no function restriction is in force,
4. the user is a contributor,
5. the current terms of service are accepted (when a version is in force),
6. the identity is verified (one verified attempt of any method).
"""

import datetime
import enum
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Sanction, User
from accounts.roles import Role, role_for
from accounts.selectors import STANDING_FIELDS, with_standing


class GateReason(enum.StrEnum):
    CLOSED = "closed"
    SUSPENDED = "suspended"
    RESTRICTED = "restricted"
    NOT_CONTRIBUTOR = "not_contributor"
    TERMS_NOT_ACCEPTED = "terms_not_accepted"
    IDENTITY_NOT_VERIFIED = "identity_not_verified"


@dataclass(frozen=True)
class GateBlock:
    reason: GateReason
    message: str


@dataclass(frozen=True)
class GateResult:
    """Every reason the user may not submit, most serious first; empty when they may."""

    blocks: tuple[GateBlock, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocks

    @property
    def reasons(self) -> tuple[GateReason, ...]:
        return tuple(block.reason for block in self.blocks)


class SubmissionNotAllowed(Exception):
    """Raised by assert_can_submit. `message` is translated and meant for the user."""

    def __init__(self, block: GateBlock, result: GateResult) -> None:
        super().__init__(block.message)
        self.reason = block.reason
        self.message = block.message
        self.result = result


def _until(user: User, kind: str, now: datetime.datetime) -> str:
    """'until <date>' for the longest-running sanction of `kind`, or 'until further notice'."""
    ends = list(
        Sanction.objects.filter(user=user, kind=kind).in_force(now).values_list("expires_at", flat=True)
    )
    if not ends or any(end is None for end in ends):
        return _("until further notice")
    latest = max(end for end in ends if end is not None)
    return _("until %(date)s") % {"date": date_format(timezone.localtime(latest), "DATETIME_FORMAT")}


def submission_gate(user: User, now: datetime.datetime | None = None) -> GateResult:
    now = now or timezone.now()
    row = (
        with_standing(User.objects.filter(pk=user.pk), now)
        .values("is_active", "is_superuser", *STANDING_FIELDS)
        .get()
    )
    role = role_for(frozenset(user.groups.values_list("name", flat=True)), is_superuser=row["is_superuser"])
    blocks: list[GateBlock] = []
    if not row["is_active"]:
        blocks.append(
            GateBlock(GateReason.CLOSED, _("This account is closed: it can no longer submit content."))
        )
    if row["standing_suspension_id"] is not None:
        blocks.append(
            GateBlock(
                GateReason.SUSPENDED,
                _("Your account is suspended %(until)s.")
                % {"until": _until(user, Sanction.Kind.SUSPENSION, now)},
            )
        )
    if row["standing_restricted"]:
        blocks.append(
            GateBlock(
                GateReason.RESTRICTED,
                _("Submitting is restricted on your account %(until)s.")
                % {"until": _until(user, Sanction.Kind.RESTRICTION, now)},
            )
        )
    if role != Role.CONTRIBUTOR:
        blocks.append(GateBlock(GateReason.NOT_CONTRIBUTOR, _("Only contributors can submit content.")))
    if row["standing_terms_id"] is not None and not row["standing_terms_accepted"]:
        blocks.append(
            GateBlock(
                GateReason.TERMS_NOT_ACCEPTED,
                _("Accept the current terms of service before submitting."),
            )
        )
    if not row["standing_identity_verified"]:
        blocks.append(
            GateBlock(
                GateReason.IDENTITY_NOT_VERIFIED,
                _("Verify your identity before submitting: publishing requires real-name verification."),
            )
        )
    return GateResult(tuple(blocks))


def assert_can_submit(user: User, now: datetime.datetime | None = None) -> None:
    """Raise SubmissionNotAllowed, with the most serious reason, unless the user may submit."""
    result = submission_gate(user, now)
    if not result.allowed:
        raise SubmissionNotAllowed(result.blocks[0], result)
