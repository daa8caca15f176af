"""The oversight part of bench/queue.py (metrics roll-ups, the metrics page, search, the decisions
export) on the same million-submission database. Not a command of its own: bench/queue.py runs it
after the queue figures, or alone with --oversight-only.

Steps:
1. Seed what the queue seed lacks, once (kept by --keep): one Decision per decided submission
   (moderator one of the ten colleagues; a reason, an explanation and a statement of reasons with its
   Transparency Database keys for rejections and changes requested; an override reason on approvals
   over blocking findings), a media file with a SHA-256 for one submission in ten, a C2PA manifest id
   for one in ten and a TC260 ProduceID for another one in ten (LabelIdentifier rows).
2. Roll-ups: the scheduled job (the last two days) three times, median; and, when the figures are
   missing, the one-off backfill of every day since the oldest decision.
3. Metrics page and search: `requests` requests round-robin over the URL groups below (after one
   warm-up request each), logged in as a senior moderator; p50 / p95 per group and overall; each
   URL once under CaptureQueriesContext.
4. Export: the decisions of 30 days through the real view, streamed and read to the end: rows/s, and
   the process's peak memory before and after.
"""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from django.test import Client

DECISIONS_SQL = """
INSERT INTO moderation_decision (submission_id, revision_id, moderator_id, outcome, reason_id, explanation,
  note, override_reason, statement, from_queue, bulk, created_at)
SELECT s.id, s.current_revision_id, c.id, s.status,
  CASE WHEN s.status <> 'approved' THEN r.id END,
  CASE WHEN s.status <> 'approved' THEN 'Benchmark explanation for submission ' || s.id || '.' ELSE '' END,
  '',
  CASE WHEN s.status = 'approved' AND s.has_blocking_findings THEN 'Checked by hand: a false alarm.'
       ELSE '' END,
  CASE WHEN s.status = 'approved' THEN '{}'::jsonb ELSE jsonb_build_object(
    'restriction', 'The content will not be published.',
    'territorial_scope', 'the European Union', 'duration', 'indefinite',
    'facts', 'Benchmark explanation for submission ' || s.id || '.',
    'source', 'Own-initiative review before publication',
    'automated_detection', CASE WHEN s.has_blocking_findings THEN 'Yes: automated checks flagged the content.'
                                ELSE 'No automated check flagged the content.' END,
    'automated_decision', 'No: a human moderator decided.',
    'ground', 'Incompatible with our terms of service', 'explanation', r.title, 'redress', 'Write to us.',
    'tdb', jsonb_build_object(
      'puid', 'provenant-submission-' || s.id,
      'decision_visibility', jsonb_build_array(CASE WHEN s.status = 'rejected'
        THEN 'DECISION_VISIBILITY_CONTENT_REMOVED' ELSE 'DECISION_VISIBILITY_CONTENT_DISABLED' END),
      'decision_ground', CASE WHEN r.ground = 'illegal' THEN 'DECISION_GROUND_ILLEGAL_CONTENT'
                              ELSE 'DECISION_GROUND_INCOMPATIBLE_CONTENT' END,
      'automated_detection', CASE WHEN s.has_blocking_findings THEN 'Yes' ELSE 'No' END)) END,
  s.queue, false, s.decided_at
FROM moderation_submission s
JOIN qb_colleagues c ON c.n = s.id % 10
JOIN qb_reasons r ON r.n = s.id % (SELECT count(*) FROM qb_reasons)
WHERE s.decided_at IS NOT NULL AND s.status IN ('approved', 'rejected', 'changes_requested')
"""
MEDIA_SQL = """
INSERT INTO moderation_mediafile (revision_id, kind, mime_type, original_name, file, size, sha256, width,
  height, thumbnail, created_at)
SELECT s.current_revision_id, 'image', 'image/jpeg', 'bench.jpg', 'bench/' || s.id || '.jpg', 1000,
  encode(sha256(s.id::text::bytea), 'hex'), 64, 48, '', s.created_at
FROM moderation_submission s WHERE s.id % 10 = 0
"""
IDENTIFIERS_SQL = """
INSERT INTO oversight_labelidentifier (kind, value, submission_id, run_id)
SELECT CASE WHEN s.id % 10 = 0 THEN 'c2pa_manifest' ELSE 'tc260_produce_id' END,
  CASE WHEN s.id % 10 = 0 THEN 'urn:uuid:bench-' || s.id ELSE 'bench-produce-' || s.id END, s.id, r.id
FROM moderation_submission s
JOIN moderation_checkrun r ON r.revision_id = s.current_revision_id AND r.kind = 'label'
WHERE s.id % 10 IN (0, 5)
"""


