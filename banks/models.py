"""Known-content banks: hashes of content seen before, and what to do when an upload matches.

The idea of Meta's Hasher-Matcher-Actioner inside Provenant. A bank holds entries (a SHA-256 of
a file, or a PDQ hash of an image or of a video frame), each saying where it came from: an item
a moderator rejected or took down, or a partner's CSV. The match check compares every uploaded
file with the active banks; the bank's action decides how serious a match is.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Meta's recommended PDQ match distance (pdq/README.md): at most 31 of 256 bits differ.
DEFAULT_PDQ_THRESHOLD = 31
# The index answers exactly up to this distance (16 chunks, at most 3 bits each: see banks.index).
MAX_PDQ_THRESHOLD = 63


class Action(models.TextChoices):
    BLOCK = "block", _("Block: a match stops approval")
    ESCALATE = "escalate", _("Escalate: a match needs a senior moderator")
    FLAG = "flag", _("Flag: a match is a warning for the moderator")


class SignalType(models.TextChoices):
    SHA256 = "sha256", _("SHA-256 of the file")
    PDQ = "pdq", _("PDQ perceptual hash")


class Source(models.TextChoices):
    ITEM = "item", _("An item on this platform")
    TAKEDOWN = "takedown", _("An item taken down")
    IMPORT = "import", _("A partner's import")


class Bank(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    purpose = models.TextField(_("purpose"), help_text=_("What belongs here and why, for moderators."))
    action = models.CharField(_("action on a match"), max_length=12, choices=Action.choices)
    pdq_threshold = models.PositiveSmallIntegerField(
        _("PDQ distance threshold"),
        default=DEFAULT_PDQ_THRESHOLD,
        validators=[MaxValueValidator(MAX_PDQ_THRESHOLD)],
        help_text=_("Bits (of 256) that may differ for a perceptual match. Meta recommends 31."),
    )
    is_active = models.BooleanField(_("matching on"), default=True)
    auto_add_reasons = models.ManyToManyField(
        "moderation.PolicyReason",
        verbose_name=_("add automatically on"),
        blank=True,
        related_name="+",
        help_text=_("Files of items rejected or taken down for one of these reasons enter this bank."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Bumped by every change that the matching index must reload for (see banks.index).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bank")
        verbose_name_plural = _("banks")

    def __str__(self) -> str:
        return self.name


class BankImport(models.Model):
    """One CSV file of hashes from a partner, with what became of each line."""

    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="imports")
    partner = models.CharField(_("partner"), max_length=200)
    filename = models.CharField(_("file"), max_length=255)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("imported"), default=timezone.now)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    duplicates = models.PositiveIntegerField(_("already in the bank"), default=0)
    refused = models.PositiveIntegerField(_("refused lines"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bank import")
        verbose_name_plural = _("bank imports")

    def __str__(self) -> str:
        return f"{self.partner}: {self.filename}"


class BankEntry(models.Model):
    bank = models.ForeignKey(Bank, on_delete=models.CASCADE, related_name="entries")
    signal_type = models.CharField(_("hash type"), max_length=8, choices=SignalType.choices)
    value = models.CharField(_("hash"), max_length=64)
    quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    frame_seconds = models.FloatField(_("video frame at (s)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    submission = models.ForeignKey(
        "moderation.Submission",
        verbose_name=_("earlier item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    media = models.ForeignKey(
        "moderation.MediaFile",
        verbose_name=_("earlier file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.ForeignKey(
        "moderation.PolicyReason",
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    batch = models.ForeignKey(
        BankImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner_reference = models.CharField(_("partner's reference"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        constraints = [
            models.UniqueConstraint(fields=["bank", "signal_type", "value"], name="bank_entry_unique_hash"),
        ]
        indexes = [
            # Exact (SHA-256) lookups; PDQ lookups go through the in-memory index.
            models.Index(
                fields=["signal_type", "value"], name="bank_entry_lookup_idx", condition=Q(is_active=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value[:16]}…"


class FileSignal(models.Model):
    """A hash of an uploaded file, computed once and kept: the match check and bank additions share it."""

    media = models.ForeignKey("moderation.MediaFile", on_delete=models.CASCADE, related_name="+")
    signal_type = models.CharField(max_length=8, choices=SignalType.choices)
    value = models.CharField(max_length=64)
    quality = models.PositiveSmallIntegerField(null=True, blank=True)
    frame_seconds = models.FloatField(null=True, blank=True)
    hasher_version = models.CharField(max_length=16)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["media", "frame_seconds", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["media", "signal_type", "value", "hasher_version"], name="file_signal_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value[:16]}…"
