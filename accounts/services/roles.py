"""Roles: each user has exactly one, kept as Django group membership."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.services import record_event


class RoleChangeRefused(Exception):
    """The role may not change; the message says why (for the administrator)."""


# Sanctions that take something away from a user: nobody under one is handed more power.
SANCTIONS_BLOCKING_PROMOTION = ("restriction", "suspension", "closure")


@transaction.atomic
def user_set_role(*, user: User, role: Role, actor: User | None, reason: str = "") -> None:
    """Give `user` exactly one role. Admins also get access to the Django admin.

    A person acting (an administrator in the admin) must say why; a user under a restriction,
    suspension or closure in force is given no role but contributor until it is lifted.
    """
    if actor is not None and not reason.strip():
        raise RoleChangeRefused(_("Say why the role changes."))
    if (
        role != Role.CONTRIBUTOR
        and user.sanctions.in_force().filter(kind__in=SANCTIONS_BLOCKING_PROMOTION).exists()
    ):
        raise RoleChangeRefused(
            _("%(user)s is under a sanction in force: lift it before giving them another role.")
            % {"user": user.get_username()}
        )
    previous = user.role
    user.groups.set([Group.objects.get(name=role.value)])
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    details: dict[str, str | None] = {"from": previous.value if previous else None, "to": role.value}
    if reason:
        details["reason"] = reason.strip()
    record_event(action="user.role_changed", actor=actor, target=user, details=details)
