"""`{% load banks %}{% bank_add_form submission %}` on the review page: the add-to-bank form."""

from django import template

from banks.forms import AddToBankForm
from banks.models import Bank
from moderation.models import Submission

register = template.Library()


@register.inclusion_tag("banks/snippets/add_to_bank.html")
def bank_add_form(submission: Submission) -> dict:
    has_files = submission.current_revision_id is not None and submission.current_revision.media.exists()  # type: ignore[union-attr]
    return {
        "submission": submission,
        "form": AddToBankForm(revision_id=submission.current_revision_id) if has_files else None,
        "has_banks": Bank.objects.exists(),
    }
