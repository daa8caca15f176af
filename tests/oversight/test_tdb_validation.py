"""The Statement API's rules, one refused payload per rule (StatementStoreRequest and the grouped
endpoint of digital-services-act/transparency-database), and what they let through."""

from typing import Any

import pytest

from oversight.tdb.validation import validate_batch, validate_statement

VALID: dict[str, Any] = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Terms §4",
    "incompatible_content_explanation": "AI-generated content must be declared.",
    "incompatible_content_illegal": "No",
    "content_type": ["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_SYNTHETIC_MEDIA"],
    "category": "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "territorial_scope": ["AT", "DE"],
    "content_date": "2026-11-01",
    "application_date": "2026-11-02",
    "decision_facts": "AI-generated content not declared.",
    "source_type": "SOURCE_VOLUNTARY",
    "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
    "puid": "provenant-decision-1",
}
ILLEGAL = {
    **{k: v for k, v in VALID.items() if not k.startswith("incompatible")},
    "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
    "illegal_content_legal_ground": "Deep Synthesis Provisions Art. 14",
    "illegal_content_explanation": "A face was synthesised without consent.",
}
GONE = object()


def changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = dict(base)
    for key, value in changes.items():
        if value is GONE:
            payload.pop(key, None)
        else:
            payload[key] = value
    return payload


def without_restrictions() -> dict[str, Any]:
    return changed(VALID, decision_visibility=GONE)


