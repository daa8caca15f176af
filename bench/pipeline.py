"""Benchmark the check pipeline end to end: real PostgreSQL, real Redis, real `rqworker` processes.

    python bench/pipeline.py [--submissions 300] [--workers 1 2] [--rate 20] [--seconds 15]
                             [--worker-class rq.worker.SimpleWorker] [--ocr 20]
                             [--database provenant_bench] [--redis-db 14]

Steps:
1. Create a fresh database `provenant_bench` (DATABASE_URL's server, default 127.0.0.1) and use
   Redis database 14 (REDIS_URL's server); migrate; make a verified contributor.
2. For each worker count: start that many `manage.py rqworker checks` processes and wait until
   they are listening.
   a. Throughput: N image drafts are uploaded and submitted while the workers are suspended, so
      N x 3 check jobs wait in Redis; then the workers resume and drain them. Submissions per
      second = checks done after the resume / 3 / (last finish - first start). This is the
      pipeline's rate, not one producer's.
   b. Latency at a steady rate: for `--seconds`, one submission every 1/rate seconds, each one
      uploaded (inspected, hashed, stored) and submitted; latency = from the start of the upload
      to the "awaiting review" audit event. p50 / p95.
   Each image also gets a visible-mark run (OCR) on the "media" queue, which these workers do not
   listen to: the item enters review without waiting for it, so these figures are the fast checks'
   (consent, label, policy), as in production where media workers do the OCR beside them.
3. OCR (`--ocr N`, 0 skips it): the visible-mark runs left from step 2 are set aside; one checks
   worker and one media worker run; N image submissions, one every 2 s; per image, upload to
   "awaiting review" and upload to the OCR result landing, and the OCR run's own duration.
4. Print the tables. The figures go into the README.
"""

from __future__ import annotations

import sys

# bench/queue.py shares its name with the standard library's `queue`: keep bench/ (this
# script's own directory) off the import path, or the first `import queue` finds it.
sys.path.pop(0)

import argparse
import os
import subprocess
import time
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


def throughput(contributor, uploads: Uploads, offset: int, count: int) -> float:
    """Submissions per second the workers clear from a backlog.

    A worker already blocked waiting for a job takes the first one despite the suspension, so
    the clock covers only the checks claimed after the resume: their number over the time from
    the first of them to the last finished one, divided by the three checks of a submission.
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
    resume(connection)
    wait_until_reviewed([s.pk for s in drafts], timeout=600)
    fast = fast_kinds()
    after = CheckRun.objects.filter(submission__in=drafts, started_at__gte=resumed, kind__in=fast)
    window = after.aggregate(first=Min("started_at"), last=Max("finished_at"))
    runs_per_submission = CheckRun.objects.filter(submission=drafts[0], kind__in=fast).count()
    seconds = (window["last"] - window["first"]).total_seconds()
    return after.count() / runs_per_submission / seconds


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--worker-class", default="rq.worker.SimpleWorker")
    parser.add_argument("--ocr", type=int, default=20, help="image submissions for the OCR step (0: skip)")
    parser.add_argument("--database", default=BENCH_DB, help="dropped and created afresh")
    parser.add_argument("--redis-db", type=int, default=BENCH_REDIS_DB, help="flushed")
    args = parser.parse_args()

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
    uploads = Uploads(len(args.workers) * (args.submissions + steady_count) + args.ocr)
    print(
        f"{len(uploads.files)} distinct JPEGs ready; worker class {args.worker_class}; "
        f"{os.cpu_count()} cores\n"
    )

    rows = []
    offset = 0
    for count in args.workers:
        workers = start_workers(count, args.worker_class, env)
        try:
            rate = throughput(contributor, uploads, offset, args.submissions)
            offset += args.submissions
            latencies = steady(contributor, uploads, offset, args.rate, args.seconds)
            offset += steady_count
        finally:
            stop_workers(workers)
        rows.append((count, rate, percentile(latencies, 0.5), percentile(latencies, 0.95), len(latencies)))

    print(
        f"{'workers':>7} | {'submissions/s':>13} | {'p50 latency':>11} | {'p95 latency':>11} | "
        f"at {args.rate:g}/s"
    )
    print("-" * 66)
    for count, rate, p50, p95, n in rows:
        print(f"{count:>7} | {rate:>13.1f} | {p50 * 1000:>8.0f} ms | {p95 * 1000:>8.0f} ms | {n} submissions")
    print(
        f"\nthroughput: a backlog of {args.submissions} submissions (3 checks each) drained by the workers, "
        f"timed from the first check claimed after the resume to the last one finished"
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
    if args.ocr:
        ocr(contributor, uploads, offset, args.ocr, args.worker_class, env)


if __name__ == "__main__":
    main()
