"""Receiving notices and working them: one case per item, ordered by severity, count, trusted
flaggers and age; claimed under the shared lease (409 rules); decided once for every notifier."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.authority import AuthorityReport
from accounts.models import User
from audit.models import AuditEvent
from moderation.models import Decision, DecisionOutcome, DecisionSource, Refutation, Status
from moderation.review.claims import ReviewConflict
from notices.models import Notice, NoticeCase
from notices.services import (
    CaseDecision,
    NoticeRefused,
    notice_case_claim,
    notice_case_claim_next,
    notice_case_decide,
    notice_case_release,
)
from tests.notices.builders import notice
from tests.published import published, reason


def test_notices_on_one_item_are_grouped_in_one_case(alice: User, mod: User) -> None:
    item = published(alice, mod)
    first = notice(item)
    second = notice(item, category="unlabelled_ai", email="omar@example.com", name="Omar")
    case = NoticeCase.objects.get()
    assert first.case == second.case == case
    assert (case.notice_count, case.top_category, case.state, case.urgent) == (
        2,
        "unlabelled_ai",
        "open",
        False,
    )
    assert case.priority_score == 25 + 15
    assert case.due_at == first.received_at + timedelta(hours=24)
    event = AuditEvent.objects.filter(action="notice.received").latest("id")
    assert event.details == {
        "notice": second.pk,
        "case": case.pk,
        "category": "unlabelled_ai",
        "trusted_flagger": False,
    }
    assert "nina@example.com" not in str(event.details)


def test_a_notice_after_the_decision_opens_a_new_case(alice: User, mod: User, senior: User) -> None:
    item = published(alice, mod)
    case = notice(item).case
    decide(case, senior, outcome="no_action", reasons="An advert, but allowed.")
    assert notice(item).case != case
    assert NoticeCase.objects.filter(state="open").count() == 1


def test_the_queue_puts_the_most_severe_and_most_reported_first(alice: User, bob: User, mod: User) -> None:
    terms_item, reported_often, csam_item = published(alice, mod), published(alice, mod), published(bob, mod)
    notice(terms_item)
    for i in range(3):
        notice(reported_often, email=f"n{i}@example.com")
    notice(csam_item, category="csam", name="", email="")
    cases = list(NoticeCase.objects.order_by("-priority_rank", "id").values_list("submission_id", flat=True))
    assert cases == [csam_item.pk, reported_often.pk, terms_item.pk]
    first = notice_case_claim_next(moderator=mod)
    assert (first.submission_id, first.claimed_by) == (csam_item.pk, mod)
    assert notice_case_claim_next(moderator=mod) == first  # you keep what you hold


def test_urgent_categories_are_due_sooner_and_trusted_flaggers_come_first(
    alice: User, mod: User, settings: Any
) -> None:
    settings.NOTICES_TRUSTED_FLAGGERS = ["@hotline.example.org"]
    item = published(alice, mod)
    first = notice(item)
    urgent = notice(item, category="non_consensual", email="x@hotline.example.org")
    case = NoticeCase.objects.get()
    assert (case.urgent, case.has_trusted_flagger, urgent.trusted_flagger) == (True, True, True)
    assert case.due_at == urgent.received_at + timedelta(hours=2)
    assert case.due_at < first.received_at + timedelta(hours=24)
    assert case.priority_score == 80 + 15 + 40


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"good_faith": False}, "good faith"),
        ({"explanation": " "}, "Explain why"),
        ({"category": "illegal"}, "which law"),
        ({"name": ""}, "name and e-mail"),
        ({"email": ""}, "name and e-mail"),
        ({"category": "spam"}, "what is wrong"),
    ],
)
def test_a_notice_missing_what_the_law_asks_for_is_refused(
    alice: User, mod: User, overrides: dict, error: str
) -> None:
    item = published(alice, mod)
    with pytest.raises(NoticeRefused, match=error):
        notice(item, **overrides)
    assert not Notice.objects.exists() and not NoticeCase.objects.exists()


def test_child_abuse_material_may_be_reported_anonymously(alice: User, mod: User) -> None:
    item = published(alice, mod)
    anonymous = notice(item, category="csam", name="", email="")
    assert (anonymous.name, anonymous.email, anonymous.case.urgent) == ("", "", True)


def claimed(case: NoticeCase, moderator: User) -> NoticeCase:
    return notice_case_claim(case=case, moderator=moderator)


def decide(case: NoticeCase, moderator: User, **kwargs: Any) -> NoticeCase:
    case = claimed(case, moderator)
    return notice_case_decide(
        case=case, moderator=moderator, decision=CaseDecision(**kwargs), expected_version=case.version
    )


def test_claims_follow_the_review_rules(alice: User, mod: User, senior: User) -> None:
    case = notice(published(alice, mod)).case
    held = claimed(case, mod)
    with pytest.raises(ReviewConflict, match="mod is reviewing"):
        claimed(case, senior)
    with pytest.raises(ReviewConflict, match="changed since you opened it"):
        notice_case_decide(
            case=case,
            moderator=mod,
            decision=CaseDecision(outcome="no_action", reasons="Fine."),
            expected_version=held.version - 1,
        )
    notice_case_release(case=case, moderator=mod)
    assert claimed(case, senior).claimed_by == senior
    with pytest.raises(PermissionDenied):
        claimed(case, alice)  # a contributor


def test_a_moderator_never_gets_notices_about_their_own_content(bob: User, mod: User) -> None:
    from accounts.roles import Role
    from tests.factories import make_user

    contributor_mod = make_user("cm", Role.MODERATOR)
    item = published(bob, mod)
    item.contributor = contributor_mod  # test set-up: the moderator's own item
    item.save(update_fields=["contributor"])
    case = notice(item).case
    assert notice_case_claim_next(moderator=contributor_mod) is None
    with pytest.raises(PermissionDenied):
        claimed(case, contributor_mod)


def test_no_action_records_a_decision_and_tells_every_notifier_why(
    alice: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    item = published(alice, mod)
    notice(item)
    notice(item, email="omar@example.com", name="Omar")
    case = NoticeCase.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide(
            case, mod, outcome="no_action", reasons="A satire account, clearly labelled as such."
        )
    decision = decided.decision
    assert (decided.state, decided.outcome, decision.outcome, decision.source, decision.statement) == (
        "decided",
        "no_action",
        DecisionOutcome.NO_ACTION,
        DecisionSource.NOTICE,
        {},
    )
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    assert sorted(m.to[0] for m in mail.outbox) == ["nina@example.com", "omar@example.com"]
    body = mail.outbox[0].body
    assert "A satire account, clearly labelled as such." in body
    assert "/complaints/link/" in body and "out-of-court" in body.lower()
    assert "A person read your notice and took the decision" in body
    assert all(n.decision_sent_at for n in Notice.objects.all())


def test_taking_down_on_notices_writes_the_statement_with_the_notice_as_source(
    alice: User, mod: User, settings: Any
) -> None:
    settings.NOTICES_TRUSTED_FLAGGERS = ["flagger@example.org"]
    item = published(alice, mod)
    case = notice(item, email="flagger@example.org").case
    decided = decide(
        case,
        mod,
        outcome="taken_down",
        reasons="It imitates a real person.",
        reason=reason(),
        explanation="The video puts words in the mouth of a named journalist.",
    )
    decision = decided.decision
    item.refresh_from_db()
    assert (item.status, decision.outcome, decision.source) == (
        Status.TAKEN_DOWN,
        DecisionOutcome.TAKEN_DOWN,
        DecisionSource.TRUSTED_FLAGGER,
    )
    assert decision.statement["tdb"]["source_type"] == "SOURCE_TRUSTED_FLAGGER"
    assert decision.statement["facts"] == "The video puts words in the mouth of a named journalist."


def test_restricting_and_refuting_on_notices(alice: User, mod: User) -> None:
    restricted_item, refuted_item = published(alice, mod), published(alice, mod)
    decide(
        notice(restricted_item).case,
        mod,
        outcome="restricted",
        reasons="Illegal in the EU only.",
        reason=reason(),
        regions=("eu",),
    )
    decide(
        notice(refuted_item, category="false_information").case,
        mod,
        outcome="refuted",
        reasons="It is false; we publish a refutation.",
        reason=reason("fake-news"),
        refutation="The bridge did not collapse.",
    )
    restricted_item.refresh_from_db()
    assert restricted_item.status == Status.RESTRICTED
    assert Refutation.objects.get(submission=refuted_item).text == "The bridge did not collapse."


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"outcome": "no_action", "reasons": ""}, "reasons"),
        ({"outcome": "taken_down", "reasons": "Bad."}, "Choose a reason"),
        ({"outcome": "restricted", "reasons": "Bad.", "reason": "impersonation"}, "Choose the regions"),
        ({"outcome": "taken_down", "reasons": "Bad.", "reason": "fake-news"}, "reported to the authority"),
    ],
)
def test_a_case_decision_that_breaks_a_rule_changes_nothing(
    alice: User, mod: User, kwargs: dict, error: str
) -> None:
    item = published(alice, mod)
    case = notice(item).case
    if "reason" in kwargs:
        kwargs["reason"] = reason(kwargs["reason"])
    with pytest.raises(NoticeRefused, match=error):
        decide(case, mod, **kwargs)
    case.refresh_from_db()
    item.refresh_from_db()
    assert (case.state, item.status) == ("open", Status.APPROVED)
    assert not Decision.objects.filter(outcome__in=["taken_down", "restricted", "no_action"]).exists()


def test_an_illegal_ground_with_the_report_settled(alice: User, mod: User) -> None:
    case = notice(published(alice, mod), category="illegal", law="Deep Synthesis Provisions Art. 6").case
    decided = decide(
        case,
        mod,
        outcome="taken_down",
        reasons="Fabricated news.",
        reason=reason("fake-news"),
        authority=AuthorityReport(reported_at=timezone.now()),
    )
    assert decided.decision.reported_to_authority_at is not None


def test_a_decided_case_cannot_be_decided_again(alice: User, mod: User) -> None:
    case = notice(published(alice, mod)).case
    decided = decide(case, mod, outcome="no_action", reasons="Allowed.")
    with pytest.raises(ReviewConflict, match="decided already"):
        notice_case_decide(
            case=decided,
            moderator=mod,
            decision=CaseDecision(outcome="no_action", reasons="Again."),
            expected_version=decided.version,
        )
