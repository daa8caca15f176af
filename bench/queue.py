"""Benchmark the review queues at scale: the queue page and "claim next", on real PostgreSQL.

    python bench/queue.py [--submissions 1000000] [--requests 200] [--claimers 20]
                          [--claims-per-claimer 100] [--rounds 3] [--paced-rate 100] [--keep]

Steps:
1. Create a fresh database `provenant_queue_bench` on DATABASE_URL's server (default
   postgres://postgres@127.0.0.1:5432), migrate it and collect the static files (DEBUG is off).
   `--keep` reuses a seeded one: it still migrates, so new indexes apply, but the claims of
   earlier runs have decided some thousands of items and left their rows' pages dirty.
2. Seed it with set-based SQL (INSERT … SELECT over generate_series, secondary indexes dropped
   during the load and rebuilt after it), then VACUUM ANALYZE, as autovacuum would have by now:
   - contributors: one per 250 submissions (4,000 for a million), 10 colleague moderators;
   - submissions, each with one revision and, once submitted, three check runs (label, consent,
     policy) and 0-4 findings (about 0.5 on average) that agree with the queue columns:
        approved 58 %, rejected 9 %, changes requested 4 %, withdrawn 2 %, drafts 2 %,
        submitted or checking 0.5 %, awaiting review 24.5 %;
   - the awaiting backlog split 80 / 12 / 8 % over the review / escalated / takedown queues,
     waiting times skewed to recent (review up to 10 days, escalated 6, takedown 12 hours), so
     about half of the review queue is past its SLA;
   - AI tier confirmed 15 % / possible 15 % / suspected 10 % / none; region cn 50 % / eu 25 % /
     other; a third carry synthesis categories; ~10 % have blocking findings (tampered,
     contradicting declaration, consent missing, policy match); a few items are held by
     colleagues, about 1 % carry an expired claim;
   - priority_score, priority_rank and due_at as services/priority.py computes them.
3. Queue page: the real view through Django's test Client in this process, logged in as a
   moderator (a senior one for the escalated queue): `--requests` requests spread round-robin
   over the URL groups below, after one warm-up request each, with QUEUE_PAGE_SIZE 25 (the
   default) and again with 100. p50 / p95 per group and overall. At the end each URL once under
   CaptureQueriesContext with both page sizes: the query count must not depend on it.
4. Claim next, review queue, each claimer a different moderator in its own process (own
   connection), all started together. After each claim the claimer decides the item with one
   conditional UPDATE (status approved, claim cleared, only if it still holds it), as a quick
   moderator would, so the next call claims a new item and the SKIP LOCKED path meets the rows
   the others hold. Three runs:
   a. `--claimers` back to back, `--claims-per-claimer` each: claims/s = all claims / wall time;
   b. one claimer alone: what a claim costs when nobody waits;
   c. `--claimers` paced with random pauses so that together they offer `--paced-rate`
      claims/s, a quarter as many claims each.
   p50 / p95 of one review_claim_next call. Double claims: ids claimed more than once in the
   claimers' logs, items a claimer lost before deciding, and items with more than one
   review.claimed audit event; the audit events must number exactly the claims.
5. Steps 3 and 4 run `--rounds` times; the tables show the median of the rounds.
"""

from __future__ import annotations

import sys

# This file shares its name with the standard library's `queue`, which multiprocessing and
# asgiref import: keep bench/ (the script's own directory) off the import path.
sys.path.pop(0)

import argparse
import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.queues import Queue as ProcessQueue
    from multiprocessing.synchronize import Barrier

    from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common, oversight  # noqa: E402

BENCH_DB = "provenant_queue_bench"
MODERATOR = "qb-moderator"
SENIOR = "qb-senior"
AIMS = {"page_queries": 12}
# The tables the seed fills; their secondary indexes are dropped during the load and rebuilt.
SEEDED_TABLES = ["moderation_submission", "moderation_revision", "moderation_checkrun", "moderation_finding"]


def configure_environment() -> dict[str, str]:
    # The test client's host must be allowed with DEBUG off.
    return common.configure_environment(BENCH_DB, "bench/queue.py", ALLOWED_HOSTS="testserver")


