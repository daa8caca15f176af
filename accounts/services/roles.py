"""Roles: each user has exactly one, kept as Django group membership."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from audit.services import record_event


@transaction.atomic
def user_set_role(*, user: User, role: Role, actor: User | None) -> None:
    """Give `user` exactly one role. Admins also get access to the Django admin."""
    previous = user.role
    user.groups.set([Group.objects.get(name=role.value)])
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    record_event(
        action="user.role_changed",
        actor=actor,
        target=user,
        details={"from": previous.value if previous else None, "to": role.value},
    )
