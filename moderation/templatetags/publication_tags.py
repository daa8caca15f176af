"""What the published page shows beside the content, without the page's view knowing: the
refutation in force (DS Art. 11) and the address to report the content at."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from moderation.models import Refutation, Submission
from moderation.publication.refutations import refutation_in_force

register = template.Library()


@register.simple_tag
def refutation_for(submission: Submission) -> Refutation | None:
    return refutation_in_force(submission)


@register.simple_tag(takes_context=True)
def report_url(context: Any, submission: Submission) -> str:
    """The notice form, with this page's address filled in."""
    request = context.get("request")
    page = reverse("publication", args=[submission.pk])
    address = request.build_absolute_uri(page) if request is not None else page
    return f"{reverse('notice_form')}?{urlencode({'url': address})}"
