"""A moderator's note that cannot be kept is answered with its reason and the text stays in the
form (issue 12: over 4,000 characters or with a NUL byte, it was thrown away as "empty")."""

from django.test import Client

from accounts.models import User
from moderation.models import ReviewNote
from tests.moderation.builders import unique_image
from tests.moderation.test_review import awaiting


def test_it_keeps_a_long_note_and_says_why_it_was_not_added(alice: User, mod_client: Client) -> None:
    item = awaiting(alice, files=[unique_image()])
    text = "word " * 801  # 4,005 characters
    page = mod_client.post(f"/review/items/{item.pk}/notes/", {"text": text})
    assert page.status_code == 400
    content = page.content.decode()
    assert "at most 4000 characters" in content
    assert text.strip() in content
    assert "The note is empty" not in content
    assert not ReviewNote.objects.exists()


def test_it_says_a_nul_byte_is_not_allowed(alice: User, mod_client: Client) -> None:
    item = awaiting(alice, files=[unique_image()])
    page = mod_client.post(f"/review/items/{item.pk}/notes/", {"text": "see frame\x00 12"})
    assert page.status_code == 400
    assert "Null characters are not allowed" in page.content.decode()
    assert not ReviewNote.objects.exists()


def test_it_still_adds_a_good_note(alice: User, mod_client: Client) -> None:
    item = awaiting(alice, files=[unique_image()])
    assert (
        mod_client.post(f"/review/items/{item.pk}/notes/", {"text": "Checked the EXIF."}).status_code == 302
    )
    assert ReviewNote.objects.get().text == "Checked the EXIF."
