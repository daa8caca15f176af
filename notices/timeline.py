"""Notices in an item's history: moderators see who sent them; the contributor sees only what was
reported and when (a notifier's identity is not theirs to know)."""

from django.utils.translation import gettext as _

from accounts.models import User
from moderation.models import Submission
from moderation.timeline import Entry, register_timeline_source
from notices.models import Notice


def notice_entries(submission: Submission, viewer: User, as_moderator: bool) -> list[Entry]:
    entries = []
    for notice in Notice.objects.filter(submission=submission).order_by("received_at", "id"):
        title = _("Reported: %(category)s") % {"category": notice.get_category_display()}
        detail = ""
        if as_moderator:
            sender = notice.name or _("anonymous")
            if notice.email:
                sender += f" <{notice.email}>"
            if notice.trusted_flagger:
                sender += " · " + _("trusted flagger")
            detail = f"{notice.reference} · {sender}\n{notice.explanation}"
            if notice.law:
                detail += "\n" + _("Law: %(law)s") % {"law": notice.law}
        entries.append(
            Entry(
                at=notice.received_at,
                kind="notice",
                title=title,
                detail=detail,
                extra={"case": notice.case_id},
            )
        )
    return entries


register_timeline_source(notice_entries)