def database_is_seeded(env: dict[str, str]) -> bool:
    import psycopg2

    admin = common.connect(env, autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        exists = cursor.fetchone() is not None
    admin.close()
    if not exists:
        return False
    conn = common.connect(env, BENCH_DB)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM moderation_submission)")
            row = cursor.fetchone()
            return bool(row and row[0])
    except psycopg2.Error:
        return False
    finally:
        conn.close()


def migrate(env: dict[str, str]) -> None:
    """Migrate, and collect the static files the manifest storage of DEBUG-off pages needs."""
    common.manage(env, "migrate", "--noinput")
    common.manage(env, "collectstatic", "--noinput")


# --- Seeding -----------------------------------------------------------------------------------


def seed_sql() -> str:
    """The statement that fills the staging table `seed`: one row per submission, every random
    choice made once, so the submission, its revision, runs and findings agree with each other."""
    from django.conf import settings

    from moderation.review.priority import AGE_POINTS_PER_HOUR, EPOCH, POINTS, TIER_POINTS

    sla = settings.SLA_HOURS
    tier_points = " ".join(f"WHEN '{tier}' THEN {points}" for tier, points in TIER_POINTS.items())
    return f"""
CREATE TEMP TABLE seed AS
WITH r AS (
  SELECT g AS id, random() AS rs, random() AS rq, random() AS rt, random() AS rr, random() AS rc1,
         random() AS rc2, random() AS rc3, random() AS rtamp, random() AS rcon, random() AS rcons,
         random() AS rpol, random() AS rage, random() AS rinfo, random() AS rdecide, random() AS rclaim,
         1 + floor(random() * %(contributors)s)::int AS contributor_n
  FROM generate_series(1, %(n)s) AS g
), s AS (
  SELECT r.*,
    CASE WHEN rs < 0.245 THEN 'awaiting_review' WHEN rs < 0.825 THEN 'approved'
         WHEN rs < 0.915 THEN 'rejected' WHEN rs < 0.955 THEN 'changes_requested'
         WHEN rs < 0.975 THEN 'withdrawn' WHEN rs < 0.995 THEN 'draft'
         WHEN rs < 0.998 THEN 'submitted' ELSE 'checking' END AS status,
    CASE WHEN rt < 0.15 THEN 'confirmed' WHEN rt < 0.30 THEN 'possible'
         WHEN rt < 0.40 THEN 'suspected' ELSE 'none' END AS tier0,
    CASE WHEN rr < 0.5 THEN 'cn' WHEN rr < 0.75 THEN 'eu' ELSE 'other' END AS region,
    CASE WHEN rc1 < 0.35 THEN (1 << floor(rc2 * 8)::int)
         | CASE WHEN rc3 < 0.3 THEN 1 << floor(rc3 / 0.3 * 8)::int ELSE 0 END ELSE 0 END AS category_flags
  FROM r
), q AS (
  SELECT s.*,
    CASE WHEN status = 'awaiting_review' THEN
           CASE WHEN rq < 0.80 THEN 'review' WHEN rq < 0.92 THEN 'escalated' ELSE 'takedown' END
         WHEN rq < 0.97 THEN 'review' ELSE 'escalated' END AS queue,
    status NOT IN ('draft', 'submitted', 'checking') AS checked,
    status IN ('submitted', 'checking') AS pending
  FROM s
), t AS (
  SELECT q.*,
    CASE WHEN checked THEN tier0 ELSE 'none' END AS tier,
    checked AND rtamp < 0.02 AS is_tampered,
    checked AND tier0 = 'confirmed' AND rcon < 0.25 AS contradicts_declaration,
    checked AND (category_flags & 62) <> 0 AND rcons < 0.12 AS consent_missing,
    checked AND rpol < 0.03 AS policy_blocking,
    checked AND tier0 = 'suspected' AND rinfo < 0.5 AS suspected_warning,
    checked AND tier0 IN ('confirmed', 'suspected') AND rinfo < 0.6 AS generator_trace,
    checked AND rinfo > 0.93 AS person_warning,
    CASE WHEN status = 'awaiting_review' THEN
           %(now)s - CASE queue WHEN 'review' THEN power(rage, 3) * interval '10 days'
                                WHEN 'escalated' THEN power(rage, 2) * interval '6 days'
                                ELSE power(rage, 2) * interval '12 hours' END
         WHEN pending THEN %(now)s - rage * interval '10 minutes'
         WHEN status = 'draft' THEN %(now)s - rage * interval '60 days'
         ELSE %(now)s - interval '12 days' - rage * interval '720 days' END AS base_time
  FROM q
), u AS (
SELECT t.*,
  is_tampered OR contradicts_declaration OR consent_missing OR policy_blocking AS has_blocking,
  CASE WHEN checked THEN base_time END AS awaiting_since,
  CASE WHEN checked THEN base_time + CASE queue WHEN 'review' THEN interval '{sla["review"]} hours'
       WHEN 'escalated' THEN interval '{sla["escalated"]} hours'
       ELSE interval '{sla["takedown"]} hours' END END AS due_at,
  CASE WHEN status IN ('approved', 'rejected', 'changes_requested')
       THEN base_time + rdecide * interval '36 hours' END AS decided_at,
  CASE WHEN NOT checked THEN 0 ELSE
    (CASE tier {tier_points} ELSE 0 END)
    + CASE WHEN is_tampered OR contradicts_declaration OR consent_missing OR policy_blocking
           THEN {POINTS["blocking"]} ELSE 0 END
    + CASE WHEN contradicts_declaration THEN {POINTS["contradiction"]} ELSE 0 END
    + CASE WHEN is_tampered THEN {POINTS["tampered"]} ELSE 0 END
    + CASE WHEN consent_missing THEN {POINTS["consent_missing"]} ELSE 0 END
    + CASE WHEN queue = 'takedown' THEN {POINTS["takedown_queue"]} ELSE 0 END
  END::float AS score,
  CASE WHEN status = 'awaiting_review' AND rclaim < 0.0002 THEN 'active'
       WHEN status = 'awaiting_review' AND rclaim < 0.01 THEN 'expired' END AS claim,
  c.id AS contributor_id
FROM t JOIN qb_contributors AS c ON c.n = t.contributor_n
)
SELECT u.*, CASE WHEN checked THEN score - {AGE_POINTS_PER_HOUR}
  * extract(epoch FROM awaiting_since - '{EPOCH.isoformat()}'::timestamptz) / 3600 ELSE 0 END AS rank
FROM u
"""


