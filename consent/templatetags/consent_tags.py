"""The consent panel of the submission page, computed where it is shown."""

from typing import Any

from django import template

from consent import texts
from consent.models import ConsentRecord
from consent.selectors import SELF_CONFIRM, ConsentPanel, consent_panel
from consent.services.common import scope_of, text_params
from moderation.models import Submission

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_panel_for(context: Any, submission: Submission) -> ConsentPanel:
    """The panel for whoever is looking: actions for the contributor, releases to decide for moderators.
    A self-depiction comes with the exact confirmation text the contributor is asked to tick."""
    user = context["request"].user
    panel = consent_panel(
        submission, is_owner=submission.contributor_id == user.pk, is_reviewer=user.is_reviewer
    )
    revision = submission.current_revision
    for person in panel.people:
        if SELF_CONFIRM in person.actions and panel.need is not None and revision is not None:
            scope = ConsentRecord(**scope_of(revision, person.person, panel.need))
            person.self_text = texts.render(
                texts.SELF, **text_params(scope, contributor=submission.contributor)
            )
    return panel
