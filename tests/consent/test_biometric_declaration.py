"""R22 and R24 that cannot be sidestepped: a face swap, face reenactment, voice clone or body
reenactment names a depicted person, or the contributor states (audited) that the person is
fictional, which sends the item to a senior; contradictions between the categories, the persons
and the files' C2PA face and voice actions are blocking findings; the consent notice's
acknowledgement (version, time) is stored on each revision and asked for again on the next."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from moderation.intake.forms import SubmissionForm
from moderation.intake.services import SubmissionIncomplete, submission_submit
from moderation.models import (
    BIOMETRIC_SYNTHESIS,
    Decision,
    DecisionOutcome,
    Finding,
    Queue,
    Relation,
    Revision,
    RunStatus,
    Status,
    Submission,
)
from moderation.pipeline.services import check_run_execute
from moderation.review.claims import DecisionRefused
from moderation.review.decisions import review_decide
from tests.consent.builders import latest_consent_run, new_revision
from tests.consent.test_consent_check import face_swap_jpeg
from tests.media_samples import upload
from tests.moderation.builders import draft, person, unique_image

NOTICE = "Confirm the consent notice: you informed each depicted person and obtained their separate consent."
FICTIONAL = "An invented character drawn by our studio; the face matches nobody."


def checked(submission: Submission) -> Submission:
    """Run the checks as a worker would."""
    for run in submission.check_runs.all():
        check_run_execute(run_id=run.pk, worker="test")
    submission.refresh_from_db()
    return submission


def submit_checked(contributor: User, **values: Any) -> Submission:
    submission = draft(contributor, **{"declared_ai": True, "files": [unique_image()], **values})
    submission_submit(submission=submission, actor=contributor)
    return checked(submission)


def consent_codes(submission: Submission) -> list[tuple[str, str]]:
    run = latest_consent_run(submission)
    return list(Finding.objects.filter(run=run).order_by("id").values_list("code", "severity"))


def decide(item: Submission, moderator: User, outcome: str, **kwargs: Any) -> Decision:
    item.refresh_from_db()
    return review_decide(
        submission=item, moderator=moderator, outcome=outcome, expected_version=item.version, **kwargs
    )


# --- The intake service refuses every bypass, whoever calls it (form, API, script) ---------------


NO_PERSON_NEEDED = (
    "needs at least one depicted person, or your statement that the person is fictional and why."
)


@pytest.mark.parametrize("category", sorted(BIOMETRIC_SYNTHESIS))
def test_it_refuses_a_biometric_synthesis_with_no_real_person(alice: User, category: str) -> None:
    submission = draft(alice, declared_ai=True, categories=[category], no_real_person=True, persons=[])

    with pytest.raises(SubmissionIncomplete) as refused:
        submission_submit(submission=submission, actor=alice)

    assert [p for p in refused.value.problems if p.endswith(NO_PERSON_NEEDED)] == [
        f"{dict(_labels())[category]} {NO_PERSON_NEEDED}"
    ]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def _labels() -> list[tuple[str, str]]:
    from moderation.models import Category

    return [(value, str(label)) for value, label in Category.choices]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        # Nobody and no statement, whether "no real person" is ticked or not.
        ({"categories": ["face_swap"], "no_real_person": False, "persons": []}, NO_PERSON_NEEDED),
        ({"categories": ["voice_synthesis"], "no_real_person": True, "persons": []}, NO_PERSON_NEEDED),
        # A fictional person without saying why.
        (
            {
                "categories": ["face_swap"],
                "persons": [],
                "fictional_person": True,
                "fictional_statement": " ",
            },
            "Say why the person is fictional.",
        ),
        # A fictional person beside listed real persons.
        (
            {
                "categories": ["face_manipulation"],
                "no_real_person": False,
                "persons": [person()],
                "fictional_person": True,
                "fictional_statement": FICTIONAL,
            },
            "You listed real persons but also stated that the person is fictional.",
        ),
        # Persons depicted, or a biometric synthesis, without the consent notice acknowledged.
        (
            {
                "categories": ["face_swap"],
                "no_real_person": False,
                "persons": [person()],
                "consent_notice_acknowledged": False,
            },
            NOTICE,
        ),
        (
            {
                "categories": [],
                "no_real_person": False,
                "persons": [person("Alice", Relation.SELF, "")],
                "consent_notice_acknowledged": False,
            },
            NOTICE,
        ),
        (
            {
                "categories": ["voice_synthesis"],
                "persons": [],
                "fictional_person": True,
                "fictional_statement": FICTIONAL,
                "consent_notice_acknowledged": False,
            },
            NOTICE,
        ),
    ],
)
def test_it_refuses_each_bypass_in_the_service(alice: User, values: dict, problem: str) -> None:
    submission = draft(alice, declared_ai=True, **values)

    with pytest.raises(SubmissionIncomplete) as refused:
        submission_submit(submission=submission, actor=alice)

    assert any(p.endswith(problem) for p in refused.value.problems), refused.value.problems
    assert Submission.objects.get(pk=submission.pk).status == Status.DRAFT


def test_the_form_refuses_the_same_early() -> None:
    base = {"title": "Swap", "declared_ai": "yes", "region": "cn", "categories": ["face_swap"]}

    nobody = SubmissionForm({**base, "no_real_person": "on"})
    assert not nobody.is_valid()
    assert nobody.errors["fictional_person"] == [
        "A face swap, face reenactment or voice clone with no real person needs your statement that the "
        "person is fictional."
    ]
    unexplained = SubmissionForm({**base, "no_real_person": "on", "fictional_person": "on"})
    assert not unexplained.is_valid()
    assert unexplained.errors["fictional_statement"] == ["Say why the person is fictional."]
    stated = SubmissionForm(
        {
            **base,
            "fictional_person": "on",
            "fictional_statement": FICTIONAL,
            "consent_notice_acknowledged": "on",
        }
    )
    assert stated.is_valid(), stated.errors
    data = stated.to_input([])
    assert (data.fictional_person, data.fictional_statement, data.consent_notice_acknowledged) == (
        True,
        FICTIONAL,
        True,
    )


def test_the_submission_page_will_not_submit_a_bypass(alice_client: Client, alice: User) -> None:
    response = alice_client.post(
        "/submissions/new/",
        {
            "title": "Swap",
            "declared_ai": "yes",
            "region": "cn",
            "categories": ["face_swap"],
            "consent_notice_acknowledged": "on",
            "persons-TOTAL_FORMS": "1",
            "persons-INITIAL_FORMS": "0",
            "persons-0-name": "",
            "action": "submit",
        },
    )

    # Not submitted, and no junk draft left behind (issue 11): the form comes back with the problem.
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Submission.objects.filter(contributor=alice).exists()


# --- A stated fictional person: audited, escalated to a senior ----------------------------------


def test_a_fictional_person_is_stored_audited_and_escalated(alice: User, mod: User, senior: User) -> None:
    item = submit_checked(
        alice, categories=["face_swap"], persons=[], fictional_person=True, fictional_statement=FICTIONAL
    )

    revision = item.current_revision
    assert (revision.fictional_person, revision.fictional_statement, revision.no_real_person) == (
        True,
        FICTIONAL,
        True,
    )
    event = AuditEvent.objects.get(action="submission.fictional_person_stated")
    assert (event.actor, event.details) == (alice, {"revision": 1, "statement": FICTIONAL})
    assert (item.status, item.queue) == (Status.AWAITING_REVIEW, Queue.ESCALATED)
    assert consent_codes(item) == [("consent_fictional_person", "warning")]
    finding = Finding.objects.get(code="consent_fictional_person")
    assert finding.message == (
        f'The contributor states that the person is fictional: "{FICTIONAL}". Escalated: a senior moderator '
        "decides whether that holds."
    )
    assert AuditEvent.objects.get(action="submission.awaiting_review").details["queue"] == "escalated"
    # Moderators cannot decide in the senior queue; a senior can.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        decide(item, mod, DecisionOutcome.APPROVED)
    assert decide(item, senior, DecisionOutcome.APPROVED).outcome == DecisionOutcome.APPROVED


# --- Contradictions are blocking findings of the consent check ----------------------------------


def test_a_biometric_category_that_got_past_intake_blocks_approval(
    alice: User, mod: User, senior: User
) -> None:
    """Data written around the service (an import, an earlier version): the check still blocks."""
    submission = draft(alice, declared_ai=True, files=[unique_image()], no_real_person=True)
    submission_submit(submission=submission, actor=alice)
    from moderation.models import Category

    Revision.objects.filter(pk=submission.current_revision_id).update(
        category_flags=Category.to_flags(["voice_synthesis"])
    )
    item = checked(submission)

    assert consent_codes(item) == [("consent_biometric_no_person", "blocking")]
    assert latest_consent_run(item).status == RunStatus.FAILED
    assert item.has_blocking_findings is True
    with pytest.raises(DecisionRefused, match=r"1 blocking finding\(s\) stand"):
        decide(item, mod, DecisionOutcome.APPROVED)
    with pytest.raises(DecisionRefused, match=r"Write why you approve over the blocking findings"):
        decide(item, senior, DecisionOutcome.APPROVED)
    assert not Decision.objects.exists()


def test_persons_beside_a_fictional_statement_or_no_real_person_block(alice: User) -> None:
    submission = draft(
        alice,
        declared_ai=True,
        files=[unique_image()],
        categories=["face_swap"],
        no_real_person=False,
        persons=[person("Alice Liddell", Relation.SELF, "")],
    )
    submission_submit(submission=submission, actor=alice)
    Revision.objects.filter(pk=submission.current_revision_id).update(
        no_real_person=True, fictional_person=True, fictional_statement=FICTIONAL
    )
    item = checked(submission)

    assert ("consent_fictional_with_persons", "blocking") in consent_codes(item)
    Revision.objects.filter(pk=submission.current_revision_id).update(fictional_person=False)
    from moderation.pipeline.services import checks_rerun

    checks_rerun(submission=item, actor=None, kinds=["consent"])
    item = checked(item)
    assert ("consent_no_real_person_with_persons", "blocking") in consent_codes(item)


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        # A face swap in the C2PA data, nothing declared: nobody named and no category covering it.
        (
            {"categories": [], "no_real_person": True, "persons": []},
            [("consent_person_undeclared", "blocking"), ("consent_edit_undeclared", "blocking")],
        ),
        # A face swap in the C2PA data, only a voice clone declared, of the contributor.
        (
            {
                "categories": ["voice_synthesis"],
                "no_real_person": False,
                "persons": [person("Alice Liddell", Relation.SELF, "")],
            },
            [("consent_edit_undeclared", "blocking"), ("consent_missing", "blocking")],
        ),
        # Declared as a face swap of a fictional person: no contradiction, a senior decides.
        (
            {
                "categories": ["face_swap"],
                "persons": [],
                "fictional_person": True,
                "fictional_statement": FICTIONAL,
            },
            [("consent_fictional_person", "warning")],
        ),
    ],
)
def test_c2pa_face_and_voice_actions_are_checked_against_the_declaration(
    alice: User, mod: User, values: dict, codes: list[tuple[str, str]]
) -> None:
    item = submit_checked(alice, files=[upload("swap.jpg", face_swap_jpeg())], **values)

    assert consent_codes(item) == codes
    if any(severity == "blocking" for _code, severity in codes):
        with pytest.raises(DecisionRefused):
            decide(item, mod, DecisionOutcome.APPROVED)


# --- R24: the consent notice's acknowledgement ---------------------------------------------------


def test_it_stores_the_notice_acknowledgement_on_the_revision(alice: User, settings: Any) -> None:
    settings.CONSENT_NOTICE_VERSION = "v7"
    submission = draft(
        alice, declared_ai=True, categories=["face_swap"], no_real_person=False, persons=[person()]
    )

    revision = submission.current_revision
    assert revision.consent_notice_version == "v7"
    assert revision.consent_notice_acknowledged_at is not None
    event = AuditEvent.objects.get(action="submission.consent_notice_acknowledged")
    assert event.details == {
        "revision": 1,
        "version": "v7",
        "acknowledged_at": revision.consent_notice_acknowledged_at.isoformat(),
    }


def test_a_new_notice_version_asks_again(alice: User, settings: Any) -> None:
    submission = draft(
        alice, declared_ai=True, categories=["face_swap"], no_real_person=False, persons=[person()]
    )
    settings.CONSENT_NOTICE_VERSION = "2099-01"

    with pytest.raises(SubmissionIncomplete, match="Confirm the consent notice"):
        submission_submit(submission=submission, actor=alice)


def test_a_new_revision_asks_again(alice: User, run_commit_hooks: Any) -> None:
    from moderation.intake.services import submission_start_revision

    with run_commit_hooks(execute=True):
        item = submit_checked(alice, categories=["face_swap"], no_real_person=False, persons=[person()])
    first = item.current_revision
    Submission.objects.filter(pk=item.pk).update(status=Status.CHANGES_REQUESTED)
    item.refresh_from_db()
    revision = submission_start_revision(submission=item, actor=alice)

    assert (revision.consent_notice_version, revision.consent_notice_acknowledged_at) == ("", None)
    with pytest.raises(SubmissionIncomplete, match="Confirm the consent notice"):
        submission_submit(submission=item, actor=alice)
    assert first.consent_notice_acknowledged_at is not None  # the earlier revision keeps its own


def test_new_revision_helper_acknowledges_again(alice: User, run_commit_hooks: Any) -> None:
    with run_commit_hooks(execute=True):
        item = submit_checked(alice, categories=["face_swap"], no_real_person=False, persons=[person()])
    item = new_revision(item)
    assert item.current_revision.number == 2
    assert item.current_revision.consent_notice_acknowledged_at is not None


def test_the_review_page_shows_the_acknowledgement_and_the_statement(
    alice: User, bob: User, mod_client: Client, senior_client: Client, settings: Any
) -> None:
    settings.CONSENT_NOTICE_VERSION = "v3"
    with_person = submit_checked(alice, categories=["face_swap"], no_real_person=False, persons=[person()])
    fictional = submit_checked(
        bob, categories=["voice_synthesis"], persons=[], fictional_person=True, fictional_statement=FICTIONAL
    )
    when = with_person.current_revision.consent_notice_acknowledged_at

    page = mod_client.get(f"/review/items/{with_person.pk}/").content.decode()
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    assert f"Acknowledged, version v3, on {date_format(localtime(when), 'SHORT_DATETIME_FORMAT')}" in page
    page = senior_client.get(f"/review/items/{fictional.pk}/").content.decode()
    assert 'id="fictional-statement"' in page and FICTIONAL in page
