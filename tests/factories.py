"""Building blocks for tests: users with roles, named like the people who use the product."""

from typing import Any

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role

PASSWORD = "test-password-123"


def make_user(username: str, role: Role | None = None, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.com")
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
        if role == Role.ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return user
