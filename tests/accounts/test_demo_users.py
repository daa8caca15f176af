"""The demo contributors can submit straight away: verified, terms accepted, idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import IdentityVerification, TermsAcceptance, TermsVersion, User
from accounts.services import submission_gate


@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_it_makes_alice_and_bob_cleared_contributors() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    terms = TermsVersion.objects.get()
    assert "label" in terms.body.lower() and "remove" in terms.body.lower()
    for username in ("alice", "bob"):
        user = User.objects.get(username=username)
        assert submission_gate(user).allowed, submission_gate(user).blocks
        assert IdentityVerification.objects.filter(user=user).count() == 1
        assert TermsAcceptance.objects.filter(user=user).count() == 1
    # Every demo user has accepted the terms, so the demo lands each one on their own page.
    for username in ("admin", "senior", "mod"):
        assert not User.objects.get(username=username).standing.needs_terms
