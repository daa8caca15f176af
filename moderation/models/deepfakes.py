"""A moderator's finding that an item is a deepfake (AI Act Art. 3(60), 50(4)): it resembles real
persons, objects, places or events and could falsely pass as authentic. The published page then
discloses it at first exposure; the artistic, satirical or fictional exception limits the
disclosure to a form that does not hamper the work. The history lives in the audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.choices import DeepfakeException
from moderation.models.submissions import Submission


class DeepfakeMark(models.Model):
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="deepfake_mark")
    reason = models.TextField(_("why it is a deepfake"))
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)
    exception = models.CharField(_("exception"), max_length=16, choices=DeepfakeException.choices, blank=True)
    exception_reason = models.TextField(_("why the exception applies"), blank=True)
    exception_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exception_granted_at = models.DateTimeField(_("exception granted"), null=True, blank=True)

    class Meta:
        verbose_name = _("deepfake mark")
        verbose_name_plural = _("deepfake marks")

    def __str__(self) -> str:
        return f"deepfake #{self.submission_id}"

    @property
    def is_limited(self) -> bool:
        """The limited disclosure of an evidently artistic, satirical or fictional work."""
        return bool(self.exception)
