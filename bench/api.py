"""Benchmark the publisher API's intake: 1 MB images POSTed to /api/v1/submissions on gunicorn
(2 workers), with 2 RQ workers checking them, on PostgreSQL and Redis.

    python bench/api.py [--submissions 300] [--concurrency 8] [--database provenant_api_bench]
                        [--redis-db N] [--port 8765]

Steps:
1. A fresh database (DATABASE_URL's server), migrated; REDIS_URL's server, database --redis-db
   (default: REDIS_URL's own); an integration with a key; N distinct ~1 MB JPEGs made up front.
2. Start `gunicorn config.wsgi --workers 2` and two `rqworker checks` processes; warm up.
3. --concurrency client threads POST the N submissions (multipart: metadata JSON and the file).
   Accepted per second = 202 answers / (last answer - first request). Request latency p50/p95.
   Also the CPU time gunicorn (and the RQ workers) spent per submission, read from /proc: on a
   shared, loaded machine a steadier figure than the rates.
4. Then wait until the two workers have checked them all (status "awaiting review") and report
   that rate too: the intake accepts faster than the checks clear, which is the point of the queue.
The visible-mark OCR is off here (CHECK_VISIBLE_MARKS=0): it runs on the "media" queue beside
these figures in production (see bench/pipeline.py).
"""

from __future__ import annotations

import sys

sys.path.pop(0)  # bench/queue.py would shadow the standard library's queue

import argparse
import json
import os
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

