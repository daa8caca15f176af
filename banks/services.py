"""Bank transitions: hashing uploaded files, adding items' files to banks, importing partner CSVs.

Who calls what:
- the review service, when a moderator rejects an item (from any queue: a rejection in the
  takedown queue is a takedown), calls `bank_add_from_submission` with the decision's reason;
  the banks configured for that reason receive the item's files;
- a moderator adds an item's files to a bank from the review page (banks.views.bank_add_item);
- an admin imports a partner's CSV (banks.admin, `bank_import_csv`).
Hashing happens in a job after commit (`bank_add_media`): a video can take seconds to sample.
"""

import csv
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from banks.hashing import HASHER_VERSION, VideoHashError, perceptual_hashes
from banks.models import Bank, BankEntry, BankImport, FileSignal, SignalType, Source
from moderation.models import MediaFile, PolicyReason, Revision, Submission
from privatemedia.localcopy import local_copy

logger = logging.getLogger(__name__)

HEX64 = re.compile(r"^[0-9a-f]{64}$")
IMPORT_BATCH = 5_000


# --- Hashes of uploaded files --------------------------------------------------------------------


def media_signals(*, media: MediaFile) -> list[FileSignal]:
    """The file's SHA-256 and perceptual hashes, computed once and stored.

    A file that cannot be decoded (a broken video, ffmpeg missing) keeps its SHA-256 only and
    is tried again next time; the error is logged.
    """
    stored = list(FileSignal.objects.filter(media=media, hasher_version=HASHER_VERSION))
    if stored:
        return stored
    rows = [
        FileSignal(
            media=media,
            signal_type=SignalType.SHA256,
            value=media.sha256.lower(),
            hasher_version=HASHER_VERSION,
        )
    ]
    complete = True
    try:
        with local_copy(media.file) as path:
            hashes = perceptual_hashes(path, media.kind)
    except (VideoHashError, OSError, ValueError) as exc:
        logger.warning("Could not hash media %s: %s", media.pk, exc)
        hashes, complete = [], False
    rows += [
        FileSignal(
            media=media,
            signal_type=SignalType.PDQ,
            value=item.value,
            quality=item.quality,
            frame_seconds=item.frame_seconds,
            hasher_version=HASHER_VERSION,
        )
        for item in hashes
    ]
    if complete:
        FileSignal.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


# --- Adding an item's files to banks -------------------------------------------------------------


def banks_for_reason(reason: PolicyReason | None) -> list[Bank]:
    if reason is None:
        return []
    return list(Bank.objects.filter(auto_add_reasons=reason).order_by("pk"))


@transaction.atomic
def bank_add_from_submission(
    *,
    submission: Submission,
    actor: User | None,
    source: str = Source.ITEM,
    reason: PolicyReason | None = None,
    banks: list[Bank] | None = None,
    revision: Revision | None = None,
    media: list[MediaFile] | None = None,
    note: str = "",
) -> list[int]:
    """Put an item's files into banks; return the ids of the banks they go to.

    `banks` names them (a moderator's choice); without it, the banks configured for `reason`
    receive the files (automatic banking of rejections and takedowns), and none may be.
    `media` narrows the files (default: every file of the revision, itself default current).
    Steps: choose banks and files; audit; after commit, hash the files and add the entries (a job,
    or at once without Redis). Adding the same hash twice to a bank does nothing.
    """
    targets = banks if banks is not None else banks_for_reason(reason)
    revision = revision or submission.current_revision
    if not targets or revision is None:
        return []
    files = media if media is not None else list(revision.media.all())
    if not files:
        return []
    bank_ids = [bank.pk for bank in targets]
    media_ids = [item.pk for item in files]
    record_event(
        action="bank.add_requested",
        actor=actor,
        target=submission,
        details={
            "banks": bank_ids,
            "media": media_ids,
            "source": source,
            "reason": reason.code if reason else None,
            "automatic": banks is None,
        },
    )
    request = AddRequest(
        bank_ids=bank_ids,
        media_ids=media_ids,
        source=source,
        submission_id=submission.pk,
        reason_id=reason.pk if reason else None,
        actor_id=actor.pk if actor else None,
        note=note[:500],
    )
    transaction.on_commit(lambda: send_add_request(request))
    return bank_ids


