"""`python manage.py seed_demo`: the demo users (and, as features land, their content).

Idempotent: running it again resets the demo users' passwords and roles and adds nothing twice.
"""

import os
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_role

DEMO_USERS = [
    ("admin", Role.ADMIN, "Ada", "Admin"),
    ("senior", Role.SENIOR_MODERATOR, "Sen", "Ior"),
    ("mod", Role.MODERATOR, "Mo", "Derator"),
    ("alice", Role.CONTRIBUTOR, "Alice", "Liddell"),
    ("bob", Role.CONTRIBUTOR, "Bob", "Builder"),
]


class Command(BaseCommand):
    help = "Create the demo users admin, senior, mod, alice and bob (password from DEMO_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", "provenant-demo")
        with transaction.atomic():
            for username, role, first, last in DEMO_USERS:
                self.ensure_user(username, role, first, last, password)
        self.stdout.write(self.style.SUCCESS(f"Demo users (password: {password}):"))
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role.label}")

    def ensure_user(self, username: str, role: Role, first: str, last: str, password: str) -> User:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.com", "first_name": first, "last_name": last},
        )
        user.set_password(password)
        user.is_active = True
        user.is_superuser = role == Role.ADMIN
        user.save()
        if user.role_names != {role.value}:
            user_set_role(user=user, role=role, actor=None)
        return user