BENCH_DB = "provenant_api_bench"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"gunicorn did not listen on {port}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live descendants (gunicorn's workers), from /proc."""
    stats: dict[int, tuple[int, float]] = {}  # pid: (parent, seconds)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            ticks = int(fields[11]) + int(fields[12])
            stats[int(entry.name)] = (int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"))
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += stats.get(current, (0, 0.0))[1]
        pending.extend(child for child, (parent, _cpu) in stats.items() if parent == current)
    return total


def make_images(count: int) -> list[bytes]:
    from labels import samples

    return [samples.noise_jpeg((1200, 900), seed=10_000 + i, quality=95) for i in range(count)]


def metadata(i: int) -> str:
    return json.dumps(
        {
            "external_id": f"bench-{i}",
            "author": {
                "id": f"author-{i % 20}",
                "attestation": {
                    "method": "phone",
                    "reference": f"bench-ref-{i % 20}",
                    "verified_at": "2026-11-01T10:00:00Z",
                },
                "terms_version": os.environ.get("BENCH_TERMS", ""),
            },
            "title": f"Bench {i}",
            "text": "Benchmark text.",
            "ai_declaration": bool(i % 2),
            "no_real_person": True,
            "region": "cn",
        }
    )


def post_all(base: str, key: str, images: list[bytes], offset: int, count: int, concurrency: int) -> tuple:
    import requests

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    first: list[float] = []
    last: list[float] = []
    lock = threading.Lock()
    next_index = iter(range(offset, offset + count))

    def sender() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            started = time.monotonic()
            response = session.post(
                f"{base}/api/v1/submissions",
                data={"metadata": metadata(i)},
                files={"files": (f"photo-{i}.jpg", images[i], "image/jpeg")},
                headers={"Idempotency-Key": f"bench-{i}"},
                timeout=120,
            )
            ended = time.monotonic()
            with lock:
                first.append(started)
                last.append(ended)
                latencies.append(ended - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code != 202 and statuses[response.status_code] == 1:
                    print(f"  {response.status_code}: {response.text[:300]}")

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, latencies, min(first), max(last)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database", default=BENCH_DB, help="dropped and created afresh")
    parser.add_argument("--redis-db", type=int, default=None, help="default: REDIS_URL's database")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--workers", type=int, default=2, help="RQ workers on the checks queue (0: intake alone)"
    )
    parser.add_argument("--worker-class", default="rq.worker.SimpleWorker", help="as bench/pipeline.py")
    args = parser.parse_args()

    redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    redis_db = args.redis_db if args.redis_db is not None else int((redis.path or "/0").strip("/") or 0)
    media_root = ROOT / "var" / "bench-api-media"
    env = common.configure_environment(
        args.database,
        "bench/api.py",
        REDIS_URL=urlunsplit((redis.scheme, redis.netloc, f"/{redis_db}", "", "")),
        MEDIA_ROOT=str(media_root),
        CHECK_VISIBLE_MARKS="0",
        SITE_URL=f"http://127.0.0.1:{args.port}",
    )
    print(f"Setting up database {args.database} and Redis db {redis_db} …")
    common.recreate_database(env, args.database)
    common.manage(env, "migrate", "--noinput")
    import django

    django.setup()
    from accounts.selectors import current_terms
    from integrations.models import Integration, Scope
    from integrations.services import apikey_create
    from moderation.models import Status, Submission

    terms = current_terms()
    os.environ["BENCH_TERMS"] = terms.version if terms else ""
    integration = Integration.objects.create(name="Bench CMS")
    _row, key = apikey_create(
        integration=integration,
        name="bench",
        scopes=list(Scope.values),
        rate_limit_per_minute=1_000_000,
        actor=None,
    )
    warmup = 10
    images = make_images(args.submissions + warmup)
    size = sum(len(image) for image in images) / len(images)
    print(f"{len(images)} distinct JPEGs of {size / 1e6:.2f} MB on average; {os.cpu_count()} cores")

    run_env = {**os.environ, **env}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=run_env,
    )
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "checks",
                "--worker-class",
                args.worker_class,
                "--name",
                f"bench-api-{i}-{os.getpid()}",
            ],
            cwd=ROOT,
            env=run_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(args.workers)
    ]
    try:
        wait_for_port(args.port)
        load_before = os.getloadavg()[0]
        base = f"http://127.0.0.1:{args.port}"
        post_all(base, key, images, 0, warmup, 2)  # imports and connections, off the clock
        server_cpu = cpu_seconds(server.pid)
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers)
        statuses, latencies, first, last = post_all(
            base, key, images, warmup, args.submissions, args.concurrency
        )
        server_cpu = cpu_seconds(server.pid) - server_cpu
        intake_done = time.time()
        accepted = statuses.get(202, 0)
        seconds = last - first
        bench_items = Submission.objects.filter(external_id__startswith="bench-")
        ids = list(bench_items.values_list("pk", flat=True))
        deadline = time.monotonic() + 900
        while (
            args.workers
            and Submission.objects.filter(pk__in=ids).exclude(status=Status.AWAITING_REVIEW).exists()
        ):
            if time.monotonic() > deadline:
                sys.exit("the checks did not finish in 15 minutes")
            time.sleep(0.5)
        checked_seconds = time.time() - intake_done + seconds
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers) - worker_cpu
    finally:
        server.terminate()
        for worker in workers:
            worker.terminate()
        server.wait(timeout=30)
        for worker in workers:
            worker.wait(timeout=30)

    print()
    print(f"answers: {dict(sorted(statuses.items()))}")
    print(f"accepted (202): {accepted} in {seconds:.1f} s = {accepted / seconds:.1f} submissions/s")
    print(
        f"request latency at concurrency {args.concurrency}: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    # CPU per submission depends far less on what else the shared machine runs than the rates do.
    print(f"gunicorn CPU per accepted submission: {server_cpu / max(accepted, 1) * 1000:.0f} ms")
    if args.workers:
        print(f"RQ workers' CPU per checked submission: {worker_cpu / max(len(ids), 1) * 1000:.0f} ms")
        print(
            f"checked by {args.workers} RQ workers (all in review): {len(ids)} in {checked_seconds:.1f} s "
            f"from the first request = {len(ids) / checked_seconds:.1f} submissions/s"
        )
    else:
        print("no RQ workers: the check runs wait in Redis (intake measured alone)")
    print(
        f"load average before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
