"""Consent plugs into moderation from its own app: its check registers itself with the pipeline's
registry, and its panel is computed by the views and rendered without a query."""

from typing import Any

from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.models import User
from consent.check import ConsentCheck
from consent.selectors import consent_panel_for
from moderation.pipeline.checks import REGISTRY, applicable_checks
from tests.consent.builders import needing_consent


def test_the_consent_check_registers_itself_from_the_consent_app() -> None:
    assert type(REGISTRY["consent"]) is ConsentCheck
    assert type(REGISTRY["consent"]).__module__ == "consent.check"


def test_checks_run_in_the_order_of_their_kind(alice: User, run_commit_hooks: Any) -> None:
    revision = needing_consent(alice, run_commit_hooks).current_revision
    assert [check.kind for check in applicable_checks(revision)] == ["consent", "label", "policy"]


def test_the_panel_template_reads_nothing_from_the_database(
    alice: User, run_commit_hooks: Any, django_assert_num_queries: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    panel = consent_panel_for(submission, alice)
    request = RequestFactory().get("/")
    request.user = alice
    with django_assert_num_queries(0):
        html = render_to_string(
            "consent/snippets/panel.html",
            {"consent_panel": panel, "submission": submission, "request": request},
        )
    assert 'id="consent-required"' in html and "Carol Chen" in html
