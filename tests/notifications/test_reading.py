"""Reading the notifications clears their count (issue 11, rough edge 8)."""

from django.test import Client

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify


def test_opening_the_list_reads_what_it_shows(alice: User, bob: User, alice_client: Client) -> None:
    first = notify(alice, subject="First news", body="Line one\nline two", email=False)
    notify(alice, subject="Second news", body="b", email=False)
    other = notify(bob, subject="Bob's news", body="c", email=False)
    assert b'id="unread-count">2<' in alice_client.get("/submissions/").content
    page = alice_client.get("/notifications/").content.decode()
    assert 'id="unread-count"' not in page  # the header already counts them read
    assert page.count(">new</span>") == 2  # marked new on this one visit
    assert "First news" in page and "Bob's news" not in page
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None  # only one's own
    again = alice_client.get("/notifications/").content.decode()
    assert ">new</span>" not in again
    assert Notification.objects.get(pk=first.pk).read_at is not None


def test_it_counts_only_unread_notifications_in_the_header(alice: User, alice_client: Client) -> None:
    notify(alice, subject="News", body="b", email=False)
    assert b'id="unread-count">1<' in alice_client.get("/submissions/").content
    alice_client.post("/notifications/read/")
    assert b'id="unread-count"' not in alice_client.get("/submissions/").content
