"""The append-only audit trail.

Every row stores the SHA-256 of its own content chained to the hash of the row before it in
its chain, so editing or removing any row breaks the chain from that point on
(`verify_audit_log`). Each chain's head row remembers its last link, which also catches rows
removed from the end.

There are AUDIT_CHAINS chains, and an event joins the chain of its target: writers to
different targets never wait for one another, and all events about one submission or user
stay in one chain. Moving a row to another chain breaks both chains.

Retention: a chain's oldest events may be purged as a whole segment from its start. The head then
records the anchor (the last purged sequence number and hash) and an "audit.truncated" event records
every chain's anchor, so a chain that starts later without a recorded purge is reported as broken.
"""

import hashlib
import json
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
# Heads exist for this many chains (created by a migration); AUDIT_CHAINS uses up to this many.
MAX_CHAINS = 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete recorded audit events."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def for_target(self, target_type: str, target_id: object) -> "AuditEventQuerySet":
        return self.filter(target_type=target_type, target_id=str(target_id))


class AuditEvent(models.Model):
    chain = models.PositiveSmallIntegerField(_("chain"), default=0, editable=False)
    seq = models.PositiveBigIntegerField(_("sequence"), editable=False)
    created_at = models.DateTimeField(_("time"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The actor's username at the time, or "system" / "anonymous": readable even without a join.
    actor_label = models.CharField(_("actor label"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.seq}/{self.chain} {self.action} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def canonical_content(self) -> bytes:
        """The bytes the hash covers: every field but the hashes, in a fixed JSON form.

        The chain number is left out on purpose: rows written before chains existed keep their
        hashes, and a row moved to another chain still breaks the links of both."""
        content = {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "details": self.details,
            "ip": self.ip,
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode() + self.canonical_content()).hexdigest()


class AuditChainHead(models.Model):
    """One row per chain: the sequence number and hash of its newest event. Writers to the
    chain lock it in turn."""

    chain = models.PositiveSmallIntegerField(unique=True, default=0)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The anchor: events up to base_seq were purged after their retention period (R31), and the
    # first event kept links to base_hash. Nothing purged: 0 and the genesis hash. Only events at
    # or below the anchor can be deleted (a PostgreSQL trigger refuses any other DELETE).
    base_seq = models.PositiveBigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"chain {self.chain} at #{self.seq}"
