"""Benchmark the check pipeline end to end: real PostgreSQL, real Redis, real `rqworker` processes.

    python bench/pipeline.py [--submissions 300] [--workers 1,2,4] [--rate 20] [--seconds 15]
                             [--worker-class rq.worker.SimpleWorker] [--ocr 20] [--bank 100000]
                             [--database provenant_bench] [--redis-db 14]

Steps:
1. Create a fresh database `provenant_bench` (DATABASE_URL's server, default 127.0.0.1) and use
   Redis database 14 (REDIS_URL's server); migrate; make a verified contributor.
2. Profile one image submission: SQL statements and Redis round trips to submit it, and for a
   worker to run its fast checks (an in-process worker; its start and stop are not counted).
3. For each worker count: start that many `manage.py rqworker checks` processes and wait until
   they are listening.
   a. Throughput: N image drafts are uploaded and submitted while the workers are suspended, so
      N submissions' check jobs wait in Redis; then the workers resume and drain them.
      Submissions per second = fast runs done after the resume / runs per submission / (last
      finish - first start). This is the pipeline's rate, not one producer's. Beside it, the CPU
      time the workers and their PostgreSQL backends spent per submission (from /proc): unlike
      the rate, it does not depend on what else the machine is doing.
   b. Latency at a steady rate: for `--seconds`, one submission every 1/rate seconds, each one
      uploaded (inspected, hashed, stored) and submitted; latency = from the start of the upload
      to the "awaiting review" audit event. p50 / p95.
   Each image also gets a visible-mark run (OCR) on the "media" queue, which these workers do not
   listen to: the item enters review without waiting for it, so these figures are the fast checks'
   (consent, label, policy), as in production where media workers do the OCR beside them.
4. The match check (`--bank N`, 0 skips it): a bank of N PDQ hashes loaded with COPY; the check's
   own time and statements per submission (hashing the upload included, the index warm), and the
   throughput of the largest worker count with the match check among the fast checks.
5. OCR (`--ocr N`, 0 skips it): the visible-mark runs left from step 3 are set aside; one checks
   worker and one media worker run; N image submissions, one every 2 s; per image, upload to
   "awaiting review" and upload to the OCR result landing, and the OCR run's own duration.
6. Print the tables, the load average beside each figure, and a note on how the rate grows with
   workers. The figures go into the README.
"""

from __future__ import annotations

import sys

# bench/queue.py shares its name with the standard library's `queue`: keep bench/ (this
# script's own directory) off the import path, or the first `import queue` finds it.
sys.path.pop(0)

import argparse
import itertools
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

BENCH_DB = "provenant_bench"
BENCH_REDIS_DB = 14


def configure_environment(database: str, redis_db: int) -> dict[str, str]:
    redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return common.configure_environment(
        database,
        "bench/pipeline.py",
        REDIS_URL=urlunsplit((redis.scheme, redis.netloc, f"/{redis_db}", "", "")),
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )


def recreate_database(env: dict[str, str], database: str) -> None:
    common.recreate_database(env, database)
    common.manage(env, "migrate", "--noinput")


