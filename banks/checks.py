"""The match check (R27, screening of the output media): every uploaded file against the banks.

A file matches an entry when their SHA-256 are equal, or when their PDQ hashes (the image's, or
any sampled frame's) differ in at most the bank's threshold of bits; perceptual hashes of low
quality (featureless images, black frames) are not compared. One finding per file, bank and
earlier item, at the severity of the bank's action. Entries made from this same submission are
not matches (a moderator banking an item does not make it match itself).

Registered with the check registry from `BanksConfig.ready`.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy, gettext_noop

from banks.hashing import HASHER_VERSION
from banks.index import PdqIndex, bank_state, current_index
from banks.models import Action, Bank, BankEntry, FileSignal, SignalType
from banks.services import media_signals
from moderation.finding_messages import register_messages, say
from moderation.models import MediaFile, Revision, Severity
from moderation.pipeline.checks import register
from moderation.pipeline.checks.base import Check, CheckResult, FindingSpec

MATCH = "bank_match"
SUMMARY_MATCHES = "summary:match:matches"
SUMMARY_NONE = "summary:match:none"
register_messages(
    {
        MATCH: gettext_noop('File "%(file)s" matches bank "%(bank)s" with %(how)s: %(earlier)s.'),
        f"{MATCH}:escalate": gettext_noop(
            'File "%(file)s" matches bank "%(bank)s" with %(how)s: %(earlier)s. This bank escalates: only a '
            "senior moderator may approve it. Escalate the item."
        ),
        f"{MATCH}:block": gettext_noop(
            'File "%(file)s" matches bank "%(bank)s" with %(how)s: %(earlier)s. This bank blocks: the item '
            "cannot be approved without a senior override."
        ),
        "bank:earlier_item": gettext_noop("earlier item #%(id)s"),
        "bank:partner_entry": gettext_noop("an entry imported from %(partner)s"),
        "bank:a_partner": gettext_noop("a partner"),
        "bank:sha256": gettext_noop("the same file (SHA-256)"),
        "bank:pdq": gettext_noop("a PDQ distance of %(distance)s (threshold %(threshold)s)"),
        SUMMARY_MATCHES: gettext_noop("%(count)s match(es) with %(banks)s active bank(s)"),
        SUMMARY_NONE: gettext_noop("No match in %(banks)s active bank(s) for %(files)s file(s)"),
    }
)

SEVERITY = {
    Action.BLOCK: Severity.BLOCKING,
    Action.ESCALATE: Severity.BLOCKING,
    Action.FLAG: Severity.WARNING,
}


@dataclass
class Match:
    """The nearest entry of one bank and one earlier item that a file matched."""

    media: MediaFile
    bank: Bank
    entry: BankEntry
    distance: int
    signal_type: str
    frame_seconds: float | None
    frames_matched: int = 1


def match_file(
    media: MediaFile,
    signals: list[FileSignal],
    banks: dict[int, Bank],
    submission_id: int,
    index: PdqIndex | None,
) -> list[Match]:
    """Steps: SHA-256 in the database; PDQ hashes of enough quality through the in-memory index,
    at the largest active threshold, then each bank's own; keep the nearest entry per bank and
    earlier item, and count the distinct frames of the file that matched it."""
    sha = [signal.value for signal in signals if signal.signal_type == SignalType.SHA256]
    perceptual = [
        (number, signal)
        for number, signal in enumerate(signals)
        if signal.signal_type == SignalType.PDQ and (signal.quality or 0) >= settings.BANKS_MIN_QUALITY
    ]
    found: list[tuple[int, int, str, float | None, int]] = []  # entry, distance, type, frame, hash number
    exact = BankEntry.objects.filter(
        signal_type=SignalType.SHA256, value__in=sha, is_active=True, bank_id__in=banks
    ).values_list("pk", flat=True)
    found += [(entry_id, 0, SignalType.SHA256, None, -1) for entry_id in exact]
    if perceptual and index is not None:
        widest = max(bank.pdq_threshold for bank in banks.values())
        for number, signal in perceptual:
            for hit in index.search(signal.value, widest):
                bank = banks.get(hit.bank_id)
                if bank is not None and hit.distance <= bank.pdq_threshold:
                    found.append((hit.entry_id, hit.distance, SignalType.PDQ, signal.frame_seconds, number))
    if not found:
        return []
    entries = {
        entry.pk: entry
        for entry in BankEntry.objects.filter(pk__in={item[0] for item in found}, is_active=True)
        .exclude(submission_id=submission_id)
        .select_related("submission")
    }
    best: dict[tuple[int, int | str], Match] = {}
    frames: dict[tuple[int, int | str], set[int]] = defaultdict(set)
    for entry_id, distance, signal_type, frame_seconds, signal_id in sorted(found, key=lambda item: item[1]):
        entry = entries.get(entry_id)
        if entry is None:
            continue
        # The earlier item, or for imports the partner's entry itself.
        key: tuple[int, int | str] = (entry.bank_id, entry.submission_id or f"entry-{entry.pk}")
        frames[key].add(signal_id)
        if key not in best:
            best[key] = Match(media, banks[entry.bank_id], entry, distance, signal_type, frame_seconds)
    for key, match in best.items():
        match.frames_matched = len(frames[key])
    return list(best.values())


def finding_for(match: Match, frames_total: int) -> FindingSpec:
    bank, entry = match.bank, match.entry
    partner = entry.partner_reference or {"key": "bank:a_partner"}
    earlier = (
        {"key": "bank:earlier_item", "args": {"id": entry.submission_id}}
        if entry.submission_id
        else {"key": "bank:partner_entry", "args": {"partner": partner}}
    )
    how = (
        {"key": "bank:sha256"}
        if match.signal_type == SignalType.SHA256
        else {"key": "bank:pdq", "args": {"distance": match.distance, "threshold": bank.pdq_threshold}}
    )
    variant = {Action.ESCALATE: ":escalate", Action.BLOCK: ":block"}.get(Action(bank.action), "")
    message, params = say(
        MATCH + variant, file=match.media.original_name, bank=bank.name, how=how, earlier=earlier
    )
    return FindingSpec(
        code=MATCH,
        severity=SEVERITY[Action(bank.action)],
        message=message,
        params=params,
        evidence={
            "bank_id": bank.pk,
            "bank_name": bank.name,
            "action": bank.action,
            "route": "escalated" if bank.action == Action.ESCALATE else "",
            "signal_type": match.signal_type,
            "distance": match.distance,
            "threshold": bank.pdq_threshold if match.signal_type == SignalType.PDQ else 0,
            "entry_id": entry.pk,
            "entry_source": entry.source,
            "earlier_submission_id": entry.submission_id,
            "earlier_media_id": entry.media_id,
            "partner_reference": entry.partner_reference,
            "media_id": match.media.pk,
            "file": match.media.original_name,
            "frame_seconds": match.frame_seconds,
            "frames_matched": match.frames_matched,
            "frames_total": frames_total,
        },
        rule="R27",
    )


class BankMatchCheck(Check):
    kind = "match"
    version = "1.0"
    title = gettext_lazy("Known content")

    def applies_to(self, revision: Revision) -> bool:
        """Files to compare and at least one bank matching: no bank, no run."""
        return revision.media.exists() and Bank.objects.filter(is_active=True).exists()

    def current_version(self) -> str:
        _changed, count, newest = bank_state()
        return f"{self.version}+{HASHER_VERSION}+b{count}e{newest}"

    def run(self, revision: Revision) -> CheckResult:
        banks = {bank.pk: bank for bank in Bank.objects.filter(is_active=True)}
        media = list(revision.media.all())
        findings: list[FindingSpec] = []
        files = []
        index = current_index() if banks else None
        for item in media:
            signals = media_signals(media=item)
            perceptual = [s for s in signals if s.signal_type == SignalType.PDQ]
            files.append(
                {
                    "media_id": item.pk,
                    "sha256": item.sha256,
                    "pdq": [
                        {"hash": s.value, "quality": s.quality, "frame_seconds": s.frame_seconds}
                        for s in perceptual[:5]
                    ],
                    "hashes": len(perceptual),
                }
            )
            if banks:
                matches = match_file(item, signals, banks, revision.submission_id, index)
                findings += [finding_for(match, len(perceptual)) for match in matches]
        if findings:
            summary, summary_params = say(SUMMARY_MATCHES, count=len(findings), banks=len(banks))
        else:
            summary, summary_params = say(SUMMARY_NONE, banks=len(banks), files=len(media))
        return CheckResult(
            summary=summary,
            summary_params=summary_params,
            findings=findings,
            data={"banks": sorted(banks), "files": files, "hasher": HASHER_VERSION},
        )


register(BankMatchCheck)
