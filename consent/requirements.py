"""When consent is needed, from whom, and for what (R22).

Consent is needed when the contributor declares a biometric synthesis category (face generation,
swap or manipulation; voice synthesis or imitation; body or gesture manipulation), when another real
person or a public figure is depicted, or when the files' C2PA data records a face or voice edit.
Every depicted person must then consent, the contributor included (through a self-confirmation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from consent.models import BiometricKind
from labels.engine import InspectOptions, inspect_file
from labels.findings import biometric_edit_actions, model_release_info
from moderation.models import Category, DepictedPerson, MediaFile, Relation, Revision
from privatemedia.localcopy import local_copy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CATEGORY_KINDS = {
    Category.FACE_GENERATION: BiometricKind.FACE,
    Category.FACE_SWAP: BiometricKind.FACE,
    Category.FACE_MANIPULATION: BiometricKind.FACE,
    Category.VOICE_SYNTHESIS: BiometricKind.VOICE,
    Category.BODY_MANIPULATION: BiometricKind.BODY,
}
# The words labels.findings matches in C2PA actions that mean a voice; any other match is a face.
VOICE_TERMS = frozenset({"voice", "voices", "speech", "tts", "声音", "语音", "配音"})

BIOMETRIC_CATEGORY = "biometric_category"
OTHER_PERSON = "other_person"
C2PA_EDIT = "c2pa_edit"
REASONS: dict[str, StrOrPromise] = {
    BIOMETRIC_CATEGORY: _("a face, voice or body synthesis category is declared"),
    OTHER_PERSON: _("another real person is depicted"),
    C2PA_EDIT: _("the files' C2PA data records a face or voice edit"),
}


@dataclass(frozen=True)
class ConsentNeed:
    """What a revision needs. `persons` are all depicted persons; each must be covered."""

    reasons: list[str]
    kinds: frozenset[str]
    media_sha256: frozenset[str]
    persons: list[DepictedPerson]
    no_real_person: bool
    biometric_edits: list[dict[str, Any]] = field(default_factory=list)
    model_release: list[dict[str, Any]] = field(default_factory=list)

    @property
    def required(self) -> bool:
        return bool(self.reasons)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[reason]) for reason in self.reasons]

    @property
    def kind_labels(self) -> list[str]:
        return [str(kind.label) for kind in BiometricKind if kind in self.kinds]


def kinds_of_categories(categories: list[Category]) -> set[str]:
    return {CATEGORY_KINDS[c].value for c in categories if c in CATEGORY_KINDS}


def kinds_of_edits(edits: list[dict[str, Any]]) -> set[str]:
    kinds = set()
    for edit in edits:
        matched = set(edit.get("matched", []))
        if matched & VOICE_TERMS:
            kinds.add(BiometricKind.VOICE.value)
        if matched - VOICE_TERMS:
            kinds.add(BiometricKind.FACE.value)
    return kinds


# Files never change, so what they say is remembered by SHA-256 (and the name shown in messages).
_SIGNALS_CACHE: dict[tuple[str, str], str] = {}
_SIGNALS_CACHE_SIZE = 2048


def _file_signals(sha256: str, stored_name: str, display_name: str) -> str:
    """Face or voice edits and model-release fields of one file, as JSON."""
    key = (sha256, display_name)
    if key in _SIGNALS_CACHE:
        return _SIGNALS_CACHE[key]
    with local_copy(stored_name) as path:
        report = inspect_file(path, options=InspectOptions(read_c2pa=True))
    report.path = display_name
    signals = json.dumps(
        {"edits": biometric_edit_actions([report]), "releases": model_release_info([report])}, default=str
    )
    if not report.container_errors:  # A file that could not be read is read again next time.
        if len(_SIGNALS_CACHE) >= _SIGNALS_CACHE_SIZE:
            _SIGNALS_CACHE.clear()
        _SIGNALS_CACHE[key] = signals
    return signals


def file_signals(
    revision: Revision, media: list[MediaFile] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    edits: list[dict[str, Any]] = []
    releases: list[dict[str, Any]] = []
    for item in media if media is not None else revision.media.all():
        signals = json.loads(_file_signals(item.sha256, item.file.name or "", item.original_name))
        edits += signals["edits"]
        releases += signals["releases"]
    return edits, releases


def consent_need(revision: Revision, *, read_files: bool = True) -> ConsentNeed:
    """Steps: declared categories; the persons and their relation; the files' C2PA actions (read
    once per file: the result is cached by SHA-256). `read_files=False` skips the last step."""
    persons = list(revision.persons.all())
    media = list(revision.media.all())
    edits, releases = file_signals(revision, media) if read_files else ([], [])
    category_kinds = kinds_of_categories(revision.categories)
    reasons = []
    if category_kinds:
        reasons.append(BIOMETRIC_CATEGORY)
    if any(p.relation in (Relation.OTHER, Relation.PUBLIC_FIGURE) for p in persons):
        reasons.append(OTHER_PERSON)
    if edits:
        reasons.append(C2PA_EDIT)
    return ConsentNeed(
        reasons=reasons,
        kinds=frozenset(category_kinds | kinds_of_edits(edits)),
        media_sha256=frozenset(item.sha256 for item in media),
        persons=persons,
        no_real_person=revision.no_real_person,
        biometric_edits=edits,
        model_release=releases,
    )
