"""Turn media reports and the contributor's declaration into moderation findings (pure functions).

Each finding has a stable ``code`` (stored in the database), a severity, a plain-words message
naming which field of which file or manifest said what, JSON-able evidence and the RULES id it checks.
The catalogue of codes is ``FINDING_CODES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from labels.c2pa_manifest import C2paAction
from labels.containers.base import LIMIT, UNREADABLE, UNSAFE
from labels.marks import MARKS_VERSION, find_marks
from labels.producers import DENY, KnownProducer, classify_producer
from labels.report import (
    SOURCE_C2PA,
    SOURCE_IPTC,
    SOURCE_IPTC_AI_SYSTEM,
    SOURCE_TC260,
    SOURCE_VISIBLE_MARK,
    MediaReport,
    Signal,
)
from labels.tier import CONFIRMED

INFO = "info"
WARNING = "warning"
BLOCKING = "blocking"

DECLARATION_CONTRADICTS_METADATA = "declaration_contradicts_metadata"
SUSPECTED_AI_UNDECLARED = "suspected_ai_undeclared"
CONSPICUOUS_LABEL_REQUIRED_UNDECLARED = "conspicuous_label_required_undeclared"
AI_LABEL_FOUND = "ai_label_found"
IPTC_AI_SYSTEM_FIELDS = "iptc_ai_system_fields"
GENERATOR_TRACE = "generator_trace"
TEXT_AI_MARK = "text_ai_mark"
C2PA_TAMPERED = "c2pa_tampered"
C2PA_SIGNER_UNTRUSTED = "c2pa_signer_untrusted"
C2PA_UNREADABLE = "c2pa_unreadable"
C2PA_REMOTE_MANIFEST = "c2pa_remote_manifest"
C2PA_MANIFEST_MISSING = "c2pa_manifest_missing"
TC260_MULTIPLE = "tc260_multiple"
TC260_MALFORMED = "tc260_malformed"
FILE_UNREADABLE = "file_unreadable"
BIOMETRIC_EDIT = "biometric_edit"
METADATA_UNSAFE = "metadata_unsafe"
METADATA_UNREADABLE = "metadata_unreadable"
IMAGE_OVER_PIXEL_LIMIT = "image_over_pixel_limit"
VISIBLE_AI_MARK = "visible_ai_mark"
TC260_PRODUCER_CODE_INVALID = "tc260_producer_code_invalid"
TC260_PRODUCER_DENIED = "tc260_producer_denied"
MODEL_RELEASE_CONTRADICTS_EDIT = "model_release_contradicts_edit"

# code -> (severity, rule, meaning). ai_label_found and declaration_contradicts_metadata take the rule
# of the label found: R02 for C2PA, R04 for IPTC, R06 for TC260.
FINDING_CODES: dict[str, tuple[str, str, str]] = {
    DECLARATION_CONTRADICTS_METADATA: (BLOCKING, "R02", "a label says AI, the contributor said no"),
    SUSPECTED_AI_UNDECLARED: (WARNING, "R11", "traces suggest AI, the contributor said no"),
    CONSPICUOUS_LABEL_REQUIRED_UNDECLARED: (WARNING, "R12", "Art. 17 category chosen, no AI declared"),
    AI_LABEL_FOUND: (INFO, "R02", "a file carries a machine-readable AI label"),
    IPTC_AI_SYSTEM_FIELDS: (INFO, "R05", "IPTC 2025.1 AI-system fields are present"),
    GENERATOR_TRACE: (INFO, "R09", "a generation tool left metadata behind"),
    TEXT_AI_MARK: (INFO, "R10", "the text carries a visible AI mark"),
    C2PA_TAMPERED: (BLOCKING, "R03", "the file was altered after its manifest was signed"),
    C2PA_SIGNER_UNTRUSTED: (INFO, "R03", "the C2PA signer is untrusted or expired"),
    C2PA_UNREADABLE: (WARNING, "R01", "a C2PA manifest store cannot be read"),
    C2PA_REMOTE_MANIFEST: (INFO, "R01", "a remote C2PA manifest is referenced, not fetched"),
    C2PA_MANIFEST_MISSING: (WARNING, "R01", "XMP points to an embedded C2PA manifest that is gone"),
    TC260_MULTIPLE: (BLOCKING, "R06", "more than one GB 45438 implicit label"),
    TC260_MALFORMED: (BLOCKING, "R07", "a GB 45438 implicit label breaks Annex E"),
    FILE_UNREADABLE: (WARNING, "R11", "the file could not be read completely"),
    METADATA_UNSAFE: (BLOCKING, "R11", "metadata tries what a safe reader refuses (XML DTD/entities)"),
    METADATA_UNREADABLE: (WARNING, "R11", "a metadata entry could not be read; a label may hide in it"),
    IMAGE_OVER_PIXEL_LIMIT: (
        WARNING,
        "R11",
        "the image is over the pixel limit; its pixels were not examined",
    ),
    VISIBLE_AI_MARK: (INFO, "R10", "an AI mark is drawn into the image or the video's first seconds"),
    TC260_PRODUCER_CODE_INVALID: (WARNING, "R08", "the producer code's USCC fails its GB 32100 check"),
    TC260_PRODUCER_DENIED: (WARNING, "R08", "the label names a producer on the platform's deny list"),
    BIOMETRIC_EDIT: (WARNING, "R22", "a C2PA action edits a face or a voice"),
    MODEL_RELEASE_CONTRADICTS_EDIT: (WARNING, "R25", "model release says none, a face or voice was edited"),
}
SOURCE_RULES = {SOURCE_C2PA: "R02", SOURCE_IPTC: "R04", SOURCE_TC260: "R06", SOURCE_IPTC_AI_SYSTEM: "R05"}

# Deep Synthesis Provisions Art. 17(1): services whose output needs a conspicuous label.
ART17_CATEGORIES = {
    "text_person_simulation": "text simulating a natural person (Art. 17(1)(1))",
    "voice_synthesis": "synthetic voice or voice imitation (Art. 17(1)(2))",
    "face_generation": "face generation (Art. 17(1)(3))",
    "face_swap": "face swap (Art. 17(1)(3))",
    "face_manipulation": "face manipulation (Art. 17(1)(3))",
    "body_manipulation": "gesture or body manipulation (Art. 17(1)(3))",
    "immersive_scene": "immersive realistic scene (Art. 17(1)(4))",
    "other_generation": "other generation or significant alteration (Art. 17(1)(5))",
}

# Visible AI marks in text (R10 / R18): Chinese and English wordings.
_TEXT_AI_MARK = re.compile(
    r"(AI|人工智能)\s*(生成|合成)|\bAI[- ]generated\b|\bgenerated (by|with) (an )?AI\b|\bAI-assisted\b", re.I
)

# Words in C2PA actions that mean a face or a voice was generated or edited (DS Art. 14, 23(4); R22).
# Matched as whole words after splitting camelCase and punctuation; Chinese terms as substrings.
BIOMETRIC_TERMS = frozenset(
    {
        *("face", "faces", "facial", "faceswap", "swap", "swapped", "portrait", "portraits"),
        *("lip", "lips", "lipsync", "voice", "voices", "speech", "tts", "deepfake", "reenactment"),
    }
)
BIOMETRIC_TERMS_CJK = ("人脸", "换脸", "面部", "肖像", "声音", "语音", "配音", "唇")
_SKIPPED_PARAMETERS = frozenset({"ingredient", "ingredients", "ingredientIds", "hash", "url"})
MODEL_RELEASE_NONE = ("MR-NON", "MR-NAP", "none", "not applicable")


@dataclass(frozen=True)
class FindingSpec:
    code: str
    severity: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    rule: str = ""


def evaluate(
    reports: list[MediaReport],
    *,
    declared_ai: bool,
    categories: list[str],
    text: str | None = None,
    known_producers: Mapping[str, KnownProducer] | None = None,
) -> list[FindingSpec]:
    """All findings for one submission: its files' reports, the AI declaration, the chosen categories.

    ``reports`` may include the report of the submission's text (``engine.inspect_text``); then do
    not pass the same text as ``text`` too. ``known_producers`` is the platform's allow/deny list of
    producers (``labels.producers``), keyed by TC260 code, USCC or lower-cased name.
    """
    unknown = sorted(set(categories) - set(ART17_CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories: {', '.join(unknown)}")
    findings: list[FindingSpec] = []
    for report in reports:
        findings += _file_findings(report, declared_ai, known_producers or {})
    findings += _text_findings(text, declared_ai)
    findings += _category_findings(categories, declared_ai)
    findings += _biometric_findings(reports)
    return findings


def evaluate_visible(reports: list[MediaReport], *, declared_ai: bool) -> list[FindingSpec]:
    """Only the findings of visible marks (for a separate OCR check on the media queue): each mark
    drawn into a file, and, when the contributor declared no AI and no file carries a confirmed
    label, the contradiction (rule R10)."""
    findings: list[FindingSpec] = []
    for report in reports:
        drawn = [mark for mark in report.marks if mark.where != "text"]
        findings += [f for f in _mark_findings(report) if f.code == VISIBLE_AI_MARK]
        signals = [s for s in report.signals if s.source == SOURCE_VISIBLE_MARK]
        # A confirmed machine-readable label already makes the label check report this file's
        # contradiction (`evaluate`): once is enough, whichever check runs first.
        labelled = any(s.strength == CONFIRMED for s in report.signals)
        if drawn and signals and not declared_ai and not labelled:
            message = f'File "{report.path}": {_join(signals)}, but the contributor declared no AI'
            evidence = {"path": report.path, "signals": _signals_json(signals)}
            findings.append(_finding(DECLARATION_CONTRADICTS_METADATA, message, evidence, "R10"))
    return findings


def _finding(code: str, message: str, evidence: dict[str, Any], rule: str | None = None) -> FindingSpec:
    severity, default_rule, _ = FINDING_CODES[code]
    return FindingSpec(
        code=code, severity=severity, message=message, evidence=evidence, rule=rule or default_rule
    )


def _file_findings(
    report: MediaReport, declared_ai: bool, known_producers: Mapping[str, KnownProducer]
) -> list[FindingSpec]:
    findings: list[FindingSpec] = []
    path = report.path
    if not report.readable:
        message = f'File "{path}" could not be read completely: {"; ".join(report.container_errors)}'
        findings.append(_finding(FILE_UNREADABLE, message, {"path": path, "errors": report.container_errors}))
    findings += _problem_findings(report)
    findings += _c2pa_findings(report)
    findings += _tc260_findings(report)
    findings += _producer_findings(report, known_producers)
    findings += _mark_findings(report)
    labels = [s for s in report.signals if s.source in (SOURCE_C2PA, SOURCE_IPTC, SOURCE_TC260)]
    if labels:
        message = f'File "{path}" carries an AI label: {_join(labels)}'
        evidence: dict[str, Any] = {"path": path, "tier": report.tier, "signals": _signals_json(labels)}
        producers = producer_info(report, known_producers)
        if producers:
            evidence["producers"] = producers  # R08: the moderator sees who made it
            message += "; produced by " + ", ".join(_producer_name(item) for item in producers)
        findings.append(_finding(AI_LABEL_FOUND, message, evidence, SOURCE_RULES[labels[0].source]))
    ai_system = [s for s in report.signals if s.source == SOURCE_IPTC_AI_SYSTEM]
    if ai_system:
        message = f'File "{path}": {_join(ai_system)}'
        findings.append(_finding(IPTC_AI_SYSTEM_FIELDS, message, {"path": path, "fields": report.ai_system}))
    for trace in report.traces:
        message = f'File "{path}": {trace.detail}, a trace of {trace.tool}'
        findings.append(_finding(GENERATOR_TRACE, message, {"path": path, **trace.to_json()}))
    if declared_ai or not report.signals:
        return findings
    confirmed = [s for s in report.signals if s.strength == CONFIRMED]
    drawn = [s for s in report.signals if s.source == SOURCE_VISIBLE_MARK]
    if confirmed:
        message = f'File "{path}": {_join(confirmed)}, but the contributor declared no AI'
        evidence = {"path": path, "signals": _signals_json(confirmed)}
        rule = SOURCE_RULES[confirmed[0].source]
        findings.append(_finding(DECLARATION_CONTRADICTS_METADATA, message, evidence, rule))
    elif drawn:
        # The file says "AI生成" in its own pixels: a label people see, against a "not AI" declaration.
        message = f'File "{path}": {_join(drawn)}, but the contributor declared no AI'
        evidence = {"path": path, "signals": _signals_json(drawn)}
        findings.append(_finding(DECLARATION_CONTRADICTS_METADATA, message, evidence, "R10"))
    else:
        message = f'File "{path}": {_join(report.signals)}, but the contributor declared no AI'
        evidence = {"path": path, "signals": _signals_json(report.signals)}
        findings.append(_finding(SUSPECTED_AI_UNDECLARED, message, evidence))
    return findings


_PROBLEM_CODES = {UNSAFE: METADATA_UNSAFE, UNREADABLE: METADATA_UNREADABLE, LIMIT: IMAGE_OVER_PIXEL_LIMIT}


def _problem_findings(report: MediaReport) -> list[FindingSpec]:
    """Metadata that could not be read safely is never "no label": a finding names where and why.

    Evidence: path, kind, reason (a stable code), where, and the reason's parameters.
    """
    findings = []
    for problem in report.metadata_problems:
        message = f'File "{report.path}": {problem.detail}'
        evidence = {"path": report.path, **problem.to_json()}
        findings.append(_finding(_PROBLEM_CODES[problem.kind], message, evidence))
    return findings


def _c2pa_findings(report: MediaReport) -> list[FindingSpec]:
    info, path = report.c2pa, report.path
    if info is None:
        if not report.c2pa_remote_url:
            return []
        if report.c2pa_remote_url.startswith("self#jumbf"):
            # The XMP still names the manifest the file carried: it was stripped (or never written).
            message = (
                f'File "{path}": XMP dcterms:provenance points to an embedded C2PA manifest '
                f"({report.c2pa_remote_url}), but the file carries none: it was removed"
            )
            return [_finding(C2PA_MANIFEST_MISSING, message, {"path": path, "url": report.c2pa_remote_url})]
        message = (
            f'File "{path}" points to a remote C2PA manifest at {report.c2pa_remote_url}; it was not fetched'
        )
        return [_finding(C2PA_REMOTE_MANIFEST, message, {"path": path, "url": report.c2pa_remote_url})]
    findings: list[FindingSpec] = []
    manifest = f'C2PA manifest "{info.active_manifest}" (active) of "{path}"'
    if info.error:
        message = (
            f'File "{path}" has a C2PA manifest store ({info.location}) that cannot be read: {info.error}'
        )
        evidence: dict[str, Any] = {"path": path, "location": info.location, "error": info.error}
        findings.append(_finding(C2PA_UNREADABLE, message, evidence))
    if info.tampered:
        message = f"{manifest} reports {', '.join(info.tamper_codes)}: the file was altered after signing"
        evidence = {"path": path, "manifest": info.active_manifest, "codes": info.tamper_codes}
        findings.append(_finding(C2PA_TAMPERED, message, evidence))
    if info.signer_trust in ("untrusted", "expired"):
        message = (
            f'{manifest} is signed by "{info.issuer}" ({info.signer_common_name}), whose certificate is '
            f"{info.signer_trust}; its AI claim still stands"
        )
        evidence = {
            "path": path,
            "manifest": info.active_manifest,
            "issuer": info.issuer,
            "signer_trust": info.signer_trust,
            "codes": info.codes,
        }
        findings.append(_finding(C2PA_SIGNER_UNTRUSTED, message, evidence))
    return findings


def _tc260_findings(report: MediaReport) -> list[FindingSpec]:
    findings: list[FindingSpec] = []
    path, labels = report.path, report.tc260_labels
    placements = [label.placement for label in labels]
    if len(labels) > 1:
        message = (
            f'File "{path}" carries {len(labels)} GB 45438 implicit labels ({", ".join(placements)}); '
            "§6.1 c) allows one"
        )
        findings.append(_finding(TC260_MULTIPLE, message, {"path": path, "placements": placements}))
    for label in labels:
        if label.errors:
            message = (
                f'GB 45438 label in {label.placement} of "{path}" is malformed: {"; ".join(label.errors)}'
            )
            evidence: dict[str, Any] = {
                "path": path,
                "placement": label.placement,
                "errors": label.errors,
                "raw": label.raw[:2000],
            }
            findings.append(_finding(TC260_MALFORMED, message, evidence))
    return findings


def producer_info(report: MediaReport, known: Mapping[str, KnownProducer]) -> list[dict[str, Any]]:
    """R08: who each GB 45438 label of ``report`` says produced the content (code, USCC, name, list)."""
    info = []
    for label in report.tc260_labels:
        value = label.field_text("ContentProducer") or ""
        producer = classify_producer(value, known)
        if producer.kind != "empty":
            info.append({"placement": label.placement, "content_producer": value, **producer.to_json()})
    return info


def _producer_findings(report: MediaReport, known: Mapping[str, KnownProducer]) -> list[FindingSpec]:
    """A producer code whose USCC fails its check, a producer on the platform's deny list."""
    findings: list[FindingSpec] = []
    for item in producer_info(report, known):
        evidence: dict[str, Any] = {"path": report.path, **item}
        where = f'GB 45438 label in {item["placement"]} of "{report.path}"'
        if item["uscc_valid"] is False:
            message = (
                f"{where}: the producer code {item['content_producer']} holds USCC {item['uscc']}, "
                "whose check character is wrong"
            )
            findings.append(_finding(TC260_PRODUCER_CODE_INVALID, message, evidence))
        known_entry = item["known"]
        if known_entry and known_entry["status"] == DENY:
            note = f": {known_entry['note']}" if known_entry["note"] else ""
            message = (
                f"{where} names {known_entry['name']} ({item['content_producer']}), on the platform's "
                f"deny list{note}"
            )
            findings.append(_finding(TC260_PRODUCER_DENIED, message, evidence))
    return findings


