"""`python manage.py seed_demo`: the demo users and a story of content for them.

Idempotent: running it again resets the demo users' passwords and roles and adds nothing twice.
The content (demo/story.py) goes through the real services and checks: `mod` meets a living
queue, `alice` a contributor's history, `bob` what the checks are for.
"""

import os
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import current_terms
from accounts.services import identity_verify_id_card, terms_accept, user_set_role
from demo.story import seed_story

DEMO_USERS = [
    ("admin", Role.ADMIN, "Ada", "Admin"),
    ("senior", Role.SENIOR_MODERATOR, "Sen", "Ior"),
    ("mod", Role.MODERATOR, "Mo", "Derator"),
    ("alice", Role.CONTRIBUTOR, "Alice", "Liddell"),
    ("bob", Role.CONTRIBUTOR, "Bob", "Builder"),
]

# Demo contributors are verified by ID card number (only a keyed hash and the last four are
# stored) so they can submit at once. The first is the textbook GB 11643 example.
DEMO_ID_NUMBERS = {"alice": "11010519491231002X", "bob": "110105199001010010"}


class Command(BaseCommand):
    help = "Create the demo users admin, senior, mod, alice and bob (password from DEMO_PASSWORD)."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", "provenant-demo")
        with transaction.atomic():
            users = {
                username: self.ensure_user(username, role, first, last, password)
                for username, role, first, last in DEMO_USERS
            }
            self.ensure_cleared_contributors()
        self.stdout.write(self.style.SUCCESS(f"Demo users (password: {password}):"))
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {role.label}")
        self.stdout.write(self.style.SUCCESS("Demo content:"))
        if not seed_story(
            {name: User.objects.get(pk=user.pk) for name, user in users.items()}, self.stdout.write
        ):
            self.stdout.write("  already there")

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

    def ensure_cleared_contributors(self) -> None:
        """alice and bob verified, and everyone bound by the terms in force (migration
        accounts/0005 ships them), so each demo user lands on their own page at once."""
        for username, number in DEMO_ID_NUMBERS.items():
            user = User.objects.get(username=username)
            if not user.is_identity_verified:
                identity_verify_id_card(user=user, number=number)
        terms = current_terms()
        if terms is not None:
            for username, _role, _first, _last in DEMO_USERS:
                terms_accept(user=User.objects.get(username=username), terms=terms)