SUBMISSIONS_SQL = """
INSERT INTO moderation_submission (
  id, status, created_at, updated_at, submitted_at, decided_at, queue, tier, region, category_flags,
  has_blocking_findings, is_tampered, contradicts_declaration, consent_missing, priority_score,
  priority_rank, awaiting_since, due_at, claim_expires_at, version, published_at,
  publication_hidden_at, claimed_by_id, contributor_id, current_revision_id)
SELECT id, status,
  base_time - interval '20 minutes', coalesce(decided_at, base_time),
  CASE WHEN status <> 'draft' THEN base_time - interval '2 minutes' END, decided_at,
  queue, tier, region, category_flags, has_blocking, is_tampered, contradicts_declaration,
  consent_missing, score, rank, awaiting_since, due_at,
  CASE claim WHEN 'active' THEN %(now)s + interval '10 minutes'
             WHEN 'expired' THEN %(now)s - rclaim * interval '100 hours' END,
  1 + CASE WHEN claim IS NOT NULL THEN 1 ELSE 0 END + CASE WHEN decided_at IS NOT NULL THEN 1 ELSE 0 END,
  CASE WHEN status = 'approved' THEN decided_at END,
  CASE WHEN status = 'approved' AND rinfo < 0.01 THEN decided_at + interval '1 day' END,
  CASE WHEN claim IS NOT NULL THEN (SELECT id FROM qb_colleagues WHERE n = seed.id %% 10) END,
  contributor_id, id
FROM seed
"""