def _producer_name(item: dict[str, Any]) -> str:
    known = item["known"]
    if item["kind"] == "tc260_code":
        name = f"{known['name']} (USCC {item['uscc']})" if known else f"USCC {item['uscc']}"
        return name + ("" if item["uscc_valid"] else ", check character wrong")
    return f'{known["name"]} ("{item["name"]}")' if known else f'"{item["name"]}"'


def _mark_findings(report: MediaReport) -> list[FindingSpec]:
    """Visible AI marks: in a text body (TEXT_AI_MARK) or drawn into pixels (VISIBLE_AI_MARK)."""
    findings = []
    for mark in report.marks:
        evidence = {"path": report.path, **mark.to_json()}
        if mark.where == "text":
            message = f'"{report.path}" says "{mark.text}" ({mark.wording})'
            findings.append(_finding(TEXT_AI_MARK, message, evidence))
        else:
            who = f", the mark of {mark.generator}" if mark.generator else ""
            message = f'File "{report.path}" shows "{mark.text}" in {mark.where}{who}'
            findings.append(_finding(VISIBLE_AI_MARK, message, evidence))
    return findings


def _text_findings(text: str | None, declared_ai: bool) -> list[FindingSpec]:
    match = _TEXT_AI_MARK.search(text or "")
    marks = find_marks(text or "")
    if text is None or (match is None and not marks):
        return []
    if match is None:
        offset = text.find(marks[0].text)
        mark, start, end = marks[0].text, offset, offset + len(marks[0].text)
    else:
        mark, start, end = match.group(0), match.start(), match.end()
    excerpt = text[max(start - 30, 0) : end + 30]
    evidence: dict[str, Any] = {"mark": mark, "offset": start, "marks_version": MARKS_VERSION}
    findings = [_finding(TEXT_AI_MARK, f'The text says "{mark}" (…{excerpt}…)', evidence)]
    if not declared_ai:
        message = f'The text carries the visible AI mark "{mark}", but the contributor declared no AI'
        findings.append(_finding(SUSPECTED_AI_UNDECLARED, message, evidence, "R10"))
    return findings


