"""Filters of the oversight pages. Forms validate; the selectors act."""

from datetime import date, timedelta
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import Queue, Status, Tier
from oversight.metrics.days import local_day
from oversight.metrics.selectors import MetricsFilter
from oversight.search import DECIDED_STATUSES, SearchQuery

MAX_RANGE_DAYS = 731
DEFAULT_DAYS = 84  # twelve weeks


class DateInput(forms.DateInput):
    input_type = "date"


class StyledForm(forms.Form):
    """Bootstrap's small controls on every field (classes, never inline styles)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            kind = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{kind} {kind}-sm")


class DateRangeForm(StyledForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        today = local_day(timezone.now())
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The start is after the end."))
        if (end - start).days >= MAX_RANGE_DAYS:
            raise forms.ValidationError(_("Choose at most two years."))
        data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[date, date]:
        return self.cleaned_data["start"], self.cleaned_data["end"]


class MetricsForm(DateRangeForm):
    queue = forms.ChoiceField(
        label=_("Queue"), required=False, choices=[("", _("All queues")), *Queue.choices]
    )

    def to_filter(self) -> MetricsFilter:
        return MetricsFilter(
            self.cleaned_data["start"], self.cleaned_data["end"], self.cleaned_data["queue"] or ""
        )


class SearchForm(StyledForm):
    q = forms.CharField(label=_("Title or text"), required=False, max_length=200)
    contributor = forms.CharField(label=_("Contributor (username)"), required=False, max_length=150)
    sha256 = forms.RegexField(
        label=_("File SHA-256"),
        required=False,
        regex=r"^[0-9a-fA-F]{64}$",
        error_messages={"invalid": _("A SHA-256 is 64 hexadecimal characters.")},
    )
    c2pa_manifest = forms.CharField(label=_("C2PA manifest id"), required=False, max_length=255)
    produce_id = forms.CharField(label=_("TC260 ProduceID"), required=False, max_length=255)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    tier = forms.ChoiceField(label=_("AI tier"), required=False, choices=[("", _("Any")), *Tier.choices])
    queue = forms.ChoiceField(label=_("Queue"), required=False, choices=[("", _("Any")), *Queue.choices])
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args: object, decided: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if decided:
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [("", _("Any")), *[(s.value, s.label) for s in DECIDED_STATUSES]]

    def to_query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            text=data["q"],
            contributor=data["contributor"],
            sha256=data["sha256"],
            c2pa_manifest=data["c2pa_manifest"],
            produce_id=data["produce_id"],
            status=data["status"],
            tier=data["tier"],
            queue=data["queue"],
            date_from=data["start"],
            date_to=data["end"],
        )
