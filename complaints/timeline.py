"""Complaints in an item's history: moderators see them all; the contributor sees their own."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.models import Complaint
from moderation.models import Submission
from moderation.timeline import Entry, register_timeline_source


def complaint_entries(submission: Submission, viewer: User, as_moderator: bool) -> list[Entry]:
    complaints = Complaint.objects.filter(submission=submission).select_related("decision", "reviewer")
    if not as_moderator:
        complaints = complaints.filter(complainant=viewer)
    entries = []
    for complaint in complaints:
        about = complaint.decision.get_outcome_display() if complaint.decision else ""
        entries.append(
            Entry(
                at=complaint.received_at,
                kind="complaint",
                title=_("Complaint %(ref)s from %(who)s about: %(decision)s")
                % {
                    "ref": complaint.reference,
                    "who": complaint.get_complainant_kind_display().lower(),
                    "decision": about,
                },
                detail=complaint.explanation
                + "\n"
                + _("Answer due by %(date)s")
                % {
                    "date": formats.date_format(timezone.localtime(complaint.due_at), "SHORT_DATETIME_FORMAT")
                    if complaint.due_at
                    else "—"
                },
                extra={"complaint": complaint},
            )
        )
        if complaint.decided_at is not None:
            who = (
                complaint.reviewer.get_username()
                if complaint.reviewer and as_moderator
                else _("a senior moderator")
            )
            entries.append(
                Entry(
                    at=complaint.decided_at,
                    kind=f"complaint-{complaint.state}",
                    title=_("Complaint %(ref)s: %(state)s by %(who)s")
                    % {
                        "ref": complaint.reference,
                        "state": complaint.get_state_display().lower(),
                        "who": who,
                    },
                    detail=complaint.resolution,
                    extra={"complaint": complaint},
                )
            )
    return entries


register_timeline_source(complaint_entries)