def start_workers(
    count: int, worker_class: str, env: dict[str, str], queue: str = "checks", name: str = "bench"
) -> list[subprocess.Popen[bytes]]:
    import django_rq
    from rq import Worker

    connection = django_rq.get_connection(queue)
    already = len(Worker.all(connection=connection))
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                queue,
                "--worker-class",
                worker_class,
                "--name",
                f"{name}-{count}-{i}",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(Worker.all(connection=connection)) < already + count:
        if time.monotonic() > deadline:
            sys.exit("workers did not start")
        time.sleep(0.1)
    return workers


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far, from /proc (0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, and cutime, cstime (the jobs of a forking worker, once waited for)
        total += sum(int(value) for value in fields[11:15]) / tick
    return total


def backend_pids() -> list[int]:
    """The PostgreSQL backends serving the bench database, except this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


def awaiting_times(ids: list[int]) -> dict[int, float]:
    from audit.models import AuditEvent

    events = AuditEvent.objects.filter(
        action="submission.awaiting_review",
        target_type="moderation.submission",
        target_id__in=[str(i) for i in ids],
    ).values_list("target_id", "created_at")
    return {int(target): created.timestamp() for target, created in events}


def fast_kinds() -> list[str]:
    """The checks the "checks" queue carries (the visible-mark OCR goes to "media")."""
    from moderation.pipeline.checks import REGISTRY, queue_of

    return [kind for kind in REGISTRY if queue_of(kind) == "checks"]


def wait_until_reviewed(ids: list[int], timeout: float) -> dict[int, float]:
    from moderation.models import Status, Submission

    deadline = time.monotonic() + timeout
    # Poll lightly (a count every 0.2 s) so the bench itself takes little CPU from the workers.
    while Submission.objects.filter(pk__in=ids).exclude(status=Status.AWAITING_REVIEW).exists():
        if time.monotonic() > deadline:
            sys.exit(f"submissions did not all reach review in {timeout:.0f} s")
        time.sleep(0.2)
    return awaiting_times(ids)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Uploads:
    """Distinct small JPEGs, some carrying AI labels, made once before any clock starts."""

    def __init__(self, count: int) -> None:
        from labels import samples

        self.files = []
        for i in range(count):
            data = samples.noise_jpeg((320, 240), seed=i, quality=85)
            self.files.append((f"photo-{i}.jpg", data))

    def upload(self, i: int):
        from django.core.files.uploadedfile import SimpleUploadedFile

        name, data = self.files[i]
        return SimpleUploadedFile(name, data, content_type="image/jpeg")


def new_draft(contributor, uploads: Uploads, i: int):
    from moderation.intake.services import RevisionInput, submission_create

    data = RevisionInput(
        title=f"Bench {i}", body="Benchmark text.", declared_ai=bool(i % 2), region="cn", no_real_person=True
    )
    submission, outcome = submission_create(contributor=contributor, data=data, uploads=[uploads.upload(i)])
    assert not outcome.refused, outcome.refused
    return submission


@dataclass
class Drain:
    rate: float  # submissions per second
    runs_per_submission: int
    worker_cpu_ms: float  # per submission, the rqworker processes
    database_cpu_ms: float  # per submission, their PostgreSQL backends
    load: str  # the load average when the drain ended


def throughput(contributor, uploads: Uploads, offset: int, count: int, workers: list[int]) -> Drain:
    """Submissions per second the workers clear from a backlog, and the CPU spent on each.

    A worker already blocked waiting for a job takes the first one despite the suspension, so
    the clock covers only the checks claimed after the resume: their number over the time from
    the first of them to the last finished one, divided by the fast checks of a submission.
    """
    import django_rq
    from django.db.models import Max, Min
    from django.utils import timezone
    from rq.suspension import resume, suspend

    from moderation.intake.services import submission_submit
    from moderation.models import CheckRun

    connection = django_rq.get_connection("checks")
    drafts = [new_draft(contributor, uploads, offset + i) for i in range(count)]
    suspend(connection)
    for submission in drafts:
        submission_submit(submission=submission, actor=contributor)
    resumed = timezone.now()
    backends = backend_pids()
    cpu_before = cpu_seconds(workers), cpu_seconds(backends)
    resume(connection)
    wait_until_reviewed([s.pk for s in drafts], timeout=600)
    cpu_after = cpu_seconds(workers), cpu_seconds(backends)
    load = load_average()
    fast = fast_kinds()
    after = CheckRun.objects.filter(submission__in=drafts, started_at__gte=resumed, kind__in=fast)
    window = after.aggregate(first=Min("started_at"), last=Max("finished_at"))
    runs_per_submission = CheckRun.objects.filter(submission=drafts[0], kind__in=fast).count()
    seconds = (window["last"] - window["first"]).total_seconds()
    return Drain(
        rate=after.count() / runs_per_submission / seconds,
        runs_per_submission=runs_per_submission,
        worker_cpu_ms=(cpu_after[0] - cpu_before[0]) * 1000 / count,
        database_cpu_ms=(cpu_after[1] - cpu_before[1]) * 1000 / count,
        load=load,
    )


def steady(contributor, uploads: Uploads, offset: int, rate: float, seconds: float) -> list[float]:
    from django.db import connection

    from moderation.intake.services import submission_submit

    count = int(rate * seconds)
    starts: dict[int, float] = {}
    interval = 1 / rate
    begin = time.monotonic()
    for i in range(count):
        delay = begin + i * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        started = time.time()
        submission = new_draft(contributor, uploads, offset + i)
        submission_submit(submission=submission, actor=contributor)
        starts[submission.pk] = started
    behind = time.monotonic() - begin - seconds
    if behind > 1:
        print(f"  (the producer fell {behind:.1f} s behind the {rate}/s schedule)")
    done = wait_until_reviewed(list(starts), timeout=600)
    connection.close()
    return [done[pk] - starts[pk] for pk in starts]


def ocr(
    contributor, uploads: Uploads, offset: int, count: int, worker_class: str, env: dict[str, str]
) -> None:
    """Visible-mark OCR beside the fast checks: one checks worker, one media worker, one image
    submission every 2 s; when each reaches review, and when its OCR lands."""
    from collections import Counter

    import django_rq
    from django.db.models import F
    from django.utils import timezone

    from moderation.intake.services import submission_submit
    from moderation.models import CheckRun, RunStatus

    # The OCR runs left by the throughput and latency steps would take minutes: set them aside.
    django_rq.get_queue("media").empty()
    CheckRun.objects.filter(kind="visible", status=RunStatus.PENDING).update(
        status=RunStatus.ERROR, summary="bench: set aside", finished_at=timezone.now()
    )
    workers = start_workers(1, worker_class, env, "checks", "ocr-checks")
    workers += start_workers(1, worker_class, env, "media", "ocr-media")
    try:
        starts: dict[int, float] = {}
        for i in range(count):
            started = time.time()
            submission = new_draft(contributor, uploads, offset + i)
            submission_submit(submission=submission, actor=contributor)
            starts[submission.pk] = started
            time.sleep(2)
        deadline = time.monotonic() + 600
        runs = CheckRun.objects.filter(submission__in=list(starts), kind="visible")
        while runs.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING]).exists():
            if time.monotonic() > deadline:
                sys.exit("the OCR runs did not finish in 600 s")
            time.sleep(0.5)
        reviewed = wait_until_reviewed(list(starts), timeout=600)
    finally:
        stop_workers(workers)
    landed = {pk: at.timestamp() for pk, at in runs.values_list("submission_id", "finished_at") if at}
    own = [
        seconds.total_seconds()
        for seconds in runs.annotate(took=F("finished_at") - F("started_at")).values_list("took", flat=True)
    ]
    to_review = [reviewed[pk] - starts[pk] for pk in starts]
    to_ocr = [landed[pk] - starts[pk] for pk in starts]
    print(f"\nvisible-mark OCR: {count} image submissions, one every 2 s, 1 checks worker + 1 media worker")
    print(f"{'':>28} | {'p50':>8} | {'p95':>8}")
    print("-" * 50)
    for name, values in (
        ("upload to awaiting review", to_review),
        ("upload to OCR landed", to_ocr),
        ("OCR run (claim to finish)", own),
    ):
        print(f"{name:>28} | {percentile(values, 0.5):>6.2f} s | {percentile(values, 0.95):>6.2f} s")
    print(f"OCR runs: {dict(Counter(runs.values_list('status', flat=True)))}")


class RoundTrips:
    """Counts Redis round trips (each command or pipeline sent) while installed."""

    def __init__(self) -> None:
        import redis.connection

        self.count = 0
        self.original = redis.connection.AbstractConnection.send_packed_command
        trips = self

        def counted(connection: object, command: object, check_health: bool = True) -> None:
            trips.count += 1
            trips.original(connection, command, check_health)  # type: ignore[arg-type]

        redis.connection.AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]

    def remove(self) -> None:
        import redis.connection

        redis.connection.AbstractConnection.send_packed_command = self.original  # type: ignore[method-assign]


def profile(contributor, uploads: Uploads, offset: int) -> int:
    """SQL statements and Redis round trips: to submit one image submission, and for a worker to run
    the fast checks of one (a burst of 5 less a burst of 1, over 4: a worker's start and stop cancel
    out). Returns the uploads used."""
    import django_rq
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rq import SimpleWorker

    from moderation.intake.services import submission_submit

    trips = RoundTrips()
    queue = django_rq.get_queue("checks")
    submitted: list[tuple[int, int]] = []
    drained: dict[int, tuple[int, int, int]] = {}
    used = 0
    try:
        for burst in (1, 5):
            jobs_before = len(queue)
            for _ in range(burst):
                draft = new_draft(contributor, uploads, offset + used)
                used += 1
                trips.count = 0
                with CaptureQueriesContext(connection) as queries:
                    submission_submit(submission=draft, actor=contributor)
                submitted.append((len(queries), trips.count))
            jobs = len(queue) - jobs_before
            trips.count = 0
            with CaptureQueriesContext(connection) as queries:
                SimpleWorker([queue], connection=queue.connection).work(burst=True)
            drained[burst] = (len(queries), trips.count, jobs)
    finally:
        trips.remove()
    sql = (drained[5][0] - drained[1][0]) / 4
    redis = (drained[5][1] - drained[1][1]) / 4
    jobs_each = drained[5][2] / 5
    print("one image submission (consent, label, policy):")
    print(
        f"  submit: {statistics.median(q for q, _ in submitted):.0f} SQL statements, "
        f"{statistics.median(r for _, r in submitted):.0f} Redis round trips (connection set-up included)"
    )
    print(
        f"  fast checks in a worker: {jobs_each:.0f} job(s), {sql:.0f} SQL statements, "
        f"{redis:.0f} Redis round trips (RQ's bookkeeping included)\n"
    )
    return used


def load_bank(size: int) -> None:
    """A bank of `size` random PDQ hashes, written with COPY (the ORM would take minutes)."""
    import random

    from banks.models import Action, Bank

    bank = Bank.objects.create(name=f"bench {size}", purpose="bench", action=Action.FLAG)
    rng = random.Random(5)
    common.copy_bank_entries(bank.pk, (f"{rng.getrandbits(256):064x}" for _ in range(size)))


def match_check(contributor, uploads: Uploads, offset: int, size: int, count: int) -> tuple[int, str]:
    """The match check's own cost per submission against a bank of `size` hashes: time (hashing
    the upload included, the index warm) and statements. Returns the uploads used and a line."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from banks.checks import BankMatchCheck

    started = time.perf_counter()
    load_bank(size)
    print(f"bank of {size:,} PDQ hashes loaded in {time.perf_counter() - started:.1f} s")
    check = BankMatchCheck()
    revisions = [new_draft(contributor, uploads, offset + i).current_revision for i in range(count + 1)]
    started = time.perf_counter()
    check.run(revisions[0])  # builds this process's index, as a worker's first match does
    print(f"index built by the first check: {time.perf_counter() - started:.2f} s")
    timings, statements = [], []
    for revision in revisions[1:]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            check.run(revision)
            timings.append(time.perf_counter() - started)
        statements.append(len(queries))
    line = (
        f"match check per submission ({size:,} hashes, {count} uploads, load {load_average()}): "
        f"p50 {percentile(timings, 0.5) * 1000:.1f} ms, p95 {percentile(timings, 0.95) * 1000:.1f} ms, "
        f"{statistics.median(statements):.0f} SQL statements"
    )
    print(line)
    return count + 1, line


