"""Every lifecycle transition, and every refused one, through the services."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.roles import Role
from accounts.services import SubmissionNotAllowed
from audit.models import AuditEvent
from moderation.intake.services import (
    InvalidTransition,
    PersonInput,
    SubmissionIncomplete,
    submission_start_revision,
    submission_submit,
    submission_update_draft,
    submission_withdraw,
)
from moderation.models import CheckRun, DepictedPerson, MediaFile, Revision, Status, Submission
from tests.factories import make_user
from tests.moderation.builders import draft, person, revision_input, submitted, unique_image


def force_status(submission: Submission, status: Status) -> Submission:
    Submission.objects.filter(pk=submission.pk).update(status=status)
    submission.refresh_from_db()
    return submission


def test_it_creates_a_draft_with_its_first_revision(alice: User) -> None:
    submission = draft(alice, files=[unique_image()], persons=[person()], no_real_person=False)
    assert submission.status == Status.DRAFT
    revision = submission.current_revision
    assert (revision.number, revision.title, revision.declared_ai) == (1, "A day at the lake", False)
    assert revision.media.count() == 1
    assert list(revision.persons.values_list("name", "relation", "email")) == [
        ("Carol Chen", "other", "carol@example.com")
    ]
    assert AuditEvent.objects.filter(action="submission.created", actor=alice).count() == 1


def test_it_submits_a_complete_draft(alice: User) -> None:
    submission = submitted(alice)
    assert submission.status == Status.SUBMITTED
    assert submission.submitted_at is not None
    assert submission.current_revision.submitted_at == submission.submitted_at
    event = AuditEvent.objects.get(action="submission.submitted")
    assert event.details == {"from": "draft", "to": "submitted", "revision": 1}


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"declared_ai": None}, "Say whether the content contains AI-generated or synthesised material."),
        ({"body": ""}, "Add a text or at least one media file."),
        ({"no_real_person": False}, 'List the real persons it depicts, or tick "no real person".'),
        (
            {"eu_human_reviewed": True, "eu_editor": ""},
            "Name the editorially responsible person for the human-reviewed text.",
        ),
    ],
)
def test_it_refuses_to_submit_an_incomplete_draft(
    alice: User, overrides: dict[str, Any], problem: str
) -> None:
    submission = draft(alice, **overrides)
    with pytest.raises(SubmissionIncomplete) as excinfo:
        submission_submit(submission=submission, actor=alice)
    assert excinfo.value.problems == [problem]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    assert not CheckRun.objects.filter(submission=submission).exists()


def test_it_refuses_a_second_submit(alice: User) -> None:
    submission = submitted(alice)
    with pytest.raises(InvalidTransition, match=r"This submission is submitted, so it cannot be submitted\."):
        submission_submit(submission=submission, actor=alice)
    assert CheckRun.objects.filter(submission=submission).count() == 3


def test_it_refuses_someone_else_acting_on_a_submission(alice: User, bob: User) -> None:
    submission = draft(alice)
    with pytest.raises(PermissionDenied):
        submission_submit(submission=submission, actor=bob)
    with pytest.raises(PermissionDenied):
        submission_withdraw(submission=submission, actor=bob)


def test_it_keeps_unverified_contributors_and_other_roles_out(db: None) -> None:
    unverified = make_user("unverified", Role.CONTRIBUTOR)
    with pytest.raises(SubmissionNotAllowed) as excinfo:
        draft(unverified)
    assert excinfo.value.reason == "identity_not_verified"
    with pytest.raises(SubmissionNotAllowed) as excinfo:
        draft(make_user("reviewer", Role.MODERATOR))
    assert excinfo.value.reason == "not_contributor"
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.CHECKING, Status.AWAITING_REVIEW, Status.CHANGES_REQUESTED],
)
def test_it_withdraws_before_a_final_decision(alice: User, status: Status) -> None:
    submission = force_status(draft(alice), status)
    submission_withdraw(submission=submission, actor=alice)
    submission.refresh_from_db()
    assert submission.status == Status.WITHDRAWN
    assert AuditEvent.objects.get(action="submission.withdrawn").details == {
        "from": status,
        "to": "withdrawn",
    }


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.WITHDRAWN])
def test_it_refuses_to_withdraw_after_a_decision(alice: User, status: Status) -> None:
    submission = force_status(draft(alice), status)
    with pytest.raises(InvalidTransition):
        submission_withdraw(submission=submission, actor=alice)
    submission.refresh_from_db()
    assert submission.status == status


def test_it_starts_a_new_revision_after_changes_requested(alice: User) -> None:
    submission = submitted(alice, files=[unique_image()], persons=[person()], no_real_person=False)
    first = submission.current_revision
    force_status(submission, Status.CHANGES_REQUESTED)
    revision = submission_start_revision(submission=submission, actor=alice)
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT
    assert submission.current_revision == revision
    assert revision.number == 2
    assert (revision.title, revision.declared_ai) == (first.title, first.declared_ai)
    # The same files and persons, as new rows; the earlier revision keeps its own.
    assert list(revision.media.values_list("sha256", flat=True)) == list(
        first.media.values_list("sha256", flat=True)
    )
    assert MediaFile.objects.count() == 2
    assert list(revision.persons.values_list("person_key", flat=True)) == list(
        first.persons.values_list("person_key", flat=True)
    )
    assert DepictedPerson.objects.count() == 2
    assert Revision.objects.filter(submission=submission).count() == 2
    # The new revision asks for the consent notice again (R24) before it can be submitted.
    assert (revision.consent_notice_version, first.consent_notice_version) == ("", "2026-11")
    with pytest.raises(SubmissionIncomplete, match="Confirm the consent notice"):
        submission_submit(submission=submission, actor=alice)
    persons = [
        PersonInput(p.name, p.relation, p.email, p.phone, p.person_key) for p in revision.persons.all()
    ]
    submission_update_draft(
        submission=submission,
        actor=alice,
        data=revision_input(persons=persons, no_real_person=False, consent_notice_acknowledged=True),
        uploads=[],
    )
    # Submitting again checks the new revision only.
    submission_submit(submission=submission, actor=alice)
    assert set(
        CheckRun.objects.filter(submission=submission, revision=revision).values_list("kind", flat=True)
    ) == {"label", "consent", "policy"}


# Awaiting review is allowed too: the contributor corrects an item before a decision (test_revise.py).
@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, Status.REJECTED])
def test_it_refuses_a_new_revision_after_a_final_decision_or_on_a_draft(alice: User, status: Status) -> None:
    submission = force_status(draft(alice), status)
    with pytest.raises(InvalidTransition):
        submission_start_revision(submission=submission, actor=alice)


def test_it_edits_only_drafts(alice: User) -> None:
    submission = submitted(alice)
    with pytest.raises(InvalidTransition, match=r"Only a draft can be edited\."):
        submission_update_draft(
            submission=submission, actor=alice, data=revision_input(title="New"), uploads=[]
        )


def test_it_adds_and_removes_files_on_a_draft(alice: User) -> None:
    submission = draft(alice, files=[unique_image(), unique_image()])
    keep, remove = submission.current_revision.media.all()
    outcome = submission_update_draft(
        submission=submission,
        actor=alice,
        data=revision_input(title="Renamed"),
        uploads=[unique_image("PNG")],
        remove_media_ids=[remove.pk],
    )
    assert len(outcome.accepted) == 1 and outcome.refused == []
    revision = Revision.objects.get(pk=submission.current_revision_id)
    assert revision.title == "Renamed"
    assert sorted(revision.media.values_list("mime_type", flat=True)) == ["image/jpeg", "image/png"]
    assert keep in revision.media.all()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(remove.file.name)
    assert default_storage.exists(keep.file.name)


def test_it_refuses_the_same_file_twice(alice: User) -> None:
    data = unique_image()
    first = draft(alice, files=[data])
    data.seek(0)
    from moderation.intake.services import submission_create

    again = unique_image()
    again.file = data.file
    again.file.seek(0)
    _submission, outcome = submission_create(contributor=alice, data=revision_input(), uploads=[again])
    assert outcome.accepted == []
    assert outcome.refused == [(again.name, f"you already uploaded this file in submission #{first.pk}")]


def test_it_refuses_a_file_repeated_in_one_upload(alice: User) -> None:
    from moderation.intake.services import submission_create
    from tests.media_samples import image_bytes, upload

    data = image_bytes("PNG", (10, 10), (1, 1, 1))
    _submission, outcome = submission_create(
        contributor=alice, data=revision_input(), uploads=[upload("a.png", data), upload("b.png", data)]
    )
    assert [row.original_name for row in outcome.accepted] == ["a.png"]
    assert outcome.refused == [("b.png", "the same file is already part of this submission")]
