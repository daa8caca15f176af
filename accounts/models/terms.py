"""Versioned terms of service and who accepted which version, when and from where."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.shipped_terms import PARAGRAPHS, TITLE

SHIPPED_PARAGRAPHS = frozenset(PARAGRAPHS)
SHIPPED_TITLE = TITLE


class TermsVersionQuerySet(models.QuerySet["TermsVersion"]):
    def published(self, now: datetime.datetime | None = None) -> "TermsVersionQuerySet":
        return self.filter(published_at__lte=now or timezone.now())

    def current(self, now: datetime.datetime | None = None) -> "TermsVersion | None":
        """The version in force: the most recently published one."""
        return self.published(now).order_by("-published_at", "-pk").first()


class TermsVersion(models.Model):
    """One text of the terms. Once in force it is never edited: a change is a new version."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a new paragraph."))
    published_at = models.DateTimeField(
        _("in force from"),
        default=timezone.now,
        db_index=True,
        help_text=_("From this moment every user must accept this version before going on."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = TermsVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("terms of service version")
        verbose_name_plural = _("terms of service versions")

    def __str__(self) -> str:
        return f"{self.version}: {self.title}"

    def is_in_force(self, now: datetime.datetime | None = None) -> bool:
        return self.published_at <= (now or timezone.now())

    @property
    def paragraphs(self) -> list[str]:
        """The text's paragraphs; the shipped terms' in the reader's language (accounts.shipped_terms)."""
        parts = [part.strip() for part in self.body.replace("\r\n", "\n").split("\n\n") if part.strip()]
        return [gettext(part) if part in SHIPPED_PARAGRAPHS else part for part in parts]

    @property
    def display_title(self) -> str:
        return gettext(self.title) if self.title == SHIPPED_TITLE else self.title


class TermsAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="terms_acceptances",
    )
    terms = models.ForeignKey(
        TermsVersion, verbose_name=_("terms version"), on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("terms acceptance")
        verbose_name_plural = _("terms acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "terms"], name="terms_accepted_once")]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.terms_id}"
