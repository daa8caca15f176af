"""Users. Roles are Django groups (see accounts.roles); the helpers here read them."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEWER_ROLES, ROLE_PRECEDENCE, Role


class User(AbstractUser):
    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def role_names(self) -> frozenset[str]:
        """Group names, read once per request (prefetch `groups` on list pages)."""
        return frozenset(group.name for group in self.groups.all())

    @property
    def role(self) -> Role | None:
        if self.is_superuser:
            return Role.ADMIN
        for role in ROLE_PRECEDENCE:
            if role.value in self.role_names:
                return role
        return None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

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
