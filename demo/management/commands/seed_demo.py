"""`python manage.py seed_demo`: the demo users and a story of content for them.

Idempotent: running it again resets the demo users' passwords and roles and adds nothing twice.
The content (demo/story.py) goes through the real services and checks: `mod` meets a living
queue, `alice` a contributor's history, `bob` what the checks are for.
"""

import io
import os
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import IdentityVerification, TermsVersion, User
from accounts.roles import Role
from accounts.selectors import current_terms
from accounts.services import (
    identity_document_submit,
    identity_verification_approve,
    terms_accept,
    user_set_role,
)
from demo.story import seed_story

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

# Labeling Measures Art. 8 / rule R34: the agreement explains labeling methods and styles and
# forbids removing labels. Deep Synthesis Provisions Arts. 9, 10 and 12: real names, sanctions, appeals.
DEMO_TERMS = """\
1. Real-name verification. Before you publish anything you verify your identity with a mobile phone \
number, a resident ID card number, your organisation's Unified Social Credit Code, or a document an \
administrator reviews. We keep only what the law requires and never show your full number.

2. Declaring AI content. When you submit content you declare whether it was generated or synthesised \
with AI, in whole or in part. Content that imitates a real person's face or voice also needs that \
person's separate consent.

3. How we label AI content. Explicit labels: a visible text such as "AI生成" / "AI-generated" at an edge \
or corner of images, at least 5% of the shorter side high; a label on the first frame of videos and \
around the player; a spoken or rhythmic prompt at the start, middle or end of audio; a notice at the \
start, end or beside AI text. Implicit labels: machine-readable marks in the file's metadata (the TC260 \
AIGC label, C2PA content credentials and IPTC digital source type) naming the producer and this platform \
as propagator. Our labels say the content "is", "may be" or "is suspected to be" AI-generated, \
depending on what the file itself, your declaration and our checks show.

4. Never remove labels. You may not delete, alter, forge or hide any explicit or implicit label, ours or \
anyone else's, nor offer tools or services that do. Downloads and exports keep their labels.

5. Sanctions. Breaking these terms or the law leads, depending on its gravity, to a warning, a \
restriction of functions, a suspension of the service or the closure of the account, and where the law \
requires it to a report to the competent authority.

6. Appeals. You can appeal any decision about your content or account. My account shows where to \
write; a person reviews every appeal and answers within the time published there.
"""


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
        """alice and bob verified and bound by the current terms (version 1 when there are none)."""
        terms = current_terms() or TermsVersion.objects.create(
            version="1", title="Provenant terms of service", body=DEMO_TERMS
        )
        reviewer = User.objects.get(username="admin")
        for username in DEMO_CONTRIBUTORS:
            user = User.objects.get(username=username)
            if not user.is_identity_verified:
                attempt = identity_document_submit(
                    user=user, upload=demo_id_card(user), kind=IdentityVerification.DocumentKind.ID_CARD
                )
                identity_verification_approve(verification=attempt, actor=reviewer)
        # Everyone in the demo has accepted the terms, so each lands on their own page at once.
        for username, _role, _first, _last in DEMO_USERS:
            terms_accept(user=User.objects.get(username=username), terms=terms)