REVISIONS_SQL = """
INSERT INTO moderation_revision (
  id, number, title, body, prompt, declared_ai, category_flags, region, no_real_person,
  eu_public_interest_text, eu_human_reviewed, eu_editor, created_at, submitted_at, submission_id)
SELECT id, 1,
  (ARRAY['Harbour at dusk', 'Portrait study', 'City news clip', 'Product shot', 'Voice note',
         'Mountain panorama', 'Interview excerpt', 'Street market'])[1 + id %% 8] || ' #' || id,
  'Benchmark text of submission ' || id || '.', '',
  CASE WHEN status = 'draft' THEN NULL
       WHEN contradicts_declaration THEN false
       ELSE tier IN ('confirmed', 'possible') END,
  category_flags, region, category_flags & 62 = 0, region = 'eu' AND rinfo < 0.1, false, '',
  base_time - interval '20 minutes',
  CASE WHEN status <> 'draft' THEN base_time - interval '2 minutes' END, id
FROM seed
"""

RUNS_SQL = """
INSERT INTO moderation_checkrun (
  id, kind, check_version, status, attempts, created_at, enqueued_at, started_at, finished_at, worker,
  lease_expires_at, summary, result, requested_by_id, revision_id, submission_id)
SELECT 3 * seed.id - k.offset_, k.kind, k.version,
  CASE WHEN status = 'submitted' THEN 'pending'
       WHEN status = 'checking' THEN 'running'
       WHEN k.kind = 'label' AND (is_tampered OR contradicts_declaration) THEN 'failed'
       WHEN k.kind = 'label' AND suspected_warning THEN 'flagged'
       WHEN k.kind = 'consent' AND consent_missing THEN 'failed'
       WHEN k.kind = 'consent' AND person_warning THEN 'flagged'
       WHEN k.kind = 'policy' AND policy_blocking THEN 'failed'
       ELSE 'passed' END,
  CASE WHEN status = 'submitted' THEN 0 ELSE 1 END,
  base_time - interval '2 minutes', base_time - interval '2 minutes',
  CASE WHEN status <> 'submitted' THEN base_time - interval '90 seconds' END,
  CASE WHEN checked THEN base_time - interval '10 seconds' END,
  CASE WHEN status <> 'submitted' THEN 'bench-worker' ELSE '' END,
  CASE WHEN status = 'checking' THEN %(now)s + interval '5 minutes' END,
  CASE WHEN NOT checked THEN '' WHEN k.kind = 'label' THEN 'Tier ' || tier ELSE 'Done' END,
  CASE WHEN checked AND k.kind = 'label'
       THEN jsonb_build_object('tier', tier, 'file_tier', tier, 'files', '[]'::jsonb)
       ELSE '{}'::jsonb END,
  NULL, seed.id, seed.id
FROM seed CROSS JOIN (VALUES ('label', 2, %(label)s), ('consent', 1, %(consent)s), ('policy', 0, %(policy)s))
  AS k(kind, offset_, version)
WHERE status <> 'draft'
"""

FINDINGS_SQL = """
INSERT INTO moderation_finding (code, severity, message, evidence, rule, created_at, run_id)
SELECT f.code, f.severity, f.message, '{}'::jsonb, f.rule, seed.base_time - interval '10 seconds',
       3 * seed.id - f.offset_
FROM seed CROSS JOIN LATERAL (VALUES
  (is_tampered, 2, 'c2pa_tampered', 'blocking', 'R03', 'The file was altered after its manifest was signed.'),
  (contradicts_declaration, 2, 'declaration_contradicts_metadata', 'blocking', 'R02',
   'A label says AI-generated; the contributor said it is not.'),
  (tier = 'confirmed', 2, 'ai_label_found', 'info', 'R02', 'A file carries a machine-readable AI label.'),
  (suspected_warning, 2, 'suspected_ai_undeclared', 'warning', 'R11',
   'Traces suggest AI generation; the contributor said no.'),
  (generator_trace, 2, 'generator_trace', 'info', 'R09', 'A generation tool left metadata behind.'),
  (consent_missing, 1, 'consent_missing', 'blocking', 'R21', 'A depicted person has not consented.'),
  (person_warning, 1, 'consent_person_undeclared', 'warning', 'R21', 'A face may show an undeclared person.'),
  (policy_blocking, 0, 'policy_match', 'blocking', 'R27', 'The text contains a prohibited term.')
) AS f(present, offset_, code, severity, rule, message)
WHERE f.present
"""