def _category_findings(categories: list[str], declared_ai: bool) -> list[FindingSpec]:
    chosen = [category for category in categories if category in ART17_CATEGORIES]
    if declared_ai or not chosen:
        return []
    names = "; ".join(ART17_CATEGORIES[category] for category in chosen)
    message = f"The contributor chose {names}, which needs a conspicuous AI label, but declared no AI"
    return [_finding(CONSPICUOUS_LABEL_REQUIRED_UNDECLARED, message, {"categories": chosen})]


def _biometric_findings(reports: list[MediaReport]) -> list[FindingSpec]:
    findings: list[FindingSpec] = []
    edits = biometric_edit_actions(reports)
    for edit in edits:
        message = (
            f'C2PA manifest "{edit["manifest"]}" ({edit["role"]}) of "{edit["path"]}" records action '
            f"{edit['action']} mentioning {', '.join(edit['matched'])}: the separate consent of the person "
            "shown or heard is needed"
        )
        findings.append(_finding(BIOMETRIC_EDIT, message, edit))
    edited_paths = {edit["path"] for edit in edits}
    for release in model_release_info(reports):
        statuses = release["fields"].get("ModelReleaseStatus", [])
        if release["path"] in edited_paths and any(_says_no_release(status) for status in statuses):
            message = (
                f'File "{release["path"]}": XMP plus:ModelReleaseStatus is {", ".join(statuses)}, but a C2PA '
                "action edits a face or voice"
            )
            findings.append(_finding(MODEL_RELEASE_CONTRADICTS_EDIT, message, release))
    return findings


