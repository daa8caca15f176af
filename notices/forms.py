"""The public notice form (DSA Art. 16(2)) and the moderators' decision form."""

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from moderation.models import PolicyReason, Region, Submission
from moderation.review.forms import AuthorityFields
from notices.models import ANONYMOUS_CATEGORIES, NoticeCategory, NoticeOutcome

# The published page, or one of its media files: /p/<id>/ and /p/<id>/media/<n>/.
ITEM_PATH = re.compile(r"^/p/(?P<pk>\d+)/(?:media/\d+/)?$")
MAX_URLS = 10


def our_hosts(request_host: str) -> set[str]:
    hosts = {urlsplit(settings.SITE_URL).netloc.lower(), request_host.lower()}
    hosts |= {
        host.lower()
        for host in settings.ALLOWED_HOSTS
        if host and "*" not in host and not host.startswith(".")
    }
    return hosts


class NoticeForm(forms.Form):
    urls = forms.CharField(
        label=_("Exact address of the content"),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("One address per line: the page, or the media file."),
    )
    category = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=NoticeCategory.choices, widget=forms.RadioSelect
    )
    law = forms.CharField(
        label=_("Which law does it break?"),
        max_length=300,
        required=False,
        help_text=_("For example the article of a law, and the country."),
    )
    explanation = forms.CharField(
        label=_("Why should it be removed?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Explain what is wrong, as precisely as you can."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("We send you a receipt and our decision. Optional only for child sexual abuse material."),
    )
    good_faith = forms.BooleanField(
        label=_("I am convinced in good faith that the information in this notice is accurate and complete."),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: invisible, and labelled for screen readers as what it is.
    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, host: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host = host
        self.submission: Submission | None = None

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("leave_empty") or "").strip())

    def clean_urls(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Give the exact address of the content."))
        if len(lines) > MAX_URLS:
            raise forms.ValidationError(_("Give at most %(n)s addresses.") % {"n": MAX_URLS})
        hosts = our_hosts(self.host)
        ids: set[int] = set()
        for line in lines:
            parts = urlsplit(line)
            match = ITEM_PATH.match(parts.path)
            if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts or match is None:
                raise forms.ValidationError(
                    _("%(url)s is not the address of content published here.") % {"url": line[:200]}
                )
            ids.add(int(match["pk"]))
        if len(ids) > 1:
            raise forms.ValidationError(
                _("Report one item at a time: these addresses point to different items.")
            )
        self.submission = Submission.objects.filter(pk=ids.pop(), published_at__isnull=False).first()
        if self.submission is None:
            raise forms.ValidationError(_("Nothing is published at this address."))
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category == NoticeCategory.ILLEGAL and not (data.get("law") or "").strip():
            self.add_error("law", _("Say which law the content breaks."))
        if category and category not in ANONYMOUS_CATEGORIES:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Give your name (DSA Art. 16(2)(c))."))
            if not data.get("email"):
                self.add_error(
                    "email", _("Give your e-mail address: we send you the receipt and our decision.")
                )
        return data


class CaseDecisionForm(AuthorityFields):
    outcome = forms.ChoiceField(label=_("Decision"), choices=NoticeOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons for the notifiers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They receive these with the decision."),
    )
    reason = forms.ModelChoiceField(
        label=_("Reason from the policy"),
        queryset=PolicyReason.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose a reason…"),
        help_text=_("Needed to take down, restrict or refute."),
    )
    explanation = forms.CharField(
        label=_("Statement to the contributor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Facts and why: it goes into the statement of reasons. Empty: the reasons above."),
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
    refutation = forms.CharField(
        label=_("Refutation shown above the content"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source_url = forms.URLField(
        label=_("Where the facts are (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
