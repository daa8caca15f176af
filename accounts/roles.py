"""The four roles. Each is a Django group of the same name, created by a data migration."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Contributor")
    MODERATOR = "moderator", _("Moderator")
    SENIOR_MODERATOR = "senior_moderator", _("Senior moderator")
    ADMIN = "admin", _("Admin")


# Highest first: a user in several groups acts with the highest role.
ROLE_PRECEDENCE = [Role.ADMIN, Role.SENIOR_MODERATOR, Role.MODERATOR, Role.CONTRIBUTOR]
REVIEWER_ROLES = frozenset({Role.MODERATOR, Role.SENIOR_MODERATOR, Role.ADMIN})


def role_for(group_names: frozenset[str] | set[str], *, is_superuser: bool = False) -> Role | None:
    """The role a user with these groups acts with: superusers are admins, else the highest group."""
    if is_superuser:
        return Role.ADMIN
    for role in ROLE_PRECEDENCE:
        if role.value in group_names:
            return role
    return None
