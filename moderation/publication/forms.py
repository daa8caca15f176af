"""Forms on published content: moderators take down or restrict, reinstate, refute; entitled users
ask for an unlabelled original (R32)."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import PolicyReason, Region
from moderation.publication.deliveries import CLAUSE
from moderation.publication.refutations import REFUTATION_MAX
from moderation.publication.takedown import TakedownRequest
from moderation.review.forms import AuthorityFields

EVERYWHERE = "everywhere"


def active_reasons() -> Any:
    return PolicyReason.objects.filter(is_active=True)


class TakedownForm(AuthorityFields):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=active_reasons(), empty_label=_("Choose a reason…")
    )
    explanation = forms.CharField(
        label=_("Statement to the contributor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facts and why: it goes into the statement of reasons."),
    )
    scope = forms.ChoiceField(
        label=_("Where"),
        choices=[
            (EVERYWHERE, _("Everywhere: take it down")),
            ("regions", _("Only in some regions: restrict it")),
        ],
        initial=EVERYWHERE,
        widget=forms.RadioSelect,
    )
    regions = forms.MultipleChoiceField(
        label=_("Withhold in"), choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        label=_("For how many days"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Empty: for good."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") != EVERYWHERE and not data.get("regions"):
            self.add_error("regions", _("Choose the regions where the content is withheld."))
        return data

    def to_request(self, source: str) -> TakedownRequest:
        data = self.cleaned_data
        days = data.get("days")
        return TakedownRequest(
            reason=data["reason"],
            explanation=data["explanation"],
            regions=tuple(data.get("regions") or ()) if data.get("scope") != EVERYWHERE else (),
            ends_at=timezone.now() + datetime.timedelta(days=days) if days else None,
            source=source,
            authority=self.authority(),
        )


class ReinstateForm(forms.Form):
    explanation = forms.CharField(
        label=_("Why it is reinstated"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The contributor reads this."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RefuteForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=active_reasons(), empty_label=_("Choose a reason…")
    )
    text = forms.CharField(
        label=_("Refutation readers see above the content"),
        max_length=REFUTATION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source_url = forms.URLField(
        label=_("Where the facts are (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    explanation = forms.CharField(
        label=_("Statement to the contributor"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facts and why: it goes into the statement of reasons."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["reason"].initial = (
                PolicyReason.objects.filter(code="fake-news").values_list("pk", flat=True).first()
            )


class RefutationWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), widget=forms.Textarea(attrs={"rows": 2}))


class RefutationReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Authority's reference"), max_length=200, required=False)

    def clean_reported_on(self) -> datetime.date:
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The report cannot be dated in the future."))
        return day

    def reported_at(self) -> datetime.datetime:
        day = self.cleaned_data["reported_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class UnlabelledRequestForm(forms.Form):
    """A request for an unlabelled original: who receives it, and why (R32)."""

    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=200)
    recipient_organisation = forms.CharField(label=_("Recipient's organisation"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the recipient will do with the file without its label."),
    )
    staff_reason = forms.CharField(
        label=_("Your reason (staff)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why you, as staff, hand out this file: a case or ticket reference."),
    )
    acknowledged = forms.BooleanField(label=CLAUSE, required=True)

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["staff_reason"].required = True
        else:
            del self.fields["staff_reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("recipient_name", "recipient_organisation", "purpose", "staff_reason"):
            if name in self.fields and name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("This field is required."))
        return cleaned
