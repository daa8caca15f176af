"""`python manage.py seed_demo`: the demo users and a story of content for them.

Idempotent: running it again resets the demo users' passwords and roles and adds nothing twice.
The content (demo/story.py) goes through the real services and checks: `mod` meets a living
queue, `alice` a contributor's history, `bob` what the checks are for.
"""

import io
import os
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import IdentityVerification, User
from accounts.roles import Role
from accounts.selectors import current_terms
from accounts.services import (
    identity_document_submit,
    identity_verification_approve,
    terms_accept,
    user_set_role,
)
from demo.integration import seed_integration
from demo.story import seed_story
from demo.webhooks import seed_demo_webhook

DEMO_USERS = [
    ("admin", Role.ADMIN, "Ada", "Admin"),
    ("senior", Role.SENIOR_MODERATOR, "Sen", "Ior"),
    ("mod", Role.MODERATOR, "Mo", "Derator"),
    ("alice", Role.CONTRIBUTOR, "Alice", "Liddell"),
    ("bob", Role.CONTRIBUTOR, "Bob", "Builder"),
]

# Demo contributors are verified the way any deployment can: each uploads an ID card image (a
# drawn placeholder, not a real card) and the demo administrator approves it after review.
DEMO_CONTRIBUTORS = ["alice", "bob"]


def demo_id_card(user: User) -> SimpleUploadedFile:
    """A drawn placeholder "ID card" naming the demo user: clearly not a real document."""
    image = Image.new("RGB", (428, 270), (225, 235, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 417, 259), outline=(40, 70, 120), width=3)
    draw.text((30, 30), "DEMO - NOT A REAL IDENTITY CARD", fill=(150, 20, 20))
    draw.text((30, 90), f"Name: {user.get_full_name() or user.get_username()}", fill=(20, 20, 20))
    draw.text((30, 120), f"Account: {user.get_username()}", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("demo-id.png", out.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = "Create the demo users admin, senior, mod, alice and bob (password from DEMO_PASSWORD)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--language",
            default="",
            choices=["", *(code for code, _name in settings.LANGUAGES)],
            help="The language of the demo's titles and texts (default: LANGUAGE_CODE).",
        )

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
            {name: User.objects.get(pk=user.pk) for name, user in users.items()},
            self.stdout.write,
            language=options["language"],
        ):
            self.stdout.write("  already there")
        self.stdout.write(self.style.SUCCESS("Demo publisher (API):"))
        seed_integration(self.stdout.write)
        seed_demo_webhook(users["admin"], self.stdout.write)

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
        accounts/0006 ships them), so each demo user lands on their own page at once."""
        reviewer = User.objects.get(username="admin")
        for username in DEMO_CONTRIBUTORS:
            user = User.objects.get(username=username)
            if not user.is_identity_verified:
                attempt = identity_document_submit(
                    user=user, upload=demo_id_card(user), kind=IdentityVerification.DocumentKind.ID_CARD
                )
                identity_verification_approve(verification=attempt, actor=reviewer)
        terms = current_terms()
        if terms is not None:
            for username, _role, _first, _last in DEMO_USERS:
                terms_accept(user=User.objects.get(username=username), terms=terms)