def seed(n: int) -> float:
    """Fill the database; return the seconds it took."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from moderation.pipeline.checks import REGISTRY

    started = time.monotonic()
    contributors = max(100, n // 250)
    now = timezone.now()
    params: dict[str, Any] = {
        "n": n,
        "contributors": contributors,
        "now": now,
        "password": make_password("bench-password"),
        "label": REGISTRY["label"].version,
        "consent": REGISTRY["consent"].version,
        "policy": REGISTRY["policy"].version,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET work_mem = '64MB'")
    with connection.cursor() as cursor, transaction.atomic():
        # Foreign keys are ours to keep right: skip their per-row triggers during the load.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [SEEDED_TABLES],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        users = """
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
                                       is_staff, is_active, date_joined)
            SELECT %(password)s, false, %(prefix)s || lpad(g::text, %(width)s, '0'), '', '',
                   %(prefix)s || g || '@example.com', false, true, %(now)s - interval '800 days'
            FROM generate_series(1, %(count)s) AS g
        """
        cursor.execute(users, {**params, "prefix": "contributor-", "width": 5, "count": contributors})
        cursor.execute(users, {**params, "prefix": "qb-colleague-", "width": 2, "count": 10})
        cursor.execute(
            """
            INSERT INTO accounts_user_groups (user_id, group_id)
            SELECT u.id, g.id FROM accounts_user u JOIN auth_group g
              ON g.name = CASE WHEN u.username LIKE 'contributor-%' THEN 'contributor' ELSE 'moderator' END
            WHERE u.username LIKE 'contributor-%' OR u.username LIKE 'qb-colleague-%'
            """
        )
        cursor.execute(
            "CREATE TEMP TABLE qb_contributors AS SELECT row_number() OVER (ORDER BY id) AS n, id "
            "FROM accounts_user WHERE username LIKE 'contributor-%'"
        )
        cursor.execute(
            "CREATE TEMP TABLE qb_colleagues AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
            "FROM accounts_user WHERE username LIKE 'qb-colleague-%'"
        )
        cursor.execute(seed_sql(), params)
        for statement in (SUBMISSIONS_SQL, REVISIONS_SQL, RUNS_SQL, FINDINGS_SQL):
            cursor.execute(statement, params)
        for table in SEEDED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("DROP TABLE seed, qb_contributors, qb_colleagues")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def data_mix() -> list[str]:
    from django.db.models import Count

    from accounts.models import User
    from moderation.models import CheckRun, Finding, Status, Submission

    by_status = dict(Submission.objects.values_list("status").annotate(n=Count("id")).order_by())
    waiting = dict(
        Submission.objects.filter(status=Status.AWAITING_REVIEW)
        .values_list("queue")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(by_status.values())
    return [
        f"{total:,} submissions, {CheckRun.objects.count():,} check runs, "
        f"{Finding.objects.count():,} findings, {User.objects.count():,} users",
        "status: " + ", ".join(f"{status} {count:,}" for status, count in sorted(by_status.items())),
        "awaiting review by queue: "
        + ", ".join(f"{queue} {count:,}" for queue, count in sorted(waiting.items())),
    ]


# --- Users -------------------------------------------------------------------------------------


def bench_user(username: str, role: str) -> Any:
    from django.contrib.auth.models import Group

    from accounts.models import User

    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    if created:
        user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


# --- Queue page --------------------------------------------------------------------------------

PAGE_SIZES = (25, 100)  # the view's default (QUEUE_PAGE_SIZE), and four times it


@dataclass
class UrlGroup:
    name: str
    url: str
    senior: bool = False
    timings: dict[int, list[float]] = field(default_factory=dict)  # page size -> one round's timings
    rounds: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # size -> [(p50, p95)]
    queries: dict[int, int] = field(default_factory=dict)  # page size -> queries


def url_groups() -> list[UrlGroup]:
    from django.db.models import Count

    from moderation.models import Status, Submission

    # A contributor with items waiting: the filter must find something.
    contributor = (
        Submission.objects.filter(status=Status.AWAITING_REVIEW, queue="review")
        .values("contributor__username")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("contributor__username", flat=True)
        .first()
    )
    review = "/review/queue/review/"
    return [
        UrlGroup("review, priority", review),
        UrlGroup("review, oldest first", review + "?sort=age"),
        UrlGroup("tier=confirmed", review + "?tier=confirmed"),
        UrlGroup("outcome=blocking", review + "?outcome=blocking"),
        UrlGroup("sla=breached", review + "?sla=breached"),
        UrlGroup("sla=at_risk, oldest", review + "?sla=at_risk&sort=age"),
        UrlGroup("region=eu", review + "?region=eu"),
        UrlGroup("category=face_swap", review + "?category=face_swap"),
        UrlGroup("contributor", review + f"?contributor={contributor}"),
        UrlGroup("tier+region+outcome", review + "?tier=possible&region=cn&outcome=consent"),
        UrlGroup("page=50", review + "?page=50"),
        UrlGroup("page=50, oldest first", review + "?sort=age&page=50"),
        UrlGroup("takedown queue", "/review/queue/takedown/"),
        UrlGroup("escalated (senior)", "/review/queue/escalated/", senior=True),
        UrlGroup("mine", "/review/queue/mine/"),
    ]


def get_ok(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    return elapsed


def page_size(size: int) -> Any:
    """Run with the view's QUEUE_PAGE_SIZE set to `size`."""
    from unittest import mock

    return mock.patch("moderation.review.views.QUEUE_PAGE_SIZE", size)