def worker_counts(values: list[str]) -> list[int]:
    """ "1,2,4" or "1 2 4"."""
    return [int(part) for value in values for part in value.split(",") if part]


def print_drains(rows: list[tuple[int, Drain, float, float, int]], rate: float) -> None:
    print(
        f"{'workers':>7} | {'submissions/s':>13} | {'CPU ms/submission':>24} | {'p50 latency':>11} | "
        f"{'p95 latency':>11} | {'load average':>14}"
    )
    print(f"{'':>7} | {'':>13} | {'workers + PostgreSQL':>24} | {f'at {rate:g}/s':>11} | {'':>11} |")
    print("-" * 96)
    for count, drain, p50, p95, _n in rows:
        cpu = f"{drain.worker_cpu_ms:.1f} + {drain.database_cpu_ms:.1f}"
        print(
            f"{count:>7} | {drain.rate:>13.1f} | {cpu:>24} | {p50 * 1000:>8.0f} ms | {p95 * 1000:>8.0f} ms | "
            f"{drain.load:>14}"
        )


def scaling_note(rows: list[tuple[int, Drain, float, float, int]]) -> str:
    """How the rate grows with workers, and the ceiling the CPU per submission sets on this box."""
    rates = {count: drain.rate for count, drain, *_ in rows}
    counts = sorted(rates)
    steps = ", ".join(f"{a} → {b} workers ×{rates[b] / rates[a]:.2f}" for a, b in itertools.pairwise(counts))
    cpu = statistics.median(drain.worker_cpu_ms + drain.database_cpu_ms for _c, drain, *_ in rows)
    cores = os.cpu_count() or 1
    return (
        f"note: {steps or 'one worker count'}. Each submission costs about {cpu:.0f} ms of CPU in the "
        f"workers and PostgreSQL together, so {cores} idle cores bound the rate near "
        f"{cores * 1000 / cpu:.0f}/s "
        f"(Redis and the producer not counted); past {cores} workers the extra processes only share the "
        f"cores, and a busy machine (see the load average) lowers every figure."
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--workers", nargs="+", default=["1,2,4"], help='worker counts: "1,2,4" or 1 2 4')
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--worker-class", default="rq.worker.SimpleWorker")
    parser.add_argument("--ocr", type=int, default=20, help="image submissions for the OCR step (0: skip)")
    parser.add_argument(
        "--bank", type=int, default=100_000, help="PDQ hashes in the match step's bank (0: skip)"
    )
    parser.add_argument("--database", default=BENCH_DB, help="dropped and created afresh")
    parser.add_argument("--redis-db", type=int, default=BENCH_REDIS_DB, help="flushed")
    args = parser.parse_args()
    counts = worker_counts(args.workers)

    env = configure_environment(args.database, args.redis_db)
    print(f"Setting up database {args.database} and Redis db {args.redis_db} …")
    recreate_database(env, args.database)
    import django

    django.setup()
    import django_rq

    from accounts.roles import Role
    from accounts.selectors import current_terms
    from accounts.services.terms import terms_accept
    from tests.factories import make_user, verify_identity

    django_rq.get_connection("checks").flushdb()
    contributor = verify_identity(make_user("bench", Role.CONTRIBUTOR))
    terms = current_terms()
    if terms is not None:  # the terms a fresh install puts in force (accounts/0006)
        terms_accept(user=contributor, terms=terms)
    steady_count = int(args.rate * args.seconds)
    bank_uploads = (args.submissions + 41 + 4 * max(counts)) if args.bank else 0
    uploads = Uploads(6 + len(counts) * (args.submissions + steady_count) + bank_uploads + args.ocr)
    print(
        f"{len(uploads.files)} distinct JPEGs ready; worker class {args.worker_class}; "
        f"{os.cpu_count()} cores; load average {load_average()}\n"
    )

    offset = profile(contributor, uploads, 0)
    rows = []
    for count in counts:
        workers = start_workers(count, args.worker_class, env)
        try:
            drain = throughput(contributor, uploads, offset, args.submissions, [w.pid for w in workers])
            offset += args.submissions
            latencies = steady(contributor, uploads, offset, args.rate, args.seconds)
            offset += steady_count
        finally:
            stop_workers(workers)
        rows.append((count, drain, percentile(latencies, 0.5), percentile(latencies, 0.95), len(latencies)))
        print(f"  {count} worker(s): {drain.rate:.1f} submissions/s (load average {drain.load})")

    print()
    print_drains(rows, args.rate)
    print(
        f"\nthroughput: a backlog of {args.submissions} submissions "
        f"({rows[0][1].runs_per_submission} fast checks each) drained by the workers, timed from the first "
        f"check claimed after the resume to the last one finished; CPU: the worker processes and their "
        f"PostgreSQL backends over the drain, per submission"
    )
    print(
        f"latency: upload start (inspect, hash, store, submit) to 'awaiting review', "
        f"{steady_count} submissions at {args.rate:g}/s"
    )
    from moderation.models import CheckRun

    ran = set(CheckRun.objects.order_by().values_list("kind", flat=True).distinct())
    print(
        f"checks on the checks queue: {', '.join(sorted(ran & set(fast_kinds())))}; "
        f"visible-mark runs on 'media' (not taken by these workers): {'visible' in ran}"
    )
    print(scaling_note(rows))

    if args.bank:
        print(f"\n== The match check, a bank of {args.bank:,} hashes")
        used, _line = match_check(contributor, uploads, offset, args.bank, 40)
        offset += used
        count = max(counts)
        workers = start_workers(count, args.worker_class, env, name="bench-match")
        try:
            # Each worker builds its index on its first match: let that happen before the clock.
            warm = [new_draft(contributor, uploads, offset + i) for i in range(4 * count)]
            offset += len(warm)
            from moderation.intake.services import submission_submit

            for submission in warm:
                submission_submit(submission=submission, actor=contributor)
            wait_until_reviewed([s.pk for s in warm], timeout=600)
            drain = throughput(contributor, uploads, offset, args.submissions, [w.pid for w in workers])
            offset += args.submissions
        finally:
            stop_workers(workers)
        without = next(d for c, d, *_ in rows if c == count)
        print(
            f"with the match check ({drain.runs_per_submission} fast checks), {count} workers: "
            f"{drain.rate:.1f} submissions/s, CPU {drain.worker_cpu_ms:.1f} + {drain.database_cpu_ms:.1f} ms "
            f"per submission (without: {without.rate:.1f}/s, {without.worker_cpu_ms:.1f} + "
            f"{without.database_cpu_ms:.1f} ms), load average {drain.load}"
        )
    if args.ocr:
        ocr(contributor, uploads, offset, args.ocr, args.worker_class, env)


if __name__ == "__main__":
    main()
