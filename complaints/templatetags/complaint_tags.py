"""The link that complains about an account sanction, for the account pages."""

from django import template
from django.urls import reverse

from accounts.models import Sanction
from complaints.tokens import sanction_token

register = template.Library()


@register.simple_tag
def sanction_complaint_path(sanction: Sanction) -> str:
    """The signed complaint page of a restriction, suspension or closure ("" for a warning)."""
    if sanction.kind not in Sanction.RESTRICTING_KINDS:
        return ""
    return reverse("complaint_by_link", args=[sanction_token(sanction)])
