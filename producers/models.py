"""Known producers of AI content and the version of their list.

A producer is keyed as GB 45438 labels name it in ``ContentProducer``: a TC260 producer code (27
characters: "001", a digit, the provider's USCC and a product suffix), the provider's Unified Social
Credit Code alone (every product of that provider), or a free-text name (compared lower-cased).
Every change bumps the list's version, which the label check's version carries.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labels.producers import ALLOW, DENY, PRODUCER_CODE, USCC_RE, uscc_is_valid


class ProducerStatus(models.TextChoices):
    ALLOW = ALLOW, _("Allowed")
    DENY = DENY, _("Denied")


class KeyKind(models.TextChoices):
    TC260_CODE = "tc260_code", _("TC260 producer code")
    USCC = "uscc", _("Unified Social Credit Code")
    NAME = "name", _("Name")


def normalise_key(value: str) -> tuple[str, str]:
    """(key as the engine looks it up, its kind): codes upper-cased, names lower-cased."""
    value = value.strip()
    upper = value.upper()
    match = PRODUCER_CODE.match(upper)
    if match:
        return upper, KeyKind.TC260_CODE
    if USCC_RE.match(upper):
        return upper, KeyKind.USCC
    return value.lower(), KeyKind.NAME


class Producer(models.Model):
    key = models.CharField(
        _("code, USCC or name"),
        max_length=200,
        unique=True,
        help_text=_(
            "As GB 45438 labels write ContentProducer: a 27-character TC260 producer code, the provider's "
            "18-character Unified Social Credit Code (all its products), or a name such as “doubao”."
        ),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=KeyKind.choices, editable=False)
    name = models.CharField(_("provider"), max_length=200, help_text=_("What moderators see."))
    status = models.CharField(_("status"), max_length=8, choices=ProducerStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "key"]
        verbose_name = _("known producer")
        verbose_name_plural = _("known producers")

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def clean(self) -> None:
        self.key, self.kind = normalise_key(self.key)
        if not self.key:
            raise ValidationError({"key": _("Give a producer code, a USCC or a name.")})
        code = PRODUCER_CODE.match(self.key)
        uscc = code.group(1) if code else (self.key if self.kind == KeyKind.USCC else None)
        if uscc is not None and not uscc_is_valid(uscc):
            message = _("The Unified Social Credit Code %(uscc)s fails its GB 32100 check: a typing error?")
            raise ValidationError({"key": message % {"uscc": uscc}})


class ProducerList(models.Model):
    """The list's version: one row, bumped by every change (labels found with it say which)."""

    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("producer list")

    def __str__(self) -> str:
        return f"producer list v{self.version}"
