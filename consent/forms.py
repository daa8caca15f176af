"""Forms validate; the consent services act."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from consent.documents import ReleaseFile, inspect_release
from consent.models import Channel


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)


class GrantForm(forms.Form):
    """The one question of the public page: its own checkbox, nothing else on the form."""

    separate = forms.BooleanField(
        required=True, error_messages={"required": _("Tick the box to give your consent.")}
    )
    text_version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["separate"].label = text


class SelfConfirmForm(forms.Form):
    confirmed = forms.BooleanField(
        required=True,
        error_messages={"required": _("Tick the box to confirm that you are the person depicted.")},
    )
    text_version = forms.CharField(widget=forms.HiddenInput)


class ReleaseUploadForm(forms.Form):
    document = forms.FileField(label=_("Signed release (JPEG, PNG or PDF)"))

    def clean_document(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["document"]
        self.release: ReleaseFile = inspect_release(upload)
        return upload


class ApproveReleaseForm(forms.Form):
    separate = forms.BooleanField(
        required=True,
        label=_(
            "The document is signed by this person, asks for this consent on its own (not bundled with "
            "other terms) and covers this content."
        ),
        error_messages={"required": _("Confirm what the document shows before approving it.")},
    )


class RefuseReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the contributor)"), max_length=1000, widget=forms.Textarea
    )