REFUSED = [
    # (what the rule says, payload, field refused, words of the message)
    ("decision_ground required", changed(VALID, decision_ground=GONE), "decision_ground", "is required"),
    (
        "decision_ground in",
        changed(VALID, decision_ground="DECISION_GROUND_FOO"),
        "decision_ground",
        "invalid",
    ),
    ("one restriction required", without_restrictions(), "decision_visibility", "none of"),
    (
        "one restriction required (null)",
        changed(VALID, decision_visibility=None),
        "decision_monetary",
        "none of",
    ),
    (
        "decision_visibility array",
        changed(VALID, decision_visibility="DECISION_VISIBILITY_CONTENT_REMOVED"),
        "decision_visibility",
        "array",
    ),
    (
        "decision_visibility in",
        changed(VALID, decision_visibility=["DECISION_VISIBILITY_NOPE"]),
        "decision_visibility",
        "invalid",
    ),
    (
        "decision_visibility_other required if OTHER",
        changed(VALID, decision_visibility=["DECISION_VISIBILITY_OTHER"]),
        "decision_visibility_other",
        "required",
    ),
    (
        "decision_visibility_other max 500",
        changed(
            VALID, decision_visibility=["DECISION_VISIBILITY_OTHER"], decision_visibility_other="x" * 501
        ),
        "decision_visibility_other",
        "500",
    ),
    (
        "decision_monetary in",
        changed(VALID, decision_monetary="DECISION_MONETARY_FOO"),
        "decision_monetary",
        "invalid",
    ),
    (
        "decision_monetary_other required if OTHER",
        changed(VALID, decision_monetary="DECISION_MONETARY_OTHER"),
        "decision_monetary_other",
        "required",
    ),
    ("decision_provision in", changed(VALID, decision_provision="SOME"), "decision_provision", "invalid"),
    ("decision_account in", changed(VALID, decision_account="SOME"), "decision_account", "invalid"),
    ("account_type in", changed(VALID, account_type="ACCOUNT_TYPE_ROBOT"), "account_type", "invalid"),
    (
        "category_specification in",
        changed(VALID, category_specification=["KEYWORD_DEEPFAKE"]),
        "category_specification",
        "invalid",
    ),
    (
        "category_specification array",
        changed(VALID, category_specification="KEYWORD_NUDITY"),
        "category_specification",
        "array",
    ),
    (
        "category_specification_other max 500",
        changed(VALID, category_specification_other="x" * 501),
        "category_specification_other",
        "500",
    ),
    (
        "decision_ground_reference_url url",
        changed(VALID, decision_ground_reference_url="terms page"),
        "decision_ground_reference_url",
        "URL",
    ),
    (
        "illegal_content_legal_ground required if illegal",
        changed(ILLEGAL, illegal_content_legal_ground=GONE),
        "illegal_content_legal_ground",
        "required",
    ),
    (
        "illegal_content_explanation required if illegal",
        changed(ILLEGAL, illegal_content_explanation=""),
        "illegal_content_explanation",
        "required",
    ),
    (
        "illegal_content_explanation max 2000",
        changed(ILLEGAL, illegal_content_explanation="x" * 2001),
        "illegal_content_explanation",
        "2000",
    ),
    (
        "incompatible_content_ground required if incompatible",
        changed(VALID, incompatible_content_ground=GONE),
        "incompatible_content_ground",
        "required",
    ),
    (
        "incompatible_content_explanation required",
        changed(VALID, incompatible_content_explanation=None),
        "incompatible_content_explanation",
        "required",
    ),
    (
        "incompatible_content_illegal in",
        changed(VALID, incompatible_content_illegal="Maybe"),
        "incompatible_content_illegal",
        "invalid",
    ),
    ("content_type required", changed(VALID, content_type=GONE), "content_type", "required"),
    ("content_type required (empty)", changed(VALID, content_type=[]), "content_type", "required"),
    ("content_type in", changed(VALID, content_type=["CONTENT_TYPE_DEEPFAKE"]), "content_type", "invalid"),
    (
        "content_type_other required if OTHER",
        changed(VALID, content_type=["CONTENT_TYPE_OTHER"]),
        "content_type_other",
        "required",
    ),
    ("category required", changed(VALID, category=GONE), "category", "required"),
    ("category in", changed(VALID, category="STATEMENT_CATEGORY_AI"), "category", "invalid"),
    (
        "category_addition array",
        changed(VALID, category_addition="STATEMENT_CATEGORY_VIOLENCE"),
        "category_addition",
        "array",
    ),
    (
        "category_addition in",
        changed(VALID, category_addition=["STATEMENT_CATEGORY_AI"]),
        "category_addition",
        "invalid",
    ),
    (
        "territorial_scope in the EEA",
        changed(VALID, territorial_scope=["CN"]),
        "territorial_scope",
        "invalid",
    ),
    (
        "territorial_scope no WORLD",
        changed(VALID, territorial_scope=["WORLD"]),
        "territorial_scope",
        "invalid",
    ),
    ("content_language in", changed(VALID, content_language="XX"), "content_language", "invalid"),
    ("content_language upper case", changed(VALID, content_language="en"), "content_language", "invalid"),
    ("content_date required", changed(VALID, content_date=GONE), "content_date", "required"),
    ("content_date Y-m-d", changed(VALID, content_date="2026-11-1"), "content_date", "YYYY-MM-DD"),
    ("content_date from 2000", changed(VALID, content_date="1999-12-31"), "content_date", "2000-01-01"),
    ("content_date until 2038", changed(VALID, content_date="2038-01-02"), "content_date", "2038-01-01"),
    ("application_date required", changed(VALID, application_date=None), "application_date", "required"),
    (
        "application_date from 2020",
        changed(VALID, application_date="2019-12-31"),
        "application_date",
        "2020-01-01",
    ),
    (
        "end date Y-m-d",
        changed(VALID, end_date_visibility_restriction="soon"),
        "end_date_visibility_restriction",
        "YYYY-MM-DD",
    ),
    (
        "end date until 2038",
        changed(VALID, end_date_account_restriction="2040-01-01"),
        "end_date_account_restriction",
        "2038-01-01",
    ),
    ("decision_facts required", changed(VALID, decision_facts="   "), "decision_facts", "required"),
    ("decision_facts max 5000", changed(VALID, decision_facts="x" * 5001), "decision_facts", "5000"),
    ("source_type required", changed(VALID, source_type=GONE), "source_type", "required"),
    ("source_type in", changed(VALID, source_type="SOURCE_AI"), "source_type", "invalid"),
    (
        "source_identity max 500",
        changed(VALID, source_type="SOURCE_ARTICLE_16", source_identity="x" * 501),
        "source_identity",
        "500",
    ),
    (
        "automated_detection required",
        changed(VALID, automated_detection=GONE),
        "automated_detection",
        "required",
    ),
    (
        "automated_detection in",
        changed(VALID, automated_detection="Partly"),
        "automated_detection",
        "invalid",
    ),
    ("automated_decision in", changed(VALID, automated_decision="No"), "automated_decision", "invalid"),
    ("puid required", changed(VALID, puid=GONE), "puid", "required"),
    ("puid characters", changed(VALID, puid="decision 1"), "puid", "format"),
    ("puid characters (slash)", changed(VALID, puid="decision/1"), "puid", "format"),
    ("puid max 500", changed(VALID, puid="p" * 501), "puid", "500"),
    ("content_id_ean 13 digits", changed(VALID, content_id_ean="12345"), "content_id_ean", "format"),
    (
        "content_id.EAN-13 13 digits",
        changed(VALID, content_id={"EAN-13": "12"}),
        "content_id.EAN-13",
        "format",
    ),
]


