from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from banks.models import Bank
from moderation.models import MediaFile


class AddToBankForm(forms.Form):
    """A moderator's choice of bank (and optionally one file) for an item's files."""

    bank = forms.ModelChoiceField(
        queryset=Bank.objects.all(),
        label=_("Bank"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    file = forms.ModelChoiceField(
        queryset=MediaFile.objects.none(),
        required=False,
        label=_("File"),
        empty_label=_("Every file of this item"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, revision_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = MediaFile.objects.filter(revision_id=revision_id or 0)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    partner = forms.CharField(label=_("Partner"), max_length=200)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One hash a line: type (pdq or sha256), the hash in hexadecimal, then optionally the PDQ "
            "quality, the partner's reference and a note. A header line and lines starting with # are "
            "skipped."
        ),
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the good lines even if some are bad"),
        required=False,
        help_text=_("Otherwise a file with a bad line imports nothing."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.BANKS_IMPORT_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.BANKS_IMPORT_MAX_MB}
            )
        return upload