def seed() -> str:
    """Decisions, media and identifiers, unless an earlier run (--keep) made them already."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM moderation_decision)")
        if cursor.fetchone()[0]:
            return "reused"
    started = time.monotonic()
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE qb_colleagues AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
            "FROM accounts_user WHERE username LIKE 'qb-colleague-%'"
        )
        cursor.execute(
            "CREATE TEMP TABLE qb_reasons AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, title, "
            "ground FROM moderation_policyreason"
        )
        for statement in (DECISIONS_SQL, MEDIA_SQL, IDENTIFIERS_SQL):
            cursor.execute(statement)
        cursor.execute("DROP TABLE qb_colleagues, qb_reasons")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE moderation_decision, moderation_mediafile, oversight_labelidentifier")
    return f"{time.monotonic() - started:.0f} s"


def rollups() -> dict[str, str]:
    from django.utils import timezone

    from moderation.models import Decision
    from oversight.metrics.days import days_between, local_day, recent_days
    from oversight.metrics.rollup import metrics_rollup
    from oversight.models import DailyFigure

    figures: dict[str, str] = {}
    if not DailyFigure.objects.filter(metric="decisions").exists():
        oldest = Decision.objects.order_by("created_at").values_list("created_at", flat=True).first()
        days = days_between(local_day(oldest or timezone.now()), local_day(timezone.now()))
        started = time.monotonic()
        report = metrics_rollup(days=days)
        seconds = time.monotonic() - started
        figures["roll-up backfill"] = f"{len(days)} days, {report.rows:,} rows in {seconds:.0f} s"
    runs = []
    for _ in range(3):
        started = time.monotonic()
        metrics_rollup(days=recent_days(2))
        runs.append(time.monotonic() - started)
    figures["roll-up job (2 days), median of 3"] = f"{statistics.median(runs):.2f} s"
    return figures


@dataclass
class Group:
    name: str
    url: str
    timings: list[float] = field(default_factory=list)
    queries: int = 0


def groups() -> list[Group]:
    from django.utils import timezone

    today = timezone.localdate()
    week_start, week_end = today - timedelta(days=207), today - timedelta(days=200)
    month_start = today - timedelta(days=60)
    search = "/oversight/search/"
    return [
        Group("metrics, 12 weeks", "/oversight/metrics/"),
        Group("metrics, review queue", "/oversight/metrics/?queue=review"),
        Group("metrics, 1 year", f"/oversight/metrics/?start={today - timedelta(days=364)}"),
        Group(
            "metrics, 30 days takedown",
            f"/oversight/metrics/?start={today - timedelta(days=29)}&queue=takedown",
        ),
        Group("search: rare word", f"{search}?q=123457"),
        Group("search: common word", f"{search}?q=harbour"),
        Group("search: common word, page 20", f"{search}?q=harbour&page=20"),
        Group("search: contributor", f"{search}?contributor=contributor-00042"),
        Group("search: SHA-256", f"{search}?sha256={_sha(123450)}"),
        Group("search: C2PA manifest", f"{search}?c2pa_manifest=urn:uuid:bench-123450"),
        Group("search: TC260 ProduceID", f"{search}?produce_id=bench-produce-123455"),
        Group("search: status + tier", f"{search}?status=approved&tier=confirmed"),
        Group("search: a week", f"{search}?start={week_start}&end={week_end}"),
        Group(
            "search: word + tier + week",
            f"{search}?q=portrait&tier=possible&start={week_start}&end={week_end}",
        ),
        Group("decided: all", "/oversight/decided/"),
        Group("decided: tier", "/oversight/decided/?tier=suspected"),
        Group(
            "decided: a month", f"/oversight/decided/?start={month_start}&end={today - timedelta(days=30)}"
        ),
        Group("decided: page 40", "/oversight/decided/?page=40"),
    ]


def _sha(pk: int) -> str:
    import hashlib

    return hashlib.sha256(str(pk).encode()).hexdigest()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pages(client: Client, requests: int) -> tuple[list[Group], list[float], list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chosen = groups()
    for group in chosen:
        _get(client, group.url)
    for i in range(max(requests, len(chosen))):
        group = chosen[i % len(chosen)]
        group.timings.append(_get(client, group.url))
    for group in chosen:
        with CaptureQueriesContext(connection) as captured:
            _get(client, group.url)
        group.queries = len(captured.captured_queries)
    metrics = [t for g in chosen if g.name.startswith("metrics") for t in g.timings]
    search = [t for g in chosen if not g.name.startswith("metrics") for t in g.timings]
    return chosen, metrics, search


def _get(client: Client, url: str) -> float:
    import sys

    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    return elapsed


def export(client: Client) -> dict[str, str]:
    from django.utils import timezone

    today = timezone.localdate()
    start, end = today - timedelta(days=59), today - timedelta(days=30)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(f"/oversight/exports/decisions.csv?start={start}&end={end}")
    rows = -1  # the header
    size = 0
    for chunk in cast(Any, response).streaming_content:
        rows += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "export: a month of decisions": f"{rows:,} rows, {size / 1e6:.0f} MB in {seconds:.1f} s",
        "export: rows/s": f"{rows / seconds:,.0f}",
        "export: peak memory growth": f"{(rss_after - rss_before) / 1024:.0f} MB (process max RSS)",
    }


def run(client: Client, requests: int) -> None:
    """Everything after seeding; prints its own tables."""
    print("\nOversight …")
    figures = {"seeding (decisions, media, identifiers)": seed()}
    from moderation.models import Decision

    figures["decisions"] = f"{Decision.objects.count():,}"
    figures.update(rollups())
    chosen, metrics, search = pages(client, requests)
    figures.update(export(client))
    print(f"\n{'oversight page':<32} | {'p50':>9} | {'p95':>9} | {'queries':>7}")
    print("-" * 66)
    for group in chosen:
        print(
            f"{group.name:<32} | {percentile(group.timings, 0.5) * 1000:>6.1f} ms | "
            f"{percentile(group.timings, 0.95) * 1000:>6.1f} ms | {group.queries:>7}"
        )
    aim = 0.150
    figures["metrics page p50 / p95, all groups"] = (
        f"{percentile(metrics, 0.5) * 1000:.1f} / {percentile(metrics, 0.95) * 1000:.1f} ms"
        f" ({'met' if percentile(metrics, 0.95) < aim else 'NOT MET'}: < 150 ms)"
    )
    figures["search and decided p50 / p95, all groups"] = (
        f"{percentile(search, 0.5) * 1000:.1f} / {percentile(search, 0.95) * 1000:.1f} ms"
        f" ({'met' if percentile(search, 0.95) < aim else 'NOT MET'}: < 150 ms)"
    )
    print(f"\n{'oversight figure':<44} | value")
    print("-" * 90)
    for name, value in figures.items():
        print(f"{name:<44} | {value}")
    print(
        f"\noversight pages: {max(requests, len(chosen))} requests over {len(chosen)} URL groups, "
        "senior moderator, test Client in process, DEBUG off"
    )
