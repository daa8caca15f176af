"""Reporting to the competent authority (Deep Synthesis Provisions Art. 10 and 11): a decision or
sanction on an illegal ground must settle it, either reported (when, the authority's reference)
or not, with the reason. Decisions (moderation) and sanctions (accounts) record it the same way."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NOT_SETTLED = _(
    "The ground is illegal content: say whether it was reported to the authority (with the date), or why not."
)


@dataclass(frozen=True)
class AuthorityReport:
    """What the moderator said about reporting the case. Empty: nothing said yet."""

    reported_at: datetime.datetime | None = None
    reference: str = ""
    not_reported_reason: str = ""

    @property
    def settled(self) -> bool:
        return self.reported_at is not None or bool(self.not_reported_reason.strip())

    def as_fields(self) -> dict[str, object]:
        """The columns a Decision stores it in."""
        return {
            "reported_to_authority_at": self.reported_at,
            "authority_reference": self.reference.strip()[:200],
            "not_reported_reason": "" if self.reported_at else self.not_reported_reason.strip(),
        }
