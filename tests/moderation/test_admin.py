"""Admins through the Django admin: the feature library (versioned) and re-running a check over
a selection after a rule change."""

from typing import Any

from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import CheckRun, FeatureLibrary, Finding, PolicyRule, Submission
from tests.moderation.test_review import awaiting


def test_it_bumps_the_library_version_on_each_rule_change(ada_client: Client, ada: User) -> None:
    before = FeatureLibrary.objects.get(pk=1).version
    response = ada_client.post(
        "/admin/moderation/policyrule/add/",
        {
            "code": "replica-goods",
            "description": "Counterfeit goods",
            "pattern": "replica watches",
            "region": "all",
            "severity": "blocking",
            "rule_ref": "R27",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert FeatureLibrary.objects.get(pk=1).version == before + 1
    event = AuditEvent.objects.get(action="policy.rule_created")
    assert (event.actor, event.details["library_version"]) == (ada, before + 1)


def test_it_refuses_a_broken_regular_expression(ada_client: Client) -> None:
    response = ada_client.post(
        "/admin/moderation/policyrule/add/",
        {
            "code": "broken",
            "description": "x",
            "pattern": "(unclosed",
            "is_regex": "on",
            "region": "all",
            "severity": "blocking",
            "rule_ref": "R27",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Not a valid regular expression" in response.content.decode()
    assert not PolicyRule.objects.exists()


def test_it_reruns_a_check_over_a_selection_after_a_rule_change(
    alice: User, ada_client: Client, run_commit_hooks: Any
) -> None:
    first = awaiting(alice, title="Replica watches for sale")
    second = awaiting(alice, title="Nothing to see")
    assert not Finding.objects.filter(code="policy_match").exists()
    from moderation.pipeline.policy import policy_rule_save

    policy_rule_save(
        rule=PolicyRule(code="replica-goods", description="Counterfeit goods", pattern="replica watches"),
        actor=None,
    )
    changelist = "/admin/moderation/submission/"
    ids = [first.pk, second.pk]
    form = ada_client.post(changelist, {"action": "rerun_checks", "_selected_action": ids})
    assert form.status_code == 200 and b"Re-run checks" in form.content
    with run_commit_hooks(execute=True):
        response = ada_client.post(
            changelist,
            {"action": "rerun_checks", "_selected_action": ids, "apply": "1", "kind": "policy"},
            follow=True,
        )
    assert "Checks started on 2 submission(s); 0 skipped" in response.content.decode()
    assert CheckRun.objects.filter(kind="policy").count() == 4
    finding = Finding.objects.get(code="policy_match")
    assert finding.run.submission_id == first.pk
    assert finding.evidence["library_version"] == FeatureLibrary.objects.get(pk=1).version
    first.refresh_from_db()
    assert first.has_blocking_findings is True
    assert Submission.objects.get(pk=second.pk).has_blocking_findings is False


def test_it_keeps_the_admin_pages_from_moderators(mod_client: Client) -> None:
    assert mod_client.get("/admin/moderation/policyrule/").status_code == 302  # to the admin login
