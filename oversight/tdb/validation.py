"""The Statement API's validation rules, written again in Python, so that a statement of reasons is
checked before it leaves (R37) and a refusal names the field the database would name.

The rules are those of the Transparency Database's StatementStoreRequest (one statement) and of its
grouped submissions (`statements`: 1 to 100, errors keyed "statement_<index>"), with the same
semantics: strings are trimmed and "" read as null (the API's middleware does so); "required" refuses
a missing key, null and []; "nullable" lets null through;
"exclude_unless"/"exclude if" drop a field from validation; "in" checks every element of a list.
Messages follow the database's wording. See tests/oversight/test_tdb_validation.py for one refused
payload per rule.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from oversight.tdb import vocabulary as v

Errors = dict[str, list[str]]
MISSING = object()

PUID = re.compile(r"[a-zA-Z0-9\-_]+")
EAN13 = re.compile(r"[0-9]{13}")


def _name(field: str) -> str:
    return field.replace("_", " ").replace(".", " ")


def _filled(value: Any) -> bool:
    """Laravel's "required": present, not null, not an empty string or list."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return parsed if parsed.strftime("%Y-%m-%d") == value else None


class Field:
    """The rules of one field. Each check returns an error message or None."""

    def __init__(
        self,
        name: str,
        *,
        required: bool | Callable[[dict[str, Any]], bool] = False,
        nullable: bool = False,
        exclude: Callable[[dict[str, Any]], bool] | None = None,
        required_without_all: tuple[str, ...] = (),
        is_list: bool = False,
        choices: tuple[str, ...] | frozenset[str] | None = None,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        pattern_message: str = "",
        is_string: bool = False,
        is_url: bool = False,
        date_range: tuple[str | None, str | None] | None = None,
        required_message: str = "",
        date_message: str = "",
    ) -> None:
        self.name = name
        self.required = required
        self.nullable = nullable
        self.exclude = exclude
        self.required_without_all = required_without_all
        self.is_list = is_list
        self.choices = choices
        self.max_length = max_length
        self.pattern = pattern
        self.pattern_message = pattern_message
        self.is_string = is_string
        self.is_url = is_url
        self.date_range = date_range
        self.required_message = required_message
        self.date_message = date_message

    def errors(self, data: dict[str, Any]) -> list[str]:
        if self.exclude is not None and self.exclude(data):
            return []
        value = data.get(self.name, MISSING)
        if isinstance(value, str):  # the API trims strings and reads "" as null
            value = value.strip() or None
        label = _name(self.name)
        required = self.required(data) if callable(self.required) else self.required
        if self.required_without_all and not any(
            _filled(data.get(o, MISSING)) for o in self.required_without_all
        ):
            required = True
            if not _filled(value):
                others = " / ".join(_name(o) for o in self.required_without_all)
                return [f"The {label} field is required when none of {others} are present."]
        if not _filled(value):
            if required:
                return [self.required_message or f"The {label} field is required."]
            if value is MISSING or (value is None and self.nullable):
                return []
            if value is None and not (self.is_list or self.choices or self.is_string or self.date_range):
                return []
        return self._value_errors(value, label)

    def _value_errors(self, value: Any, label: str) -> list[str]:
        if self.is_list:
            if not isinstance(value, (list, dict)):
                return [f"The {label} field must be an array."]
            items = list(value.values()) if isinstance(value, dict) else value
            if self.choices is not None and any(item not in self.choices for item in items):
                return [f"The selected {label} is invalid."]
            return []
        if self.choices is not None and (not isinstance(value, str) or value not in self.choices):
            return [f"The selected {label} is invalid."]
        errors = []
        if self.is_string and not isinstance(value, str):
            errors.append(f"The {label} field must be a string.")
        text = value if isinstance(value, str) else str(value)
        if self.max_length is not None and len(text) > self.max_length:
            errors.append(f"The {label} field must not be greater than {self.max_length} characters.")
        if self.pattern is not None and not (isinstance(value, str) and self.pattern.fullmatch(value)):
            errors.append(self.pattern_message or f"The {label} field format is invalid.")
        if self.is_url:
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                errors.append(f"The {label} field must be a valid URL.")
        if self.date_range is not None:
            parsed = _date(value)
            if parsed is None:
                return [self.date_message or f"The {label} field must match the format Y-m-d."]
            after, before = self.date_range
            if after and parsed < _date(after):  # type: ignore[operator]
                errors.append(f"The {label} field must be a date after or equal to {after}.")
            if before and parsed > _date(before):  # type: ignore[operator]
                errors.append(f"The {label} field must be a date before or equal to {before}.")
        return errors


def _has(field: str, key: str) -> Callable[[dict[str, Any]], bool]:
    def test(data: dict[str, Any]) -> bool:
        value = data.get(field)
        values = value if isinstance(value, list) else [value]
        return key in values

    return test


def _is(field: str, key: str) -> Callable[[dict[str, Any]], bool]:
    return lambda data: data.get(field) == key


def _is_not(field: str, key: str) -> Callable[[dict[str, Any]], bool]:
    return lambda data: data.get(field) != key


ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
RESTRICTIONS = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
LAST_DATE = "2038-01-01"  # the database refuses dates after it


def _restriction(name: str, choices: tuple[str, ...] | frozenset[str], *, is_list: bool = False) -> Field:
    """One of the four restrictions: at least one of them is required."""
    others = tuple(other for other in RESTRICTIONS if other != name)
    return Field(name, is_list=is_list, nullable=True, choices=choices, required_without_all=others)