@dataclass(frozen=True)
class AddRequest:
    bank_ids: list[int]
    media_ids: list[int]
    source: str
    submission_id: int | None
    reason_id: int | None
    actor_id: int | None
    note: str = ""

    def as_kwargs(self) -> dict:
        return {
            "bank_ids": self.bank_ids,
            "media_ids": self.media_ids,
            "source": self.source,
            "submission_id": self.submission_id,
            "reason_id": self.reason_id,
            "actor_id": self.actor_id,
            "note": self.note,
        }


def send_add_request(request: AddRequest) -> None:
    """To the media queue; without Redis (or when Redis is down) hash right here."""
    if settings.BACKGROUND_JOBS:
        from redis.exceptions import RedisError

        from banks import jobs
        from operations.queues import rq_queue

        try:
            rq_queue("media").enqueue(jobs.add_media_to_banks, **request.as_kwargs())
            return
        except RedisError:
            logger.exception("Could not send a bank addition to Redis; hashing in this process")
    bank_add_media(**request.as_kwargs())


def bank_add_media(
    *,
    bank_ids: list[int],
    media_ids: list[int],
    source: str,
    submission_id: int | None,
    reason_id: int | None,
    actor_id: int | None,
    note: str = "",
) -> int:
    """Hash the files and add one entry per hash to each bank; return how many entries are new.

    Perceptual hashes below BANKS_MIN_QUALITY (featureless images, black frames) are not added:
    they would match unrelated content.
    """
    files = list(MediaFile.objects.filter(pk__in=media_ids).select_related("revision"))
    signals = [(item, signal) for item in files for signal in media_signals(media=item)]
    now = timezone.now()
    added = 0
    with transaction.atomic():
        for bank in Bank.objects.filter(pk__in=bank_ids):
            entries = [
                BankEntry(
                    bank=bank,
                    signal_type=signal.signal_type,
                    value=signal.value,
                    quality=signal.quality,
                    frame_seconds=signal.frame_seconds,
                    source=source,
                    submission_id=submission_id or item.revision.submission_id,
                    media=item,
                    reason_id=reason_id,
                    added_by_id=actor_id,
                    added_at=now,
                    note=note,
                )
                for item, signal in signals
                if signal.signal_type == SignalType.SHA256
                or (signal.quality or 0) >= settings.BANKS_MIN_QUALITY
            ]
            before = BankEntry.objects.filter(bank=bank).count()
            BankEntry.objects.bulk_create(entries, ignore_conflicts=True)
            new = BankEntry.objects.filter(bank=bank).count() - before
            added += new
            record_event(
                action="bank.entries_added",
                target=bank,
                actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
                details={
                    "submission": submission_id,
                    "media": [item.pk for item in files],
                    "source": source,
                    "added": new,
                    "offered": len(entries),
                },
            )
    return added


# --- Partner imports -----------------------------------------------------------------------------

SIGNAL_ALIASES = {
    "pdq": SignalType.PDQ,
    "sha256": SignalType.SHA256,
    "sha-256": SignalType.SHA256,
}


@dataclass
class ParsedLine:
    line: int
    signal_type: str
    value: str
    quality: int | None
    reference: str
    note: str


@dataclass
class ImportResult:
    batch: BankImport | None
    errors: list[dict] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return self.batch is not None


def parse_line(number: int, row: list[str]) -> ParsedLine:
    """One CSV row: hash type, hash, then optional quality, partner reference and note.

    Raises ValueError with the message shown for that line.
    """
    cells = [cell.strip() for cell in row]
    if len(cells) < 2:
        raise ValueError(_("expected at least a hash type and a hash"))
    if len(cells) > 5:
        raise ValueError(_("too many columns (%(n)s); at most 5") % {"n": len(cells)})
    kind = SIGNAL_ALIASES.get(cells[0].lower())
    if kind is None:
        raise ValueError(_('unknown hash type "%(type)s"; use pdq or sha256') % {"type": cells[0][:20]})
    value = cells[1].lower()
    if not HEX64.match(value):
        raise ValueError(_("the hash must be 64 hexadecimal characters (got %(n)s)") % {"n": len(cells[1])})
    quality: int | None = None
    if len(cells) > 2 and cells[2]:
        if kind != SignalType.PDQ:
            raise ValueError(_("only PDQ hashes have a quality"))
        if not cells[2].isdigit() or int(cells[2]) > 100:
            raise ValueError(_("the quality must be a whole number from 0 to 100"))
        quality = int(cells[2])
    reference = cells[3] if len(cells) > 3 else ""
    note = cells[4] if len(cells) > 4 else ""
    if len(reference) > 200 or len(note) > 500:
        raise ValueError(_("the reference (200) or the note (500 characters) is too long"))
    return ParsedLine(number, kind, value, quality, reference, note)


