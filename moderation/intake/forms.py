"""Forms validate; services act."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from moderation.intake.services import PersonInput, RevisionInput, notice_is_acknowledged
from moderation.models import BIOMETRIC_SYNTHESIS, Category, Region, Relation, Revision

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if file]


DECLARATION_CHOICES = [
    ("yes", _("Yes: it contains AI-generated or synthesised content")),
    ("no", _("No: nothing in it was generated or synthesised by AI")),
]


class SubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    media_files = MultipleFileField(
        label=_("Media files"),
        required=False,
        help_text=_("Images (JPEG, PNG, WebP, GIF), video (MP4, WebM) or audio (MP3, WAV, M4A)."),
        widget=MultipleFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp,image/gif,video/mp4,"
                "video/webm,audio/mpeg,audio/wav,audio/x-wav,audio/mp4"
            }
        ),
    )
    declared_ai = forms.ChoiceField(
        label=_("Does this contain AI-generated or synthesised content?"),
        choices=DECLARATION_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "The law requires you to declare it (CAC Labeling Measures Art. 10, EU AI Act Art. 50): "
            "we label AI content so readers are not misled. Declaring it does not count against you; "
            "hiding it does."
        ),
    )
    categories = forms.MultipleChoiceField(
        label=_("What kind of synthesis?"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    prompt = forms.CharField(
        label=_("Prompt used (if any)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Generation prompts are screened like the rest of the content."),
    )
    region = forms.ChoiceField(
        label=_("Where will it be published?"),
        choices=Region.choices,
        widget=forms.RadioSelect,
        help_text=_("So that the rules of that region are applied."),
    )
    no_real_person = forms.BooleanField(label=_("It depicts no real person"), required=False)
    fictional_person = forms.BooleanField(
        label=_("The face or voice belongs to a fictional person, not to anyone real"),
        required=False,
        help_text=_(
            "Only for a face swap, face reenactment or voice clone that depicts nobody real. "
            "A senior moderator reviews it."
        ),
    )
    fictional_statement = forms.CharField(
        label=_("Why the person is fictional"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_notice_acknowledged = forms.BooleanField(
        label=_("I have informed each person depicted and obtained their separate consent"), required=False
    )
    eu_public_interest_text = forms.BooleanField(
        label=_("The text informs the public on a matter of public interest (EU)"), required=False
    )
    eu_human_reviewed = forms.BooleanField(label=_("A human reviewed and edited the text"), required=False)
    eu_editor = forms.CharField(label=_("Editorially responsible person"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("eu_human_reviewed") and not (data.get("eu_editor") or "").strip():
            self.add_error("eu_editor", _("Name the person who holds editorial responsibility."))
        if data.get("fictional_person") and not (data.get("fictional_statement") or "").strip():
            self.add_error("fictional_statement", _("Say why the person is fictional."))
        biometric = [c for c in data.get("categories") or [] if c in BIOMETRIC_SYNTHESIS]
        if biometric and data.get("no_real_person") and not data.get("fictional_person"):
            # The service refuses it at submission too; here the contributor learns it early.
            self.add_error(
                "fictional_person",
                _(
                    "A face swap, face reenactment or voice clone with no real person needs your "
                    "statement that the person is fictional."
                ),
            )
        return data

    @classmethod
    def initial_from(cls, revision: Revision) -> dict[str, Any]:
        return {
            "title": revision.title,
            "body": revision.body,
            "prompt": revision.prompt,
            "declared_ai": {True: "yes", False: "no", None: None}[revision.declared_ai],
            "categories": [c.value for c in revision.categories],
            "region": revision.region,
            "no_real_person": revision.no_real_person,
            "eu_public_interest_text": revision.eu_public_interest_text,
            "eu_human_reviewed": revision.eu_human_reviewed,
            "eu_editor": revision.eu_editor,
            "fictional_person": revision.fictional_person,
            "fictional_statement": revision.fictional_statement,
            "consent_notice_acknowledged": notice_is_acknowledged(revision),
        }

    def to_input(self, persons: list[PersonInput]) -> RevisionInput:
        data = self.cleaned_data
        return RevisionInput(
            title=data["title"],
            body=data["body"],
            prompt=data["prompt"],
            declared_ai=data["declared_ai"] == "yes",
            categories=data["categories"],
            region=data["region"],
            no_real_person=data["no_real_person"],
            persons=persons,
            eu_public_interest_text=data["eu_public_interest_text"],
            eu_human_reviewed=data["eu_human_reviewed"],
            eu_editor=data["eu_editor"],
            fictional_person=data["fictional_person"],
            fictional_statement=data["fictional_statement"],
            consent_notice_acknowledged=data["consent_notice_acknowledged"],
        )


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    relation = forms.ChoiceField(
        label=_("Who is it?"), choices=[("", _("Choose…")), *Relation.choices], required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("International format: +8613812345678"),
    )
    person_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s\-()]", "", self.cleaned_data.get("phone") or "")
        if phone and not E164.match(phone):
            raise ValidationError(_("Enter the number in international format, e.g. +8613812345678."))
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("name"):
            return data
        if not data.get("relation"):
            self.add_error("relation", _("Say who this person is."))
        elif data["relation"] == Relation.OTHER and not (data.get("email") or data.get("phone")):
            self.add_error(
                "email", _("Give an e-mail or phone number so we can ask this person for consent.")
            )
        return data


PersonFormSet = forms.formset_factory(PersonForm, extra=1, max_num=20, validate_max=True)


def persons_from(formset: Any) -> list[PersonInput]:
    return [
        PersonInput(
            name=f.cleaned_data["name"],
            relation=f.cleaned_data["relation"],
            email=f.cleaned_data["email"],
            phone=f.cleaned_data["phone"],
            person_key=f.cleaned_data.get("person_key") or "",
        )
        for f in formset.forms
        if f.cleaned_data.get("name")
    ]
