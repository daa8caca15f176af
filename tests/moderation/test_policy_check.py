"""The policy check: title, text and prompt against the versioned feature library (R27)."""

import pytest

from accounts.models import User
from moderation.models import FeatureLibrary, PolicyRule, Revision
from moderation.pipeline.checks import get_check
from moderation.pipeline.policy import policy_rule_delete, policy_rule_save
from tests.moderation.builders import draft


def rule(
    code: str, pattern: str, *, is_regex: bool = False, region: str = "all", **fields: object
) -> PolicyRule:
    item = PolicyRule(
        code=code, description=f"{code} rule", pattern=pattern, is_regex=is_regex, region=region, **fields
    )
    policy_rule_save(rule=item, actor=None)
    return item


def check(revision: Revision) -> list[tuple[str, str, str, str]]:
    result = get_check("policy").run(revision)
    return [
        (f.evidence["rule"], f.evidence["field"], f.evidence["match"], f.severity) for f in result.findings
    ]


def test_it_matches_plain_terms_in_title_text_and_prompt_ignoring_case_and_width(alice: User) -> None:
    rule("replica-goods", "replica watches")
    revision = draft(
        alice,
        title="REPLICA Watches!",
        body="Full-width: ｒｅｐｌｉｃａ ｗａｔｃｈｅｓ",
        prompt="photo of replica watches",
    ).current_revision
    assert check(revision) == [
        ("replica-goods", "title", "replica watches", "blocking"),
        ("replica-goods", "text", "replica watches", "blocking"),
        ("replica-goods", "prompt", "replica watches", "blocking"),
    ]


def test_it_applies_regular_expressions_and_regions(alice: User) -> None:
    rule("gambling-cn", r"(博彩|赌球)", is_regex=True, region="cn")
    rule("election-eu", r"deepfake of (the )?president", is_regex=True, region="eu")
    cn = draft(alice, title="Join our 赌球 group", region="cn").current_revision
    eu = draft(alice, title="A deepfake of the president", region="eu").current_revision
    assert check(cn) == [("gambling-cn", "title", "赌球", "blocking")]
    assert check(eu) == [("election-eu", "title", "deepfake of the president", "blocking")]
    assert check(draft(alice, title="赌球 in Europe", region="eu").current_revision) == []


def test_it_records_the_library_version_and_rule_reference(alice: User) -> None:
    rule("replica-goods", "replica watches", severity="warning", rule_ref="R27")
    revision = draft(alice, title="replica watches").current_revision
    result = get_check("policy").run(revision)
    (finding,) = result.findings
    version = FeatureLibrary.objects.get(pk=1).version
    assert (finding.rule, finding.severity, finding.evidence["library_version"]) == (
        "R27",
        "warning",
        version,
    )
    assert finding.message == (
        'The title contains "replica watches", which policy rule "replica-goods" '
        "prohibits: replica-goods rule."
    )
    assert result.data == {"library_version": version, "rules_applied": 1}


def test_it_ignores_inactive_rules(alice: User) -> None:
    rule("old", "replica watches", is_active=False)
    assert check(draft(alice, title="replica watches").current_revision) == []


def test_it_sees_each_change_of_the_library_at_once(alice: User) -> None:
    revision = draft(alice, title="cheap replica watches and 赌球").current_revision
    assert check(revision) == []  # compiles and remembers the empty library
    first = rule("replica-goods", "replica watches")
    assert [hit[0] for hit in check(revision)] == ["replica-goods"]
    rule("gambling", "赌球")
    assert [hit[0] for hit in check(revision)] == ["gambling", "replica-goods"]
    policy_rule_delete(rule=first, actor=None)
    assert [hit[0] for hit in check(revision)] == ["gambling"]


@pytest.mark.django_db
def test_it_refuses_to_save_a_broken_regular_expression() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        rule("broken", "(unclosed", is_regex=True)
    assert not PolicyRule.objects.exists()
