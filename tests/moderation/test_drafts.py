"""No junk drafts: "Submit" on the new form is all or nothing, and a contributor deletes a draft of
theirs that was never submitted (issue 11, rough edge 6)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from moderation.intake.services import submission_delete_draft
from moderation.lifecycle import InvalidTransition
from moderation.models import Status, Submission
from tests.media_samples import HTML, image_bytes, upload
from tests.moderation.builders import draft, submitted, unique_image
from tests.moderation.test_submission_views import form_data


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "submissions"
    return {str(path) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_it_leaves_no_draft_when_a_file_is_refused_on_submit(alice_client: Client) -> None:
    before = stored_files()
    files = [upload("good.png", image_bytes("PNG")), upload("page.jpg", HTML, "image/jpeg")]
    response = alice_client.post("/submissions/new/", form_data(media_files=files))
    assert response.status_code == 400
    assert not Submission.objects.exists()
    assert stored_files() == before  # the accepted file went with the rolled-back draft
    errors = response.context["form"].non_field_errors()
    assert errors == ["page.jpg was not accepted: the file is an HTML page."]
    assert response.context["form"].errors["media_files"] == ["Nothing was saved: choose the files again."]
    # What the contributor typed is still there.
    assert 'value="Sunset over Shanghai"' in response.content.decode()


def test_it_leaves_no_draft_when_the_submission_is_incomplete(alice_client: Client) -> None:
    response = alice_client.post("/submissions/new/", form_data(body=""))
    assert response.status_code == 400
    assert not Submission.objects.exists()
    assert "Add a text or at least one media file." in response.context["form"].non_field_errors()


def test_it_keeps_a_draft_when_the_contributor_saves_one(alice_client: Client) -> None:
    response = alice_client.post("/submissions/new/", form_data(body="", action="save"))
    assert response.status_code == 302
    assert Submission.objects.get().status == Status.DRAFT


def test_it_submits_in_one_step(alice_client: Client, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        response = alice_client.post("/submissions/new/", form_data(media_files=[unique_image()]))
    submission = Submission.objects.get()
    assert response.status_code == 302 and response.url == f"/submissions/{submission.pk}/"
    assert submission.status == Status.AWAITING_REVIEW


def test_it_deletes_a_draft_and_its_files(alice: User, alice_client: Client, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        item = draft(alice, files=[unique_image()])
    media = item.current_revision.media.get()
    path = Path(media.file.path)
    assert path.exists()
    page = alice_client.get(f"/submissions/{item.pk}/").content.decode()
    assert 'id="delete-draft"' in page
    with run_commit_hooks(execute=True):
        response = alice_client.post(f"/submissions/{item.pk}/delete/")
    assert response.status_code == 302 and response.url == "/submissions/", [
        str(m) for m in alice_client.get(response.url).context["messages"]
    ]
    assert not Submission.objects.filter(pk=item.pk).exists()
    assert not path.exists()
    event = AuditEvent.objects.get(action="submission.deleted")
    assert event.actor == alice and event.target_id == str(item.pk)
    assert event.details["files"] == [media.file.name]


def test_it_deletes_only_a_draft_never_submitted(alice: User, alice_client: Client) -> None:
    item = submitted(alice)
    assert "delete-draft" not in alice_client.get(f"/submissions/{item.pk}/").content.decode()
    response = alice_client.post(f"/submissions/{item.pk}/delete/", follow=True)
    assert "Only a draft that was never submitted can be deleted." in response.content.decode()
    assert Submission.objects.filter(pk=item.pk).exists()
    try:
        submission_delete_draft(submission=item, actor=alice)
    except InvalidTransition:
        pass
    else:
        raise AssertionError("a submitted item was deleted")


def test_it_guards_draft_deletion(
    alice: User, client: Client, bob_client: Client, mod_client: Client, alice_client: Client
) -> None:
    item = draft(alice)
    url = f"/submissions/{item.pk}/delete/"
    assert client.post(url).status_code == 302  # to the login page
    assert alice_client.get(url).status_code == 405
    assert bob_client.post(url).status_code == 404
    assert mod_client.post(url).status_code in (403, 404)
    assert Submission.objects.filter(pk=item.pk).exists()
