"""consent_gaps: one gap per depicted person not covered, read live from the records.

A consent covers a person when it is active (not withdrawn, not expired), was given for this
submission, includes every file of the current revision and every biometric kind needed.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from consent.models import ConsentRecord
from consent.rules import ConsentGap, consent_gaps
from consent.services import consent_grant, consent_refuse
from moderation.intake.services import PersonInput
from moderation.models import Relation
from tests.consent.builders import ask, last_link_to, needing_consent, new_revision, person_key, token_of
from tests.media_samples import upload
from tests.moderation.builders import unique_image


def grant(token: str, **kwargs: Any) -> ConsentRecord:
    return consent_grant(
        token=token, separate=True, text_version="person-1", ip="203.0.113.5", user_agent="test", **kwargs
    )


def granted(submission: Any, run_commit_hooks: Any, address: str = "carol@example.com") -> ConsentRecord:
    ask(submission, run_commit_hooks, key=person_key(submission, _name_for(address)))
    with run_commit_hooks(execute=True):
        return grant(token_of(last_link_to(address)))


def _name_for(address: str) -> str:
    return {"carol@example.com": "Carol Chen", "dan@example.com": "Dan Deng"}[address]


def states(submission: Any, now: Any = None) -> list[tuple[str, str]]:
    return [(gap.name, gap.state) for gap in consent_gaps(submission.current_revision, now=now)]


def test_it_has_one_gap_per_person_not_covered(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        persons=[
            PersonInput(name="Carol Chen", relation=Relation.OTHER, email="carol@example.com"),
            PersonInput(name="Dan Deng", relation=Relation.PUBLIC_FIGURE, email="dan@example.com"),
            PersonInput(name="Alice Liddell", relation=Relation.SELF),
        ],
    )
    assert states(submission) == [
        ("Carol Chen", "not_requested"),
        ("Dan Deng", "not_requested"),
        ("Alice Liddell", "not_requested"),
    ]

    ask(submission, run_commit_hooks, key=person_key(submission, "Dan Deng"))
    [carol, dan, me] = consent_gaps(submission.current_revision)
    assert dan == ConsentGap(
        person_key=person_key(submission, "Dan Deng"),
        name="Dan Deng",
        relation="public_figure",
        state="pending",
        message=dan.message,
        since=dan.since,
    )
    assert dan.message.startswith("request pending since ")
    assert dan.message.endswith(" (sent by e-mail)")
    assert me.message == "the contributor has not confirmed the self-depiction yet"
    assert carol.message == "no consent request has been sent"

    granted(submission, run_commit_hooks)
    assert states(submission) == [("Dan Deng", "pending"), ("Alice Liddell", "not_requested")]


def test_it_is_empty_when_consent_is_not_needed(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        declared_ai=False,
        categories=[],
        persons=[PersonInput(name="Alice Liddell", relation=Relation.SELF)],
    )
    assert consent_gaps(submission.current_revision) == []


def test_a_consent_for_another_submission_does_not_count(
    alice: User, bob: User, run_commit_hooks: Any
) -> None:
    first = needing_consent(alice, run_commit_hooks)
    record = granted(first, run_commit_hooks)
    media = first.current_revision.media.get()
    # The same person (same key), the same file, the same synthesis: only the submission differs.
    second = needing_consent(
        bob,
        run_commit_hooks,
        persons=[
            PersonInput(
                name="Carol Chen",
                relation=Relation.OTHER,
                email="carol@example.com",
                person_key=record.person_key,
            )
        ],
        files=[upload("same.jpg", media.file.open("rb").read())],
    )
    assert person_key(second) == record.person_key
    assert second.current_revision.media.get().sha256 == media.sha256

    assert states(first) == []
    assert states(second) == [("Carol Chen", "not_requested")]


def test_a_consent_for_earlier_files_does_not_count(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    granted(submission, run_commit_hooks)

    same_files = new_revision(submission)
    assert same_files.current_revision.number == 2
    assert states(same_files) == []

    changed = new_revision(submission, files=[unique_image()])
    [gap] = consent_gaps(changed.current_revision)
    assert (gap.state, gap.name) == ("outdated", "Carol Chen")
    assert gap.message.endswith("is out of date: it covers an earlier version of the files")


def test_a_consent_that_does_not_cover_a_new_biometric_kind_does_not_count(
    alice: User, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    granted(submission, run_commit_hooks)

    changed = new_revision(submission, categories=["face_swap", "voice_synthesis"])

    [gap] = consent_gaps(changed.current_revision)
    assert gap.state == "outdated"
    assert gap.message.endswith("is out of date: it does not cover the voice")


def test_it_tells_refused_expired_and_withdrawn_apart(
    alice: User, run_commit_hooks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    consent_request = ask(submission, run_commit_hooks)
    assert states(submission, now=consent_request.expires_at + timedelta(minutes=1)) == [
        ("Carol Chen", "link_expired")
    ]
    with run_commit_hooks(execute=True):
        consent_refuse(token=token_of(last_link_to("carol@example.com")), ip=None, user_agent="")
    assert states(submission) == [("Carol Chen", "refused")]

    record = granted(submission, run_commit_hooks)
    assert states(submission) == []
    assert states(submission, now=record.expires_at) == [("Carol Chen", "expired")]
    [gap] = consent_gaps(submission.current_revision, now=record.expires_at)
    assert gap.message == f"expired on {timezone.localtime(record.expires_at):%Y-%m-%d %H:%M}"

    with run_commit_hooks(execute=True):
        Client().post(last_link_to("carol@example.com") + "confirm/")
    assert states(submission) == [("Carol Chen", "withdrawn")]