def test_the_valid_payloads_pass() -> None:
    assert validate_statement(VALID) == {}
    assert validate_statement(ILLEGAL) == {}


@pytest.mark.parametrize(("rule", "payload", "field", "words"), REFUSED, ids=[case[0] for case in REFUSED])
def test_it_refuses_what_the_database_refuses(
    rule: str, payload: dict[str, Any], field: str, words: str
) -> None:
    errors = validate_statement(payload)
    assert field in errors, (rule, errors)
    assert any(words in message for message in errors[field]), (rule, errors[field])


@pytest.mark.parametrize(
    ("case", "payload"),
    [
        # Fields the rules exclude for the other decision ground are not looked at.
        ("illegal fields with the terms ground", changed(VALID, illegal_content_legal_ground="x" * 900)),
        ("terms fields with the illegal ground", changed(ILLEGAL, incompatible_content_illegal="Maybe")),
        ("source identity of own-initiative decisions", changed(VALID, source_identity="x" * 900)),
        ("other text without OTHER", changed(VALID, content_type_other="x" * 900)),
        (
            "an account restriction alone",
            changed(VALID, decision_visibility=GONE, decision_account="DECISION_ACCOUNT_SUSPENDED"),
        ),
        (
            "nullable fields as null",
            changed(
                VALID,
                territorial_scope=None,
                content_language=None,
                end_date_service_restriction=None,
                account_type=None,
            ),
        ),
        ("empty strings read as null", changed(VALID, content_language="", decision_ground_reference_url="")),
        ("a valid EAN-13", changed(VALID, content_id={"EAN-13": "4006381333931"})),
        ("a language", changed(VALID, content_language="ZH")),
        ("the whole EEA", changed(VALID, territorial_scope=["IS", "LI", "NO", "FR"])),
    ],
)
def test_it_lets_through_what_the_database_accepts(case: str, payload: dict[str, Any]) -> None:
    assert validate_statement(payload) == {}, case


def test_a_batch_holds_one_to_a_hundred_statements() -> None:
    assert "statements" in validate_batch([])
    assert "statements" in validate_batch(None)
    assert validate_batch([VALID] * 101) == {
        "statements": ["The statements field must have between 1 and 100 items."]
    }
    errors = validate_batch([VALID, changed(VALID, puid="bad puid"), VALID])
    assert list(errors) == ["statement_1"] and "puid" in errors["statement_1"]
    assert validate_batch([VALID] * 100) == {}
