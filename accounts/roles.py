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
