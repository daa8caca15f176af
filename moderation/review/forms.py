"""Forms of the review console: queue filters, the decision, notes, bulk decisions."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.authority import AuthorityReport
from accounts.models import Sanction
from moderation.models import (
    Category,
    DecisionOutcome,
    DeepfakeException,
    PolicyReason,
    Region,
    SlaState,
    Tier,
)
from moderation.review.queues import SORTS, QueueFilter

OUTCOME_FILTERS = [
    ("", _("Any check outcome")),
    ("blocking", _("Blocking findings")),
    ("tampered", _("Tampered provenance")),
    ("contradiction", _("Declaration contradicts metadata")),
    ("consent", _("Consent missing")),
]


class QueueFilterForm(forms.Form):
    tier = forms.ChoiceField(label=_("AI tier"), choices=[("", _("Any tier")), *Tier.choices], required=False)
    outcome = forms.ChoiceField(label=_("Check outcome"), choices=OUTCOME_FILTERS, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any category")), *Category.choices], required=False
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", _("Any region")), *Region.choices], required=False
    )
    sla = forms.ChoiceField(
        label=_("SLA"), choices=[("", _("Any SLA state")), *SlaState.choices], required=False
    )
    contributor = forms.CharField(
        label=_("Contributor"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("username")}),
    )
    sort = forms.ChoiceField(
        label=_("Sort"), choices=[("priority", _("Priority")), ("age", _("Oldest first"))], required=False
    )

    def to_filter(self) -> QueueFilter:
        if not self.is_valid():
            return QueueFilter()
        data = {key: value for key, value in self.cleaned_data.items() if value}
        if data.get("sort") not in SORTS:
            data.pop("sort", None)
        return QueueFilter(**data)


# What the moderator does (the buttons); the Decision records the outcome ("Approved" …).
DECISION_ACTIONS = [
    (DecisionOutcome.APPROVED, _("Approve")),
    (DecisionOutcome.REJECTED, _("Reject")),
    (DecisionOutcome.CHANGES_REQUESTED, _("Request changes")),
    (DecisionOutcome.ESCALATED, _("Escalate")),
]
SANCTION_CHOICES = [("", _("No sanction")), *Sanction.Kind.choices]


class AuthorityFields(forms.Form):
    """Reporting to the authority, settled on an illegal ground: reported (when, reference) or why not."""

    reported_to_authority = forms.BooleanField(label=_("Reported to the authority"), required=False)
    reported_on = forms.DateField(
        label=_("Reported on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    authority_reference = forms.CharField(label=_("Authority's reference"), max_length=200, required=False)
    not_reported_reason = forms.CharField(
        label=_("Not reported, because"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("On an illegal ground: report it, or say why not."),
    )

    def clean_reported_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("reported_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The report cannot be dated in the future."))
        return day

    def authority(self) -> AuthorityReport:
        data = self.cleaned_data
        if not data.get("reported_to_authority"):
            return AuthorityReport(not_reported_reason=data.get("not_reported_reason") or "")
        day = data.get("reported_on")
        now = timezone.now()
        at = (
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
            if day and day != timezone.localdate()
            else now
        )
        return AuthorityReport(reported_at=min(at, now), reference=data.get("authority_reference") or "")


class ReasonSelect(forms.Select):
    """Each option says which outcomes may give it (data-outcomes); review.js offers only those."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        reason = getattr(value, "instance", None)  # ModelChoiceIteratorValue: no extra query
        if isinstance(reason, PolicyReason):
            option["attrs"]["data-outcomes"] = " ".join(reason.outcomes)
        return option


class ReasonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_title


class DecisionForm(AuthorityFields):
    outcome = forms.ChoiceField(choices=DECISION_ACTIONS, widget=forms.RadioSelect)
    reason = ReasonField(
        queryset=PolicyReason.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose a reason…"),
        widget=ReasonSelect,
    )
    explanation = forms.CharField(
        label=_("Statement to the contributor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Facts and why: it goes into the statement of reasons."),
    )
    note = forms.CharField(
        label=_("Note for moderators"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    override_reason = forms.CharField(
        label=_("Why approve over blocking findings (senior moderators)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    sanction_kind = forms.ChoiceField(
        label=_("Sanction with the rejection"), choices=SANCTION_CHOICES, required=False
    )
    sanction_days = forms.IntegerField(label=_("Days"), min_value=1, max_value=3650, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    then = forms.CharField(widget=forms.HiddenInput, required=False)

    def suggest(self, suggestions: dict[str, PolicyReason]) -> None:
        """Offer the reason the findings suggest for each outcome (review.selectors.suggested_reasons):
        review.js picks it when the moderator chooses that outcome and no reason yet."""
        for outcome, reason in suggestions.items():
            self.fields["reason"].widget.attrs[f"data-suggest-{outcome}"] = str(reason.pk)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("sanction_kind") and data.get("outcome") != DecisionOutcome.REJECTED:
            self.add_error("sanction_kind", _("A sanction goes only with a rejection."))
        if data.get("sanction_kind") in Sanction.TIMED_KINDS and not data.get("sanction_days"):
            self.add_error("sanction_days", _("Say for how many days."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class BulkDecisionForm(forms.Form):
    items = forms.CharField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = ReasonField(
        queryset=PolicyReason.objects.filter(is_active=True, for_rejection=True), required=False
    )
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "reject" and not data.get("reason"):
            self.add_error("reason", _("A rejection needs a reason."))
        if data.get("action") == "reject" and not (data.get("explanation") or "").strip():
            self.add_error("explanation", _("A rejection needs an explanation for the statement of reasons."))
        return data


class DeepfakeForm(forms.Form):
    """Mark an item as a deepfake (AI Act Art. 50(4)), optionally with the artistic, satirical or
    fictional exception."""

    reason = forms.CharField(
        label=_("Why it is a deepfake"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What real person, object, place or event it resembles, and why it could pass as authentic."
        ),
    )
    exception = forms.ChoiceField(
        label=_("Exception"),
        choices=[("", _("None: the full disclosure")), *DeepfakeException.choices],
        required=False,
        help_text=_("An evidently artistic, satirical or fictional work gets a limited disclosure."),
    )
    exception_reason = forms.CharField(
        label=_("Why the exception applies"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("exception") and not (data.get("exception_reason") or "").strip():
            self.add_error(
                "exception_reason", _("Say why the work is evidently artistic, satirical or fictional.")
            )
        return data


class DeepfakeClearForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not a deepfake after all"), max_length=2000)
