"""Telling the contributor about a decision: the subject, the statement of reasons in full, and
the link that complains about this very decision (DSA Art. 17(3)(f), Art. 20)."""

from django.template.loader import render_to_string
from django.urls import reverse

from moderation.models import Decision
from notifications.services import Text, notify, render_text


def complaint_path(decision: Decision) -> str:
    """The contributor's complaint page for this decision (login required, theirs only)."""
    return reverse("complaint_new", args=[decision.pk])


def decision_notify(decision: Decision, *, subject: Text, lead: Text = "") -> None:
    """In-app and by e-mail: `lead` (what happened), the statement, how to complain.

    `subject` and `lead` are callables (or lazy strings): they are rendered in the contributor's
    language, with the body, whoever took the decision."""
    from django.conf import settings

    submission = decision.submission

    def body() -> str:
        return render_to_string(
            "moderation/messages/decision.txt",
            {
                "subject": render_text(subject),
                "lead": render_text(lead),
                "statement": decision.statement,
                "complaint_url": (
                    settings.SITE_URL.rstrip("/") + complaint_path(decision)
                    if decision.is_restriction
                    else ""
                ),
            },
        ).strip()

    notify(
        submission.contributor,
        subject=subject,
        body=body,
        link=reverse("submission_detail", args=[submission.pk]),
    )