def queue_page_round(
    groups: list[UrlGroup], requests: int, clients: dict[bool, Client], size: int
) -> list[float]:
    """`requests` requests round-robin over the groups (at least one each), after a warm-up each."""
    timings = []
    with page_size(size):
        for group in groups:
            group.timings[size] = []
            get_ok(clients[group.senior], group.url)
        for i in range(max(requests, len(groups))):
            group = groups[i % len(groups)]
            elapsed = get_ok(clients[group.senior], group.url)
            group.timings[size].append(elapsed)
            timings.append(elapsed)
    for group in groups:
        values = group.timings[size]
        group.rounds.setdefault(size, []).append((percentile(values, 0.5), percentile(values, 0.95)))
    return timings


def count_queries(groups: list[UrlGroup], clients: dict[bool, Client]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for size in PAGE_SIZES:
        with page_size(size):
            for group in groups:
                with CaptureQueriesContext(connection) as captured:
                    get_ok(clients[group.senior], group.url)
                group.queries[size] = len(captured.captured_queries)


# --- Claim next --------------------------------------------------------------------------------

DECIDE_SQL = """
UPDATE moderation_submission
SET status = 'approved', decided_at = now(), updated_at = now(), claimed_by_id = NULL,
    claim_expires_at = NULL, version = version + 1
WHERE id = %s AND status = 'awaiting_review' AND claimed_by_id = %s
"""


def claimer(
    moderator_id: int,
    count: int,
    think: float,
    barrier: Barrier,
    results: ProcessQueue[tuple[list[int], list[float], float]],
) -> None:
    """One moderator claiming items in its own process and connection: back to back, or with a
    random pause of `think` seconds on average between claims."""
    import random

    from django.db import connection

    from accounts.models import User
    from moderation.models import Queue
    from moderation.review.claims import review_claim_next

    moderator = User.objects.get(pk=moderator_id)
    moderator.role_names  # noqa: B018 - load the groups before the clock starts
    claimed: list[int] = []
    latencies: list[float] = []
    barrier.wait()
    with connection.cursor() as cursor:
        for _ in range(count):
            started = time.perf_counter()
            item = review_claim_next(moderator=moderator, queue=Queue.REVIEW)
            latencies.append(time.perf_counter() - started)
            if item is None:
                break
            claimed.append(item.pk)
            # Decide it the cheap way, only if this moderator still holds it.
            cursor.execute(DECIDE_SQL, [item.pk, moderator_id])
            if cursor.rowcount != 1:
                claimed.append(-item.pk)  # lost it to someone else: counted as a double claim
            if think:
                time.sleep(random.expovariate(1 / think))
    results.put((claimed, latencies, time.monotonic()))


@dataclass
class ClaimRound:
    claims: int
    seconds: float
    latencies: list[float]
    double_claims: int

    @property
    def rate(self) -> float:
        return self.claims / self.seconds


def claim_round(claimers: list[int], per_claimer: int, think: float = 0.0) -> ClaimRound:
    from django.db import connections
    from django.db.models import Count, Max

    from audit.models import AuditEvent

    last_id = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    connections.close_all()  # the children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(claimers) + 1)
    results: ProcessQueue[tuple[list[int], list[float], float]] = context.Queue()
    processes = [
        context.Process(target=claimer, args=(moderator_id, per_claimer, think, barrier, results))
        for moderator_id in claimers
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.monotonic()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    claimed = [pk for ids, _latencies, _end in outcomes for pk in ids]
    lost = sum(1 for pk in claimed if pk < 0)
    ids = [pk for pk in claimed if pk > 0]
    audited = list(
        AuditEvent.objects.filter(id__gt=last_id, action="review.claimed")
        .values("target_id")
        .annotate(n=Count("id"))
    )
    if sum(row["n"] for row in audited) != len(ids):
        sys.exit(f"{len(ids)} claims logged, {sum(row['n'] for row in audited)} review.claimed events")
    audited_twice = sum(1 for row in audited if row["n"] > 1)
    return ClaimRound(
        claims=len(ids),
        seconds=max(end for _ids, _latencies, end in outcomes) - started,
        latencies=[value for _ids, latencies, _end in outcomes for value in latencies],
        double_claims=(len(ids) - len(set(ids))) + lost + audited_twice,
    )


# --- Report ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--claimers", type=int, default=20)
    parser.add_argument("--claims-per-claimer", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--paced-rate", type=float, default=100.0, help="claims/s the paced claimers offer together"
    )
    parser.add_argument("--keep", action="store_true", help="reuse an already seeded database")
    parser.add_argument(
        "--oversight-only",
        action="store_true",
        help="skip the queue and claim rounds (see bench/oversight.py)",
    )
    parser.add_argument(
        "--oversight-requests", type=int, default=360, help="requests over the oversight pages"
    )
    args = parser.parse_args()

    env = configure_environment()
    reuse = args.keep and database_is_seeded(env)
    if not reuse:
        print(f"Creating database {BENCH_DB} …")
        common.recreate_database(env, BENCH_DB)
    migrate(env)
    import django

    django.setup()
    if reuse:
        seeding = "reused"
        print(f"Reusing the seeded database {BENCH_DB}")
    else:
        print(f"Seeding {args.submissions:,} submissions …")
        seeding = f"{seed(args.submissions):.0f} s"
        print(f"  seeded in {seeding}")
    for line in data_mix():
        print("  " + line)

    from django.test import Client

    from accounts.roles import Role
    from moderation.models import Queue
    from moderation.review.claims import review_claim_next

    moderator = bench_user(MODERATOR, Role.MODERATOR)
    senior = bench_user(SENIOR, Role.SENIOR_MODERATOR)
    claimers = [bench_user(f"qb-claimer-{i:02d}", Role.MODERATOR).pk for i in range(1, args.claimers + 1)]
    review_claim_next(moderator=moderator, queue=Queue.REVIEW)  # something for "mine"
    clients = {False: Client(), True: Client()}
    clients[False].force_login(moderator)
    clients[True].force_login(senior)
    groups = url_groups()
    if args.oversight_only:
        oversight.run(clients[True], args.oversight_requests)
        return
    print(f"{os.cpu_count()} cores; {args.rounds} round(s)\n")

    page_rounds: list[tuple[float, float]] = []
    claim_rounds: list[ClaimRound] = []
    single_rounds: list[ClaimRound] = []
    paced_rounds: list[ClaimRound] = []
    paced_count = max(10, args.claims_per_claimer // 4)
    for round_number in range(1, args.rounds + 1):
        timings = queue_page_round(groups, args.requests, clients, PAGE_SIZES[0])
        page_rounds.append((percentile(timings, 0.5), percentile(timings, 0.95)))
        queue_page_round(groups, args.requests, clients, PAGE_SIZES[1])
        # The same claim, uncontended: what one claim costs when nobody waits for anything.
        single_rounds.append(claim_round(claimers[:1], args.claims_per_claimer))
        claim_rounds.append(claim_round(claimers, args.claims_per_claimer))
        # The same claimers at a pace a team of moderators could keep up, well under capacity.
        paced_rounds.append(claim_round(claimers, paced_count, think=len(claimers) / args.paced_rate))
        last = claim_rounds[-1]
        print(
            f"round {round_number}: queue page p50 {ms(page_rounds[-1][0])}, p95 {ms(page_rounds[-1][1])}; "
            f"{last.rate:.0f} claims/s, claim p95 {ms(percentile(last.latencies, 0.95))}"
        )
    count_queries(groups, clients)

    median = statistics.median
    small, large = PAGE_SIZES
    print(
        f"\n{'queue page (medians)':<24} | {f'p50 @{small}':>9} | {f'p95 @{small}':>9} | "
        f"{f'p95 @{large}':>9} | {f'queries @{small}':>11} | {f'@{large}':>4}"
    )
    print("-" * 84)
    for group in groups:
        print(
            f"{group.name:<24} | {ms(median(r[0] for r in group.rounds[small])):>9} | "
            f"{ms(median(r[1] for r in group.rounds[small])):>9} | "
            f"{ms(median(r[1] for r in group.rounds[large])):>9} | "
            f"{group.queries[small]:>11} | {group.queries[large]:>4}"
        )
    page_p50 = median(r[0] for r in page_rounds)
    page_p95 = median(r[1] for r in page_rounds)
    max_queries = max(count for group in groups for count in group.queries.values())
    flat = all(len(set(group.queries.values())) == 1 for group in groups)

    def claim_figures(rounds: list[ClaimRound]) -> tuple[float, float, float]:
        return (
            median(r.rate for r in rounds),
            median(percentile(r.latencies, 0.5) for r in rounds),
            median(percentile(r.latencies, 0.95) for r in rounds),
        )

    rate, claim_p50, claim_p95 = claim_figures(claim_rounds)
    single_rate, single_p50, single_p95 = claim_figures(single_rounds)
    _paced_rate, paced_p50, paced_p95 = claim_figures(paced_rounds)
    everything = claim_rounds + single_rounds + paced_rounds
    doubles = sum(r.double_claims for r in everything)
    claims = sum(r.claims for r in everything)

    print(f"\n{'figure (median of rounds)':<44} | {'value':>12} | {'aim':>11} |")
    print("-" * 82)
    lines = [
        ("cores", f"{os.cpu_count()}", "", ""),
        ("seeding", seeding, "", ""),
        (f"queue page p50, all groups, page size {small}", ms(page_p50), "", ""),
        (f"queue page p95, all groups, page size {small}", ms(page_p95), "< 100 ms", verdict(page_p95 < 0.1)),
        (
            f"queries per page, max (sizes {small} and {large})",
            f"{max_queries}{'' if flat else ' (varies)'}",
            "<= 12, flat",
            verdict(max_queries <= AIMS["page_queries"] and flat),
        ),
        (f"claim next, {args.claimers} claimers: claims/s", f"{rate:.0f}", "", ""),
        (f"claim next, {args.claimers} claimers: p50", ms(claim_p50), "", ""),
        (f"claim next, {args.claimers} claimers: p95", ms(claim_p95), "< 20 ms", verdict(claim_p95 < 0.02)),
        ("claim next, 1 claimer: claims/s", f"{single_rate:.0f}", "", ""),
        ("claim next, 1 claimer: p50 / p95", f"{single_p50 * 1000:.1f} / {single_p95 * 1000:.1f} ms", "", ""),
        (
            f"claim next, {args.claimers} paced at {args.paced_rate:g}/s: p50 / p95",
            f"{paced_p50 * 1000:.1f} / {paced_p95 * 1000:.1f} ms",
            "< 20 ms",
            verdict(paced_p95 < 0.02),
        ),
        ("double claims", f"{doubles} of {claims:,}", "0", verdict(doubles == 0)),
    ]
    for name, value, aim, result_text in lines:
        print(f"{name:<44} | {value:>12} | {aim:>11} | {result_text}")
    print(
        f"\nqueue page: {args.requests} requests per round and page size over {len(groups)} URL groups, "
        f"test Client in process, DEBUG off"
    )
    print(
        f"claim next: {args.claimers} processes x {args.claims_per_claimer} claims per round back to back, "
        "each claim followed by a conditional UPDATE deciding the item; 1 process alone; "
        f"{args.claimers} x {paced_count} paced at {args.paced_rate:g} claims/s in all"
    )
    oversight.run(clients[True], args.oversight_requests)


if __name__ == "__main__":
    main()
