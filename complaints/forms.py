from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import PolicyReason
from moderation.review.forms import AuthorityFields


class ComplaintForm(forms.Form):
    explanation = forms.CharField(
        label=_("Why is the decision wrong?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Tell us what the decision missed. Free of charge; a person reads it."),
    )


class AnswerForm(AuthorityFields):
    outcome = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            ("upheld", _("Uphold the decision: the complaint is not well founded")),
            ("overturned", _("Overturn the decision: the complaint is well founded")),
        ],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("Reasons for the complainant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("They receive these with the answer."),
    )
    reason = forms.ModelChoiceField(
        label=_("Reason from the policy"),
        queryset=PolicyReason.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose a reason…"),
        help_text=_("Overturning a notifier's complaint takes the content down: choose why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}
