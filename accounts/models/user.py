"""Users. Roles are Django groups (see accounts.roles); the helpers here read them."""

from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEWER_ROLES, Role, role_for

if TYPE_CHECKING:
    from accounts.selectors import AccountStanding


class User(AbstractUser):
    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # What notifications, e-mails and statements are written in; blank means the site's default.
    language = models.CharField(
        _("language"), max_length=10, blank=True, default="", choices=settings.LANGUAGES
    )

    @property
    def preferred_language(self) -> str:
        """The language to write to this user in: their choice, else the site's default."""
        return self.language or settings.LANGUAGE_CODE

    @cached_property
    def role_names(self) -> frozenset[str]:
        """Group names, read once per request (prefetch `groups` on list pages)."""
        return frozenset(group.name for group in self.groups.all())

    @property
    def role(self) -> Role | None:
        return role_for(self.role_names, is_superuser=self.is_superuser)

    @property
    def is_contributor(self) -> bool:
        return self.role == Role.CONTRIBUTOR

    @property
    def is_reviewer(self) -> bool:
        """Moderators, senior moderators and admins: everyone who may see the review queues."""
        return self.role in REVIEWER_ROLES

    @property
    def is_senior_moderator(self) -> bool:
        """Senior moderators and admins: escalations and overrides."""
        return self.role in (Role.SENIOR_MODERATOR, Role.ADMIN)

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    @cached_property
    def standing(self) -> "AccountStanding":
        """Suspension, restriction, pending warning, identity and terms state, read once per request.

        The user loaded for each request (accounts.backends) carries it as annotations, so
        the middleware and the banners cost no extra query. Services that change any of it
        drop this cache.
        """
        from accounts.selectors import account_standing

        return account_standing(self)

    @property
    def is_identity_verified(self) -> bool:
        return self.standing.identity_verified

    def forget_standing(self) -> None:
        self.__dict__.pop("standing", None)
