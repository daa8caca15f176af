"""Producer codes of GB 45438 labels (RULES R08): classify ``ContentProducer``, check the Unified
Social Credit Code inside a TC260 code, and look it up in a list of known producers.

A TC260 provider code is "001" + one digit + the provider's 18-character USCC + a 5-character product
suffix (27 characters); anything else non-empty is a free-text name ("doubao", "picwish").

The allow/deny list is the platform's (admin-managed, kept in the database later): the engine takes
it as a plain mapping, so it stays free of the database. ``classify_producer(value, known)`` with
``known`` mapping a USCC, a full code or a lower-cased name to a ``KnownProducer``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PRODUCER_CODE = re.compile(r"^001\d([0-9A-Z]{18})([0-9A-Z]{5})$")

# GB 32100-2015: the same check as accounts.identifiers (copied: the engine imports no Django app).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")

ALLOW = "allow"
DENY = "deny"


def uscc_is_valid(code: str) -> bool:
    if not USCC_RE.match(code):
        return False
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(code[:17], USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


@dataclass(frozen=True)
class KnownProducer:
    """An entry of the platform's list: who the producer is and whether it is allowed or denied."""

    name: str
    status: str  # ALLOW | DENY
    note: str = ""


@dataclass(frozen=True)
class ProducerClass:
    """R08: a TC260 provider code (with its Unified Social Credit Code) or a free-text name."""

    kind: str  # "tc260_code" | "name" | "empty"
    uscc: str | None = None
    product_code: str | None = None
    uscc_valid: bool | None = None  # the GB 32100 check character, for codes
    name: str | None = None  # the free text, for names
    known: KnownProducer | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "uscc": self.uscc,
            "product_code": self.product_code,
            "uscc_valid": self.uscc_valid,
            "name": self.name,
            "known": None
            if self.known is None
            else {"name": self.known.name, "status": self.known.status, "note": self.known.note},
        }


def classify_producer(value: str, known: Mapping[str, KnownProducer] | None = None) -> ProducerClass:
    """Classify ``value``; with ``known``, look it up by full code, then USCC, then lower-cased name."""
    value = value.strip()
    if not value:
        return ProducerClass("empty")
    known = known or {}
    match = PRODUCER_CODE.match(value)
    if match:
        uscc = match.group(1)
        return ProducerClass(
            "tc260_code",
            uscc=uscc,
            product_code=match.group(2),
            uscc_valid=uscc_is_valid(uscc),
            known=known.get(value) or known.get(uscc),
        )
    return ProducerClass("name", name=value, known=known.get(value.lower()))