def biometric_edit_actions(reports: Iterable[MediaReport]) -> list[dict[str, Any]]:
    """C2PA actions (any manifest) whose name, description, agent or parameters mention a face or voice.

    Simple word matching, documented in BIOMETRIC_TERMS: a hint for the moderator (R22), not a verdict.
    """
    found = []
    for report in reports:
        for action in report.c2pa.actions if report.c2pa else []:
            matched = _biometric_terms(action)
            if matched:
                found.append({"path": report.path, **action.to_json(), "matched": matched})
    return found


def _biometric_terms(action: C2paAction) -> list[str]:
    text = " ".join(
        [
            action.action,
            action.description or "",
            action.software_agent or "",
            *_parameter_words(action.parameters),
        ]
    )
    words = set(re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()))
    matched = sorted(words & BIOMETRIC_TERMS)
    return matched + [term for term in BIOMETRIC_TERMS_CJK if term in text]


def _parameter_words(value: Any, depth: int = 0) -> list[str]:
    if depth > 4:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            word
            for key, item in value.items()
            if key not in _SKIPPED_PARAMETERS
            for word in [str(key), *_parameter_words(item, depth + 1)]
        ]
    if isinstance(value, list):
        return [word for item in value for word in _parameter_words(item, depth + 1)]
    return []


def model_release_info(reports: Iterable[MediaReport]) -> list[dict[str, Any]]:
    """The IPTC/PLUS model-release fields each file carries (R25: informational, not consent)."""
    return [
        {"path": report.path, "fields": report.model_release} for report in reports if report.model_release
    ]


def _says_no_release(status: str) -> bool:
    return any(marker.lower() in status.lower() for marker in MODEL_RELEASE_NONE)


def _join(signals: list[Signal]) -> str:
    return "; ".join(signal.detail for signal in signals)


def _signals_json(signals: list[Signal]) -> list[dict[str, str]]:
    return [{**signal.to_json(), "strength": signal.strength} for signal in signals]


__all__ = [
    "ART17_CATEGORIES",
    "FINDING_CODES",
    "FindingSpec",
    "biometric_edit_actions",
    "evaluate",
    "evaluate_visible",
    "model_release_info",
    "producer_info",
]