def read_csv(data: bytes) -> tuple[list[ParsedLine], list[dict]]:
    """Every line parsed, and one error per bad line ({"line": n, "error": message})."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [{"line": 0, "error": _("The file is not UTF-8 text.")}]
    parsed: list[ParsedLine] = []
    errors: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not any(cell.strip() for cell in row) or row[0].strip().startswith("#"):
            continue
        if number == 1 and row[0].strip().lower() in ("signal_type", "type", "hash_type"):
            continue  # a header
        try:
            line = parse_line(number, row)
        except ValueError as exc:
            errors.append({"line": number, "error": str(exc)})
            continue
        if (line.signal_type, line.value) in seen:
            continue
        seen.add((line.signal_type, line.value))
        parsed.append(line)
    if not parsed and not errors:
        errors.append({"line": 0, "error": _("The file has no hashes.")})
    return parsed, errors


def bank_import_csv(
    *, bank: Bank, data: bytes, filename: str, partner: str, actor: User, skip_invalid: bool = False
) -> ImportResult:
    """Import a partner's hashes into a bank.

    A file with a bad line imports nothing, and every bad line is reported, unless
    `skip_invalid`: then the good lines are imported and the bad ones recorded with the import.
    """
    parsed, errors = read_csv(data)
    if (errors and not skip_invalid) or not parsed:
        return ImportResult(None, errors)
    with transaction.atomic():
        batch = BankImport.objects.create(
            bank=bank,
            partner=partner[:200],
            filename=filename[:255],
            imported_by=actor,
            lines=len(parsed) + len(errors),
            refused=len(errors),
            errors=errors[:1000],
        )
        before = BankEntry.objects.filter(bank=bank).count()
        now = timezone.now()
        for start in range(0, len(parsed), IMPORT_BATCH):
            BankEntry.objects.bulk_create(
                [
                    BankEntry(
                        bank=bank,
                        signal_type=line.signal_type,
                        value=line.value,
                        quality=line.quality,
                        source=Source.IMPORT,
                        batch=batch,
                        partner_reference=line.reference,
                        note=line.note,
                        added_by=actor,
                        added_at=now,
                    )
                    for line in parsed[start : start + IMPORT_BATCH]
                ],
                ignore_conflicts=True,
            )
        batch.added = BankEntry.objects.filter(bank=bank).count() - before
        batch.duplicates = len(parsed) - batch.added
        batch.save(update_fields=["added", "duplicates"])
        record_event(
            action="bank.imported",
            actor=actor,
            target=bank,
            details={
                "import": batch.pk,
                "partner": batch.partner,
                "added": batch.added,
                "duplicates": batch.duplicates,
                "refused": batch.refused,
            },
        )
    return ImportResult(batch, errors)


@transaction.atomic
def bank_entries_set_active(*, entries: Iterable[BankEntry], active: bool, actor: User) -> int:
    """Disable (false positives) or enable entries; their banks' indexes reload."""
    ids = [entry.pk for entry in entries]
    changed = BankEntry.objects.filter(pk__in=ids).exclude(is_active=active).update(is_active=active)
    bank_ids = set(BankEntry.objects.filter(pk__in=ids).values_list("bank_id", flat=True))
    for bank in Bank.objects.filter(pk__in=bank_ids):
        bank.save(update_fields=["updated_at"])
        record_event(
            action="bank.entries_enabled" if active else "bank.entries_disabled",
            actor=actor,
            target=bank,
            details={"entries": ids[:1000], "changed": changed},
        )
    return changed
