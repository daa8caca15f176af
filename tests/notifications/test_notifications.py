"""The notifications app: its own pages (only one's own), the e-mail after commit, the table it
kept from moderation, and the decision message rendered from its template."""

from typing import Any

from django.core import mail
from django.test import Client

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify


def test_it_keeps_the_table_it_had_in_moderation() -> None:
    assert Notification._meta.db_table == "moderation_notification"
    assert Notification._meta.app_label == "notifications"


def test_each_user_sees_only_their_own(alice: User, bob: User, alice_client: Client) -> None:
    notify(alice, subject="For Alice", body="Hello.", email=False)
    notify(bob, subject="For Bob", body="Hello.", email=False)
    page = alice_client.get("/notifications/")
    assert page.status_code == 200
    assert b"For Alice" in page.content and b"For Bob" not in page.content


def test_marking_read_is_a_post_and_touches_only_ones_own(
    alice: User, bob: User, alice_client: Client
) -> None:
    notify(alice, subject="A", body="", email=False)
    notify(bob, subject="B", body="", email=False)
    assert alice_client.get("/notifications/read/").status_code == 405
    assert alice_client.post("/notifications/read/").status_code == 302
    assert list(Notification.objects.unread().values_list("subject", flat=True)) == ["B"]


def test_it_needs_a_login() -> None:
    assert Client().get("/notifications/").status_code == 302
    assert Client().post("/notifications/read/").status_code == 302


def test_it_emails_the_same_text_after_commit(alice: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(alice, subject="Decided", body="Your item.", link="/submissions/1/")
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("Decided", "Your item.\n\nhttp://127.0.0.1:8000/submissions/1/", ["alice@example.com"])
    ]
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_the_decision_message_reads_as_before() -> None:
    from django.template.loader import render_to_string

    statement = {
        "restriction": "The content will not be published.",
        "territorial_scope": "Worldwide",
        "duration": "Indefinite",
        "facts": "Facts.",
        "automated_detection": "Detected.",
        "automated_decision": "Decided by a person.",
        "ground": "Terms 3.1",
        "explanation": "Label it.",
        "redress": "Appeal within 14 days.",
    }
    body = render_to_string(
        "moderation/messages/decision.txt", {"subject": "Rejected", "statement": statement}
    )
    assert body.strip() == "\n".join(
        [
            "Rejected.",
            "",
            "Statement of reasons",
            "What is restricted: The content will not be published. (Worldwide, Indefinite)",
            "Facts and circumstances: Facts.",
            "Automated means: Detected. Decided by a person.",
            "Ground: Terms 3.1",
            "Explanation: Label it.",
            "How to appeal: Appeal within 14 days.",
        ]
    )
    assert render_to_string(
        "moderation/messages/decision.txt", {"subject": "Approved", "statement": {}}
    ).strip() == ("Approved.")