def _only_when(
    name: str, applies: Callable[[dict[str, Any]], bool], *, max_length: int, required_message: str = ""
) -> Field:
    """A text the database requires when `applies` to the statement, and leaves out otherwise."""
    return Field(
        name,
        max_length=max_length,
        required=applies,
        exclude=lambda data: not applies(data),
        required_message=required_message,
    )


def _for_ground(name: str, ground: str, *, max_length: int) -> Field:
    """A text required for one decision ground (DECISION_GROUND_ILLEGAL_CONTENT: "illegal content")."""
    ground_words = _name(ground.removeprefix("DECISION_GROUND_").lower())
    return _only_when(
        name,
        _is("decision_ground", ground),
        max_length=max_length,
        required_message=f"The {_name(name)} field is required when decision ground is {ground_words}.",
    )


def _date_field(name: str, *, after: str | None, required: bool = False, what: str = "") -> Field:
    """A Y-m-d date from `after` to LAST_DATE; `what` names it in the format error (its name by default)."""
    return Field(
        name,
        required=required,
        nullable=not required,
        date_range=(after, LAST_DATE),
        date_message=f"The {what or _name(name)} does not match the format YYYY-MM-DD.",
    )


FIELDS = [
    Field("content_id", is_list=True, nullable=True),
    Field("content_id_ean", nullable=True, is_string=True, pattern=EAN13),
    _restriction("decision_visibility", v.DECISION_VISIBILITIES, is_list=True),
    _only_when(
        "decision_visibility_other",
        _has("decision_visibility", "DECISION_VISIBILITY_OTHER"),
        max_length=500,
    ),
    _restriction("decision_monetary", v.DECISION_MONETARIES),
    _only_when(
        "decision_monetary_other",
        _is("decision_monetary", "DECISION_MONETARY_OTHER"),
        max_length=500,
        required_message="The decision monetary other field is required when decision monetary is other.",
    ),
    _restriction("decision_provision", v.DECISION_PROVISIONS),
    _restriction("decision_account", v.DECISION_ACCOUNTS),
    Field("account_type", nullable=True, choices=v.ACCOUNT_TYPES),
    Field("category_specification", is_list=True, nullable=True, choices=v.KEYWORDS),
    Field("category_specification_other", max_length=500),
    Field("decision_ground", required=True, choices=v.DECISION_GROUNDS),
    Field("decision_ground_reference_url", nullable=True, is_url=True, max_length=500),
    _for_ground("illegal_content_legal_ground", ILLEGAL, max_length=500),
    _for_ground("illegal_content_explanation", ILLEGAL, max_length=2000),
    _for_ground("incompatible_content_ground", INCOMPATIBLE, max_length=500),
    _for_ground("incompatible_content_explanation", INCOMPATIBLE, max_length=2000),
    Field(
        "incompatible_content_illegal",
        choices=v.INCOMPATIBLE_CONTENT_ILLEGALS,
        exclude=_is_not("decision_ground", INCOMPATIBLE),
    ),
    Field("content_type", required=True, is_list=True, choices=v.CONTENT_TYPES),
    _only_when("content_type_other", _has("content_type", "CONTENT_TYPE_OTHER"), max_length=500),
    Field("category", required=True, choices=tuple(v.STATEMENT_CATEGORIES)),
    Field("category_addition", is_list=True, choices=tuple(v.STATEMENT_CATEGORIES)),
    Field("territorial_scope", is_list=True, nullable=True, choices=v.EEA_COUNTRY_CODES),
    Field("content_language", nullable=True, choices=v.LANGUAGE_CODES),
    _date_field("content_date", after="2000-01-01", required=True),
    _date_field("application_date", after="2020-01-01", required=True),
    *[
        _date_field(f"end_date_{kind}_restriction", after=None, what=f"end date of {kind} restriction")
        for kind in ("account", "monetary", "service", "visibility")
    ],
    Field("decision_facts", required=True, max_length=5000),
    Field("source_type", required=True, choices=v.SOURCE_TYPES),
    Field("source_identity", max_length=500, exclude=_is("source_type", "SOURCE_VOLUNTARY")),
    Field("automated_detection", required=True, choices=v.AUTOMATED_DETECTIONS),
    Field("automated_decision", required=True, choices=v.AUTOMATED_DECISIONS),
    Field(
        "puid",
        required=True,
        max_length=500,
        pattern=PUID,
        pattern_message="The puid format is invalid.",
    ),
]


def validate_statement(data: dict[str, Any]) -> Errors:
    """Errors by field, as the database would answer them; empty when the statement would be stored."""
    errors: Errors = {}
    if not isinstance(data, dict):
        return {"statement": ["The statement must be an object."]}
    for field in FIELDS:
        found = field.errors(data)
        if found:
            errors[field.name] = found
    content_id = data.get("content_id")
    if isinstance(content_id, dict) and "EAN-13" in content_id:
        ean = content_id["EAN-13"]
        if not isinstance(ean, str) or not EAN13.fullmatch(ean):
            errors["content_id.EAN-13"] = ["The content id.EAN-13 field format is invalid."]
    return errors


def validate_batch(statements: Any) -> dict[str, Any]:
    """The grouped endpoint: 1 to 100 statements, each validated; errors keyed statement_<index>."""
    if not isinstance(statements, list) or not statements:
        return {"statements": ["The statements field is required."]}
    if len(statements) > 100:
        return {"statements": ["The statements field must have between 1 and 100 items."]}
    errors: dict[str, Any] = {}
    for index, statement in enumerate(statements):
        found = validate_statement(statement)
        if found:
            errors[f"statement_{index}"] = found
    return errors
