"""Forms validate; services act."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.publication.deliveries import CLAUSE


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
