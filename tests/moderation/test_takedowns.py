"""Takedowns of published content by a moderator, regional restrictions, reversal and the end of
a temporary takedown: the page and the media go at once, each restriction carries its statement
of reasons written no later than it, and nothing comes back except through the publication job."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from accounts.authority import AuthorityReport
from accounts.models import User
from audit.models import AuditEvent
from moderation.lifecycle import submission_transition
from moderation.models import (
    Decision,
    DecisionOutcome,
    DecisionSource,
    PublicationRun,
    PublishedRendition,
    Queue,
    Status,
    Submission,
)
from moderation.publication.takedown import (
    TakedownRefused,
    TakedownRequest,
    publication_reinstate,
    publication_take_down,
    submission_open_takedown,
    takedowns_end_expired,
)
from moderation.review.claims import ReviewConflict
from moderation.review.statements import MissingStatement
from notifications.models import Notification
from tests.published import publish_now, published, reason

STATEMENT_FIELDS = [
    "restriction",
    "territorial_scope",
    "duration",
    "facts",
    "source",
    "automated_detection",
    "automated_decision",
    "ground",
    "explanation",
    "redress",
]


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int | None, dict]]:
    """What the takedown announces to the webhook outbox (moderation.events.emit)."""
    seen: list[tuple[str, int | None, dict]] = []

    def emit(event: str, *, submission: Submission | None, data: dict) -> None:
        seen.append((event, submission.pk if submission else None, data))

    monkeypatch.setattr("moderation.publication.takedown.emit", emit)
    return seen


def take_down(item: Submission, moderator: User, **kwargs: Any) -> Decision:
    item.refresh_from_db()
    request = TakedownRequest(
        reason=kwargs.pop("why", reason()),
        explanation=kwargs.pop("explanation", "It imitates a real journalist."),
        **kwargs,
    )
    return publication_take_down(
        submission=item, moderator=moderator, request=request, expected_version=item.version
    )


def rendition_path(item: Submission) -> str:
    rendition = PublishedRendition.objects.filter(submission=item, media__isnull=False).latest("id")
    return f"/p/{item.pk}/media/{rendition.pk}/"


def test_a_moderator_takes_published_content_down_at_once(
    alice: User, mod: User, events: list, django_capture_on_commit_callbacks: Any
) -> None:
    item = published(alice, mod)
    media = rendition_path(item)
    assert Client().get(media).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = take_down(item, mod)
    item.refresh_from_db()
    assert (item.status, item.is_published) == (Status.TAKEN_DOWN, False)
    assert Client().get(f"/p/{item.pk}/").status_code == 404
    assert Client().get(media).status_code == 404
    assert (decision.outcome, decision.moderator, decision.source) == (
        DecisionOutcome.TAKEN_DOWN,
        mod,
        DecisionSource.OWN_INITIATIVE,
    )
    assert decision.statement["restriction"].startswith("The content was taken down")
    assert decision.statement["duration"] == "permanent"
    assert decision.statement["tdb"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert decision.statement["tdb"]["source_type"] == "SOURCE_VOLUNTARY"
    assert decision.statement["tdb"]["puid"] == f"provenant-submission-{item.pk}"
    event = AuditEvent.objects.get(action="publication.taken_down")
    assert (event.actor, event.details["decision"], event.details["to"]) == (mod, decision.pk, "taken_down")
    assert events == [
        (
            "publication.taken_down",
            item.pk,
            {
                "decision": decision.pk,
                "scope": [],
                "ends_at": None,
                "source": "own_initiative",
                "reason": "impersonation",
            },
        )
    ]
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == f"Your submission #{item.pk} was taken down"
    assert "Statement of reasons" in message.body
    assert f"/complaints/decisions/{decision.pk}/" in message.body


def test_R36_every_restriction_has_a_statement_no_later_than_it(alice: User, bob: User, mod: User) -> None:
    """Takedown, regional restriction, refutation, consent takedown and account sanctions alike:
    every field of DSA Art. 17 filled, and the statement issued no later than the restriction."""
    from accounts.services import sanction_impose
    from moderation.publication.refutations import publication_refute

    taken = take_down(published(alice, mod), mod)
    restricted = take_down(
        published(alice, mod), mod, regions=("eu",), ends_at=timezone.now() + timedelta(days=3)
    )
    refuted = publication_refute(
        submission=published(alice, mod),
        moderator=mod,
        reason=reason("fake-news"),
        text="No flood happened in the old town on that day.",
        explanation="The city's records show no flood.",
    ).decision
    consent_item = published(alice, mod)
    submission_open_takedown(submission=consent_item, reason="Carol withdrew her consent.")
    consent = Decision.objects.get(submission=consent_item, source=DecisionSource.CONSENT_WITHDRAWAL)
    statements = [(d.statement, d.created_at, d.submission) for d in (taken, restricted, refuted, consent)]
    for kind in ("restriction", "suspension", "closure"):
        sanction = sanction_impose(user=bob, kind=kind, reason="Repeated deepfakes.", actor=mod)
        assert sanction.statement, kind
        statements.append((sanction.statement, sanction.created_at, None))
    for statement, issued, item in statements:
        assert all(statement[field] for field in STATEMENT_FIELDS), statement
        assert statement["tdb"]["decision_ground"] in (
            "DECISION_GROUND_ILLEGAL_CONTENT",
            "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        )
        if item is not None:
            item.refresh_from_db()
            restricted_at = AuditEvent.objects.filter(target_id=str(item.pk)).latest("id").created_at
            assert issued <= restricted_at
            if item.publication_hidden_at:
                assert issued <= item.publication_hidden_at
    assert restricted.statement["tdb"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert restricted.statement["tdb"]["territorial_scope"] == ["EU"]
    assert refuted.statement["tdb"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_LABELLED"]
    assert consent.statement["tdb"]["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    assert consent.statement["tdb"]["source_type"] == "SOURCE_TYPE_OTHER_NOTIFICATION"


def test_a_takedown_without_a_statement_cannot_exist(alice: User, mod: User) -> None:
    item = published(alice, mod)
    # Not through the lifecycle: the move is refused and nothing changes.
    with pytest.raises(MissingStatement):
        submission_transition(submission=item, to=Status.TAKEN_DOWN, actor=mod, action="sneaky")
    item.refresh_from_db()
    assert (item.status, item.is_published) == (Status.APPROVED, True)
    assert not AuditEvent.objects.filter(action="sneaky").exists()
    # Not in the database: a takedown decision with an empty statement is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            submission=item, revision=item.current_revision, moderator=mod, outcome=DecisionOutcome.TAKEN_DOWN
        )


def test_a_restriction_withholds_the_content_only_where_it_applies(
    alice: User, mod: User, settings: Any
) -> None:
    settings.PUBLICATION_COUNTRY_HEADER = "CF-IPCountry"
    item = published(alice, mod)
    media = rendition_path(item)
    decision = take_down(item, mod, regions=("cn",))
    item.refresh_from_db()
    assert (item.status, item.is_published, decision.outcome, decision.territorial_scope) == (
        Status.RESTRICTED,
        True,
        DecisionOutcome.RESTRICTED,
        ["cn"],
    )
    for country, page_status in (("CN", 451), ("DE", 200), ("US", 200), ("", 451)):
        headers = {"HTTP_CF_IPCOUNTRY": country} if country else {}
        assert Client().get(f"/p/{item.pk}/", **headers).status_code == page_status, country
        assert Client().get(media, **headers).status_code == page_status, country
    assert (
        "withheld in Mainland China"
        in Client().get(f"/p/{item.pk}/", HTTP_CF_IPCOUNTRY="CN").content.decode()
    )


def test_without_the_country_header_a_restricted_item_is_withheld_from_everyone(
    alice: User, mod: User
) -> None:
    item = published(alice, mod)
    take_down(item, mod, regions=("eu",))
    assert Client().get(f"/p/{item.pk}/", HTTP_CF_IPCOUNTRY="CN").status_code == 451


def test_a_wider_takedown_supersedes_a_restriction(alice: User, mod: User) -> None:
    item = published(alice, mod)
    first = take_down(item, mod, regions=("eu",))
    second = take_down(item, mod)
    first.refresh_from_db()
    item.refresh_from_db()
    assert (item.status, first.lifted_at, second.lifted_at) == (Status.TAKEN_DOWN, second.created_at, None)


def test_a_senior_reinstates_through_the_publication_job(alice: User, mod: User, senior: User) -> None:
    item = published(alice, mod)
    taken = take_down(item, mod)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied):
        publication_reinstate(submission=item, actor=mod, explanation="Mistake.")
    reinstated = publication_reinstate(
        submission=item,
        actor=senior,
        explanation="The journalist confirmed it is satire.",
        expected_version=item.version,
    )
    item.refresh_from_db()
    taken.refresh_from_db()
    assert (item.status, item.is_published) == (Status.PUBLISHING, False)  # nothing back before the job
    assert (reinstated.outcome, reinstated.reverses, taken.lifted_at) == (
        DecisionOutcome.REINSTATED,
        taken,
        reinstated.created_at,
    )
    assert PublicationRun.objects.filter(submission=item).count() == 2
    publish_now(item)
    assert (item.status, item.is_published) == (Status.APPROVED, True)
    assert Client().get(f"/p/{item.pk}/").status_code == 200


def test_a_temporary_takedown_ends_by_itself(alice: User, mod: User) -> None:
    item = published(alice, mod)
    decision = take_down(item, mod, ends_at=timezone.now() + timedelta(days=2))
    assert decision.statement["tdb"]["end_date_visibility_restriction"]
    assert takedowns_end_expired() == {"reinstated": 0, "blocked": 0}
    assert takedowns_end_expired(now=timezone.now() + timedelta(days=3)) == {"reinstated": 1, "blocked": 0}
    reinstated = Decision.objects.get(submission=item, outcome=DecisionOutcome.REINSTATED)
    assert (reinstated.moderator, reinstated.reverses) == (None, decision)
    publish_now(item)
    assert item.status == Status.APPROVED


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"why": None}, "Choose a reason from the policy list."),
        ({"explanation": " "}, "Explain the decision to the contributor"),
        ({"ends_at": "past"}, "must be in the future"),
        ({"regions": ("mars",)}, "Choose regions from the list."),
        ({"why": "fake-news"}, "say whether it was reported to the authority"),
    ],
)
def test_a_takedown_that_breaks_a_rule_is_refused(alice: User, mod: User, change: dict, error: str) -> None:
    item = published(alice, mod)
    if change.get("ends_at") == "past":
        change["ends_at"] = timezone.now() - timedelta(minutes=1)
    if isinstance(change.get("why"), str):
        change["why"] = reason(change["why"])
    with pytest.raises(TakedownRefused, match=error):
        take_down(item, mod, **change)
    item.refresh_from_db()
    assert item.status == Status.APPROVED and not Decision.objects.filter(outcome="taken_down").exists()


def test_an_illegal_ground_needs_the_report_to_the_authority_settled(alice: User, mod: User) -> None:
    item = published(alice, mod)
    reported = timezone.now() - timedelta(hours=1)
    decision = take_down(
        item,
        mod,
        why=reason("fake-news"),
        authority=AuthorityReport(reported_at=reported, reference="CAC-2026-17"),
    )
    assert (decision.reported_to_authority_at, decision.authority_reference) == (reported, "CAC-2026-17")


def test_a_stale_page_own_content_and_unpublished_content_are_refused(alice: User, mod: User) -> None:
    item = published(alice, mod)
    with pytest.raises(ReviewConflict):
        publication_take_down(
            submission=item,
            moderator=mod,
            request=TakedownRequest(reason=reason(), explanation="x"),
            expected_version=item.version - 1,
        )
    with pytest.raises(PermissionDenied):
        take_down(item, alice)  # not a moderator
    take_down(item, mod)
    with pytest.raises(TakedownRefused, match="Only published content"):
        take_down(item, mod)


def test_the_consent_takedown_now_comes_with_its_statement(alice: User, mod: User) -> None:
    item = published(alice, mod)
    assert submission_open_takedown(submission=item, reason="Carol withdrew her consent.") is True
    item.refresh_from_db()
    decision = Decision.objects.get(submission=item, outcome=DecisionOutcome.TAKEN_DOWN)
    assert (item.status, item.queue) == (Status.AWAITING_REVIEW, Queue.TAKEDOWN)
    assert (decision.moderator, decision.source, decision.explanation) == (
        None,
        DecisionSource.CONSENT_WITHDRAWAL,
        "Carol withdrew her consent.",
    )
    assert decision.statement["ground"].startswith("Illegal content: Deep Synthesis Provisions Art. 14")
    assert decision.created_at <= item.publication_hidden_at
    note = Notification.objects.filter(user=alice).latest("id")
    assert "Statement of reasons" in note.body
