"""Forms validate, services act. Identity forms normalise with accounts.identifiers."""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.authority import NOT_SETTLED, AuthorityReport
from accounts.identifiers import normalize_e164, normalize_resident_id, normalize_uscc
from accounts.models import IdentityVerification, Sanction, TermsVersion, User
from accounts.services import validate_identity_image
from accounts.usernames import confusable_username

# --- Logging in --------------------------------------------------------------------------------


class AccountAuthenticationForm(AuthenticationForm):
    """Django's login form, which also tells the owner of a closed or suspended account why they
    cannot log in. Only someone who typed the right password is told."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            if getattr(self.request, "axes_locked_out", False):
                raise
            explanation = self.blocked_account_explanation()
            if explanation:
                raise ValidationError(explanation, code="blocked") from error
            raise

    def blocked_account_explanation(self) -> str:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return ""
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None or not user.check_password(password):
            return ""
        in_force = Sanction.objects.filter(user=user).in_force()
        if not user.is_active:
            closure = in_force.filter(kind=Sanction.Kind.CLOSURE).order_by("-created_at").first()
            reason = closure.reason if closure else ""
            return (
                str(_("This account is closed. Reason: %(reason)s")) % {"reason": reason or "—"}
                + " "
                + (appeal_sentence())
            )
        suspension = in_force.filter(kind=Sanction.Kind.SUSPENSION).order_by("-expires_at").first()
        if suspension is None:
            return ""
        until = (
            date_format(timezone.localtime(suspension.expires_at), "DATETIME_FORMAT")
            if suspension.expires_at
            else str(_("further notice"))
        )
        return (
            str(_("This account is suspended until %(until)s. Reason: %(reason)s"))
            % {"until": until, "reason": suspension.reason}
            + " "
            + appeal_sentence()
        )


def appeal_sentence() -> str:
    return str(_("To appeal, write to %(contact)s; we answer within %(days)d days.")) % {
        "contact": settings.APPEALS_CONTACT,
        "days": settings.APPEALS_RESPONSE_DAYS,
    }


# --- Signing up and terms ----------------------------------------------------------------------


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    email = forms.EmailField(label=_("E-mail address"))
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)
    terms_version = forms.IntegerField(widget=forms.HiddenInput)
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of service, including the rules on labelling AI content."),
        required=True,
    )

    def __init__(self, *args: Any, terms: TermsVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["terms_version"].initial = terms.pk

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."), code="taken")
        if confusable_username(username):
            # Not which one: the message must not help find look-alikes of real accounts.
            raise ValidationError(_("This username looks too much like an existing one."), code="confusable")
        return username

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address exists already."), code="taken")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "terms_version" in cleaned and cleaned["terms_version"] != self.terms.pk:
            # A form error rather than a field error: the field is hidden.
            self.add_error(
                None,
                ValidationError(
                    _("The terms changed while you were reading. Read the new version and accept again."),
                    code="stale",
                ),
            )
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(_("The two passwords differ."), code="mismatch"))
        elif first:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TermsAcceptForm(forms.Form):
    terms_version = forms.IntegerField(widget=forms.HiddenInput)
    accept_terms = forms.BooleanField(
        label=_("I have read and accept these terms of service."), required=True
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, terms: TermsVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["terms_version"].initial = terms.pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "terms_version" in cleaned and cleaned["terms_version"] != self.terms.pk:
            raise ValidationError(
                _("A newer version is now in force. Read it and accept again."), code="stale"
            )
        return cleaned


# --- Identity verification ---------------------------------------------------------------------


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=32,
        help_text=_("In international format, for example +86 138 0013 8000."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        return normalize_e164(self.cleaned_data["phone"])


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class IdCardForm(forms.Form):
    """The number always; the name when a provider checks the person; the phone for the carrier."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        required=False,
        help_text=_("As written on the ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    number = forms.CharField(
        label=_("Resident ID card number"),
        max_length=24,
        help_text=_("18 characters. Only the last four are kept readable; the rest is never stored."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=32,
        required=False,
        help_text=_("The number you verified by text message, registered in your name."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(
        self, *args: Any, needs_name: bool = False, needs_phone: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = needs_name
        self.fields["phone"].required = needs_phone
        if not needs_name:
            del self.fields["name"]
        if not needs_phone:
            del self.fields["phone"]

    def clean_number(self) -> str:
        return normalize_resident_id(self.cleaned_data["number"])

    def clean_phone(self) -> str:
        return normalize_e164(self.cleaned_data["phone"])


class UsccForm(forms.Form):
    code = forms.CharField(
        label=_("Unified Social Credit Code"),
        max_length=24,
        help_text=_("The organisation's 18-character code from its business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return normalize_uscc(self.cleaned_data["code"])


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=IdentityVerification.DocumentKind.choices)
    image = forms.FileField(
        label=_("Image"),
        help_text=_("A JPEG or PNG photo or scan. An administrator reviews it; it is deleted after review."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        validate_identity_image(image)
        return image


# --- Admin: sanctions and decisions ------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SanctionForm(ReasonForm):
    """What an administrator fills in to warn, restrict, suspend or close."""

    duration_days = forms.IntegerField(
        label=_("Duration in days"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Empty: until lifted."),
    )
    evidence_submission_ids = forms.CharField(
        label=_("Evidence: submission ids"),
        required=False,
        help_text=_("Comma-separated, for example 12, 40."),
    )
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=Sanction.Ground.choices,
        initial=Sanction.Ground.INCOMPATIBLE,
        required=False,
        help_text=_("Empty: incompatible with the terms of service."),
    )
    ground_reference = forms.CharField(
        label=_("The law, or the clause of the terms"), max_length=500, required=False
    )
    reported_to_authority = forms.BooleanField(label=_("Reported to the competent authority"), required=False)
    not_reported_reason = forms.CharField(
        label=_("Not reported, because"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("On an illegal ground: report it, or say why not."),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind not in Sanction.TIMED_KINDS:
            del self.fields["duration_days"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["ground"] = data.get("ground") or Sanction.Ground.INCOMPATIBLE
        if (
            data.get("ground") == Sanction.Ground.ILLEGAL
            and not data.get("reported_to_authority")
            and not (data.get("not_reported_reason") or "").strip()
        ):
            self.add_error("not_reported_reason", NOT_SETTLED)
        return data

    def authority(self) -> AuthorityReport:
        data = self.cleaned_data
        return AuthorityReport(
            reported_at=timezone.now() if data.get("reported_to_authority") else None,
            not_reported_reason=data.get("not_reported_reason") or "",
        )

    def clean_evidence_submission_ids(self) -> list[int]:
        raw = self.cleaned_data["evidence_submission_ids"]
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() and int(part) > 0 for part in parts):
            raise ValidationError(_("List submission ids as whole numbers separated by commas."), code="ids")
        return sorted({int(part) for part in parts})

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("duration_days")
        return timezone.now() + datetime.timedelta(days=days) if days else None


class LiftForm(ReasonForm):
    kind = forms.ChoiceField(
        label=_("Lift"),
        choices=[("", _("Every sanction in force")), *Sanction.Kind.choices],
        required=False,
    )
