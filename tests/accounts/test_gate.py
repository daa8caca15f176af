"""The submission gate: who may submit, and the reason given to everyone who may not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Sanction, TermsVersion, User
from accounts.services import (
    GateReason,
    SubmissionNotAllowed,
    assert_can_submit,
    sanction_impose,
    submission_gate,
    terms_accept,
)
from tests.accounts.samples import VALID_IDS
from tests.factories import verify_id_number


@pytest.fixture
def cleared(uma: User, terms: TermsVersion) -> User:
    """uma, verified and with the current terms accepted: she may submit."""
    verify_id_number(uma, VALID_IDS[0])
    terms_accept(user=uma, terms=terms)
    return uma


def reason(user: User) -> GateReason:
    with pytest.raises(SubmissionNotAllowed) as excinfo:
        assert_can_submit(user)
    assert str(excinfo.value) == excinfo.value.message
    return excinfo.value.reason


def test_it_lets_a_verified_contributor_who_accepted_the_terms_submit(cleared: User) -> None:
    assert_can_submit(cleared)
    result = submission_gate(cleared)
    assert result.allowed and result.reasons == ()


def test_it_needs_verified_identity(uma: User, terms: TermsVersion) -> None:
    terms_accept(user=uma, terms=terms)
    assert reason(uma) == GateReason.IDENTITY_NOT_VERIFIED


def test_it_needs_the_current_terms(cleared: User) -> None:
    TermsVersion.objects.create(version="2", title="New", body="…", published_at=timezone.now())
    assert reason(cleared) == GateReason.TERMS_NOT_ACCEPTED


def test_it_ignores_terms_not_yet_in_force(cleared: User) -> None:
    TermsVersion.objects.create(
        version="2", title="Soon", body="…", published_at=timezone.now() + timedelta(days=1)
    )
    assert_can_submit(cleared)


def test_it_needs_no_terms_while_none_are_published(uma: User) -> None:
    verify_id_number(uma, VALID_IDS[0])
    assert_can_submit(uma)


@pytest.mark.parametrize("persona", ["mod", "senior", "ada", "oscar"])
def test_it_lets_only_contributors_submit(
    persona: str, request: pytest.FixtureRequest, terms: TermsVersion
) -> None:
    user: User = request.getfixturevalue(persona)
    verify_id_number(user, VALID_IDS[1])
    terms_accept(user=user, terms=terms)
    assert reason(user) == GateReason.NOT_CONTRIBUTOR


def test_it_refuses_a_restricted_contributor_until_the_restriction_ends(cleared: User, ada: User) -> None:
    sanction = sanction_impose(
        user=cleared,
        kind="restriction",
        reason="Unlabelled AI video.",
        actor=ada,
        expires_at=timezone.now() + timedelta(days=7),
    )
    with pytest.raises(SubmissionNotAllowed) as excinfo:
        assert_can_submit(cleared)
    assert excinfo.value.reason == GateReason.RESTRICTED
    assert "restricted" in excinfo.value.message and "until" in excinfo.value.message
    assert_can_submit(cleared, now=timezone.now() + timedelta(days=8))
    Sanction.objects.filter(pk=sanction.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_can_submit(cleared)


def test_it_refuses_a_suspended_contributor(cleared: User, ada: User) -> None:
    sanction_impose(user=cleared, kind="suspension", reason="Repeated violations.", actor=ada)
    with pytest.raises(SubmissionNotAllowed) as excinfo:
        assert_can_submit(cleared)
    assert excinfo.value.reason == GateReason.SUSPENDED
    assert "until further notice" in excinfo.value.message


def test_it_refuses_a_closed_account(cleared: User, ada: User) -> None:
    sanction_impose(user=cleared, kind="closure", reason="Deepfake fraud.", actor=ada)
    assert reason(cleared) == GateReason.CLOSED


def test_it_still_lets_a_warned_contributor_submit(cleared: User, ada: User) -> None:
    sanction_impose(user=cleared, kind="warning", reason="Label missing once.", actor=ada)
    assert_can_submit(cleared)


def test_it_lists_every_reason_most_serious_first(uma: User, ada: User, terms: TermsVersion) -> None:
    sanction_impose(user=uma, kind="restriction", reason="r", actor=ada)
    sanction_impose(user=uma, kind="suspension", reason="s", actor=ada)
    result = submission_gate(uma)
    assert result.reasons == (
        GateReason.SUSPENDED,
        GateReason.RESTRICTED,
        GateReason.TERMS_NOT_ACCEPTED,
        GateReason.IDENTITY_NOT_VERIFIED,
    )
    assert all(block.message for block in result.blocks)
    assert reason(uma) == GateReason.SUSPENDED


def test_it_reads_fresh_state_not_a_stale_user_object(cleared: User, ada: User) -> None:
    cleared.standing  # cache the standing on this object  # noqa: B018
    sanction_impose(user=User.objects.get(pk=cleared.pk), kind="restriction", reason="r", actor=ada)
    assert reason(cleared) == GateReason.RESTRICTED


def test_it_answers_in_a_fixed_number_of_queries(
    cleared: User, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(2):
        assert submission_gate(cleared).allowed
