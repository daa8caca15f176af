"""A publisher's system (its CMS) that submits content through the API and hears every outcome
through signed webhooks.

An Integration is managed by admins. Its API keys, its authors and its webhook endpoints hang
off it; the submissions it sent carry it (Submission.integration) with the CMS's own content id
(Submission.external_id), so every event about them goes back to the same publisher.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Integration(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive integration's keys are refused.")
    )
    # Told when an endpoint keeps failing, a key is about to expire, and the like.
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contacts"),
        blank=True,
        related_name="integrations",
        help_text=_("Staff who look after this integration and are told when its webhooks fail."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name
