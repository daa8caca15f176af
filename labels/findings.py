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

from django.utils.translation import gettext_noop  # marks the templates for makemessages only

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
    "text_person_simulation": gettext_noop("text simulating a natural person (Art. 17(1)(1))"),
    "voice_synthesis": gettext_noop("synthetic voice or voice imitation (Art. 17(1)(2))"),
    "face_generation": gettext_noop("face generation (Art. 17(1)(3))"),
    "face_swap": gettext_noop("face swap (Art. 17(1)(3))"),
    "face_manipulation": gettext_noop("face manipulation (Art. 17(1)(3))"),
    "body_manipulation": gettext_noop("gesture or body manipulation (Art. 17(1)(3))"),
    "immersive_scene": gettext_noop("immersive realistic scene (Art. 17(1)(4))"),
    "other_generation": gettext_noop("other generation or significant alteration (Art. 17(1)(5))"),
}

# The message of each finding, by key ("<code>" or "<code>:<variant>"): English templates with named
# arguments. A finding carries its key and arguments (``FindingSpec.params``), so the review page
# renders it in the reader's language (moderation.finding_messages); ``message`` is the English text.
_NO_AI = gettext_noop('File "%(path)s": %(signals)s, but the contributor declared no AI')
MESSAGES: dict[str, str] = {
    DECLARATION_CONTRADICTS_METADATA: _NO_AI,
    SUSPECTED_AI_UNDECLARED: _NO_AI,
    f"{SUSPECTED_AI_UNDECLARED}:text": gettext_noop(
        'The text carries the visible AI mark "%(mark)s", but the contributor declared no AI'
    ),
    FILE_UNREADABLE: gettext_noop('File "%(path)s" could not be read completely: %(errors)s'),
    AI_LABEL_FOUND: gettext_noop('File "%(path)s" carries an AI label: %(signals)s'),
    f"{AI_LABEL_FOUND}:producers": gettext_noop(
        'File "%(path)s" carries an AI label: %(signals)s; produced by %(producers)s'
    ),
    IPTC_AI_SYSTEM_FIELDS: gettext_noop('File "%(path)s": %(signals)s'),
    GENERATOR_TRACE: gettext_noop('File "%(path)s": %(detail)s, a trace of %(tool)s'),
    METADATA_UNSAFE: gettext_noop('File "%(path)s": %(detail)s'),
    METADATA_UNREADABLE: gettext_noop('File "%(path)s": %(detail)s'),
    IMAGE_OVER_PIXEL_LIMIT: gettext_noop('File "%(path)s": %(detail)s'),
    C2PA_MANIFEST_MISSING: gettext_noop(
        'File "%(path)s": XMP dcterms:provenance points to an embedded C2PA manifest (%(url)s), but the '
        "file carries none: it was removed"
    ),
    C2PA_REMOTE_MANIFEST: gettext_noop(
        'File "%(path)s" points to a remote C2PA manifest at %(url)s; it was not fetched'
    ),
    C2PA_UNREADABLE: gettext_noop(
        'File "%(path)s" has a C2PA manifest store (%(location)s) that cannot be read: %(error)s'
    ),
    C2PA_TAMPERED: gettext_noop(
        'C2PA manifest "%(manifest)s" (active) of "%(path)s" reports %(codes)s: the file was altered '
        "after signing"
    ),
    f"{C2PA_SIGNER_UNTRUSTED}:untrusted": gettext_noop(
        'C2PA manifest "%(manifest)s" (active) of "%(path)s" is signed by "%(issuer)s" (%(signer)s), '
        "whose certificate is untrusted; its AI claim still stands"
    ),
    f"{C2PA_SIGNER_UNTRUSTED}:expired": gettext_noop(
        'C2PA manifest "%(manifest)s" (active) of "%(path)s" is signed by "%(issuer)s" (%(signer)s), '
        "whose certificate is expired; its AI claim still stands"
    ),
    TC260_MULTIPLE: gettext_noop(
        'File "%(path)s" carries %(count)s GB 45438 implicit labels (%(placements)s); §6.1 c) allows one'
    ),
    TC260_MALFORMED: gettext_noop('GB 45438 label in %(placement)s of "%(path)s" is malformed: %(errors)s'),
    TC260_PRODUCER_CODE_INVALID: gettext_noop(
        'GB 45438 label in %(placement)s of "%(path)s": the producer code %(code)s holds USCC %(uscc)s, '
        "whose check character is wrong"
    ),
    TC260_PRODUCER_DENIED: gettext_noop(
        'GB 45438 label in %(placement)s of "%(path)s" names %(name)s (%(code)s), on the platform\'s deny '
        "list"
    ),
    f"{TC260_PRODUCER_DENIED}:note": gettext_noop(
        'GB 45438 label in %(placement)s of "%(path)s" names %(name)s (%(code)s), on the platform\'s deny '
        "list: %(note)s"
    ),
    TEXT_AI_MARK: gettext_noop('"%(path)s" says "%(mark)s" (%(wording)s)'),
    f"{TEXT_AI_MARK}:text": gettext_noop('The text says "%(mark)s" (…%(excerpt)s…)'),
    VISIBLE_AI_MARK: gettext_noop('File "%(path)s" shows "%(mark)s" in %(where)s'),
    f"{VISIBLE_AI_MARK}:generator": gettext_noop(
        'File "%(path)s" shows "%(mark)s" in %(where)s, the mark of %(generator)s'
    ),
    CONSPICUOUS_LABEL_REQUIRED_UNDECLARED: gettext_noop(
        "The contributor chose %(categories)s, which needs a conspicuous AI label, but declared no AI"
    ),
    BIOMETRIC_EDIT: gettext_noop(
        'C2PA manifest "%(manifest)s" (%(role)s) of "%(path)s" records action %(action)s mentioning '
        "%(matched)s: the separate consent of the person shown or heard is needed"
    ),
    MODEL_RELEASE_CONTRADICTS_EDIT: gettext_noop(
        'File "%(path)s": XMP plus:ModelReleaseStatus is %(statuses)s, but a C2PA action edits a face or '
        "voice"
    ),
    **{f"art17:{category}": name for category, name in ART17_CATEGORIES.items()},
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
    # What the message says, to render in the reader's language: {"key": ..., "args": {...}}.
    params: dict[str, Any] = field(default_factory=dict)


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
            evidence = {"path": report.path, "signals": _signals_json(signals)}
            args = {"path": report.path, "signals": _join(signals)}
            findings.append(_finding(DECLARATION_CONTRADICTS_METADATA, evidence, "R10", args=args))
    return findings


def _finding(
    code: str,
    evidence: dict[str, Any],
    rule: str | None = None,
    *,
    args: dict[str, Any],
    variant: str = "",
) -> FindingSpec:
    """A finding whose message is the template of its code (and variant) filled with ``args``."""
    severity, default_rule, _ = FINDING_CODES[code]
    key = f"{code}:{variant}" if variant else code
    params = {"key": key, "args": args}
    return FindingSpec(
        code=code,
        severity=severity,
        message=_english(params),
        evidence=evidence,
        rule=rule or default_rule,
        params=params,
    )


def _english(value: Any) -> Any:
    """A message spec rendered with the English templates (see moderation.finding_messages)."""
    if isinstance(value, dict):
        if "join" in value:
            return str(value.get("sep", "; ")).join(str(_english(item)) for item in value["join"])
        args = value.get("args")
        template = MESSAGES[value["key"]]
        return template % {name: _english(arg) for name, arg in args.items()} if args else template
    return value


def _file_findings(
    report: MediaReport, declared_ai: bool, known_producers: Mapping[str, KnownProducer]
) -> list[FindingSpec]:
    findings: list[FindingSpec] = []
    path = report.path
    args: dict[str, Any]
    evidence: dict[str, Any]
    if not report.readable:
        args = {"path": path, "errors": "; ".join(report.container_errors)}
        evidence = {"path": path, "errors": report.container_errors}
        findings.append(_finding(FILE_UNREADABLE, evidence, args=args))
    findings += _problem_findings(report)
    findings += _c2pa_findings(report)
    findings += _tc260_findings(report)
    findings += _producer_findings(report, known_producers)
    findings += _mark_findings(report)
    labels = [s for s in report.signals if s.source in (SOURCE_C2PA, SOURCE_IPTC, SOURCE_TC260)]
    if labels:
        evidence = {"path": path, "tier": report.tier, "signals": _signals_json(labels)}
        args = {"path": path, "signals": _join(labels)}
        producers = producer_info(report, known_producers)
        variant = ""
        if producers:
            evidence["producers"] = producers  # R08: the moderator sees who made it
            args["producers"] = ", ".join(_producer_name(item) for item in producers)
            variant = "producers"
        rule = SOURCE_RULES[labels[0].source]
        findings.append(_finding(AI_LABEL_FOUND, evidence, rule, args=args, variant=variant))
    ai_system = [s for s in report.signals if s.source == SOURCE_IPTC_AI_SYSTEM]
    if ai_system:
        args = {"path": path, "signals": _join(ai_system)}
        findings.append(
            _finding(IPTC_AI_SYSTEM_FIELDS, {"path": path, "fields": report.ai_system}, args=args)
        )
    for trace in report.traces:
        args = {"path": path, "detail": trace.detail, "tool": trace.tool}
        findings.append(_finding(GENERATOR_TRACE, {"path": path, **trace.to_json()}, args=args))
    if declared_ai or not report.signals:
        return findings
    confirmed = [s for s in report.signals if s.strength == CONFIRMED]
    drawn = [s for s in report.signals if s.source == SOURCE_VISIBLE_MARK]
    if confirmed:
        evidence = {"path": path, "signals": _signals_json(confirmed)}
        rule = SOURCE_RULES[confirmed[0].source]
        args = {"path": path, "signals": _join(confirmed)}
        findings.append(_finding(DECLARATION_CONTRADICTS_METADATA, evidence, rule, args=args))
    elif drawn:
        # The file says "AI生成" in its own pixels: a label people see, against a "not AI" declaration.
        evidence = {"path": path, "signals": _signals_json(drawn)}
        args = {"path": path, "signals": _join(drawn)}
        findings.append(_finding(DECLARATION_CONTRADICTS_METADATA, evidence, "R10", args=args))
    else:
        evidence = {"path": path, "signals": _signals_json(report.signals)}
        args = {"path": path, "signals": _join(report.signals)}
        findings.append(_finding(SUSPECTED_AI_UNDECLARED, evidence, args=args))
    return findings


_PROBLEM_CODES = {UNSAFE: METADATA_UNSAFE, UNREADABLE: METADATA_UNREADABLE, LIMIT: IMAGE_OVER_PIXEL_LIMIT}


def _problem_findings(report: MediaReport) -> list[FindingSpec]:
    """Metadata that could not be read safely is never "no label": a finding names where and why.

    Evidence: path, kind, reason (a stable code), where, and the reason's parameters.
    """
    findings = []
    for problem in report.metadata_problems:
        evidence = {"path": report.path, **problem.to_json()}
        args = {"path": report.path, "detail": problem.detail}
        findings.append(_finding(_PROBLEM_CODES[problem.kind], evidence, args=args))
    return findings


def _c2pa_findings(report: MediaReport) -> list[FindingSpec]:
    info, path = report.c2pa, report.path
    if info is None:
        if not report.c2pa_remote_url:
            return []
        if report.c2pa_remote_url.startswith("self#jumbf"):
            # The XMP still names the manifest the file carried: it was stripped (or never written).
            missing = {"path": path, "url": report.c2pa_remote_url}
            return [_finding(C2PA_MANIFEST_MISSING, missing, args=dict(missing))]
        remote = {"path": path, "url": report.c2pa_remote_url}
        return [_finding(C2PA_REMOTE_MANIFEST, remote, args=dict(remote))]
    findings: list[FindingSpec] = []
    evidence: dict[str, Any]
    args: dict[str, Any]
    if info.error:
        evidence = {"path": path, "location": info.location, "error": info.error}
        findings.append(_finding(C2PA_UNREADABLE, evidence, args=dict(evidence)))
    if info.tampered:
        evidence = {"path": path, "manifest": info.active_manifest, "codes": info.tamper_codes}
        args = {
            "path": path,
            "manifest": info.active_manifest,
            "codes": ", ".join(info.tamper_codes),
        }
        findings.append(_finding(C2PA_TAMPERED, evidence, args=args))
    if info.signer_trust in ("untrusted", "expired"):
        args = {
            "path": path,
            "manifest": info.active_manifest,
            "issuer": info.issuer,
            "signer": info.signer_common_name,
        }
        evidence = {
            "path": path,
            "manifest": info.active_manifest,
            "issuer": info.issuer,
            "signer_trust": info.signer_trust,
            "codes": info.codes,
        }
        findings.append(_finding(C2PA_SIGNER_UNTRUSTED, evidence, args=args, variant=info.signer_trust))
    return findings


def _tc260_findings(report: MediaReport) -> list[FindingSpec]:
    findings: list[FindingSpec] = []
    path, labels = report.path, report.tc260_labels
    placements = [label.placement for label in labels]
    if len(labels) > 1:
        args: dict[str, Any] = {"path": path, "count": len(labels), "placements": ", ".join(placements)}
        findings.append(_finding(TC260_MULTIPLE, {"path": path, "placements": placements}, args=args))
    for label in labels:
        if label.errors:
            args = {"path": path, "placement": label.placement, "errors": "; ".join(label.errors)}
            evidence: dict[str, Any] = {
                "path": path,
                "placement": label.placement,
                "errors": label.errors,
                "raw": label.raw[:2000],
            }
            findings.append(_finding(TC260_MALFORMED, evidence, args=args))
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
        where = {"path": report.path, "placement": item["placement"], "code": item["content_producer"]}
        if item["uscc_valid"] is False:
            args = {**where, "uscc": item["uscc"]}
            findings.append(_finding(TC260_PRODUCER_CODE_INVALID, evidence, args=args))
        known_entry = item["known"]
        if known_entry and known_entry["status"] == DENY:
            args = {**where, "name": known_entry["name"], "note": known_entry["note"]}
            variant = "note" if known_entry["note"] else ""
            findings.append(_finding(TC260_PRODUCER_DENIED, evidence, args=args, variant=variant))
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
    args: dict[str, Any]
    for mark in report.marks:
        evidence = {"path": report.path, **mark.to_json()}
        if mark.where == "text":
            args = {"path": report.path, "mark": mark.text, "wording": mark.wording}
            findings.append(_finding(TEXT_AI_MARK, evidence, args=args))
        else:
            args = {"path": report.path, "mark": mark.text, "where": mark.where, "generator": mark.generator}
            variant = "generator" if mark.generator else ""
            findings.append(_finding(VISIBLE_AI_MARK, evidence, args=args, variant=variant))
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
    findings = [_finding(TEXT_AI_MARK, evidence, args={"mark": mark, "excerpt": excerpt}, variant="text")]
    if not declared_ai:
        args = {"mark": mark}
        findings.append(_finding(SUSPECTED_AI_UNDECLARED, evidence, "R10", args=args, variant="text"))
    return findings


def _category_findings(categories: list[str], declared_ai: bool) -> list[FindingSpec]:
    chosen = [category for category in categories if category in ART17_CATEGORIES]
    if declared_ai or not chosen:
        return []
    names = {"join": [{"key": f"art17:{category}"} for category in chosen], "sep": "; "}
    args = {"categories": names}
    return [_finding(CONSPICUOUS_LABEL_REQUIRED_UNDECLARED, {"categories": chosen}, args=args)]


def _biometric_findings(reports: list[MediaReport]) -> list[FindingSpec]:
    findings: list[FindingSpec] = []
    edits = biometric_edit_actions(reports)
    for edit in edits:
        args = {
            "manifest": edit["manifest"],
            "role": edit["role"],
            "path": edit["path"],
            "action": edit["action"],
            "matched": ", ".join(edit["matched"]),
        }
        findings.append(_finding(BIOMETRIC_EDIT, edit, args=args))
    edited_paths = {edit["path"] for edit in edits}
    for release in model_release_info(reports):
        statuses = release["fields"].get("ModelReleaseStatus", [])
        if release["path"] in edited_paths and any(_says_no_release(status) for status in statuses):
            args = {"path": release["path"], "statuses": ", ".join(statuses)}
            findings.append(_finding(MODEL_RELEASE_CONTRADICTS_EDIT, release, args=args))
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
    "MESSAGES",
    "FindingSpec",
    "biometric_edit_actions",
    "evaluate",
    "evaluate_visible",
    "model_release_info",
    "producer_info",
]
