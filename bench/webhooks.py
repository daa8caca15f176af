"""Benchmark webhook delivery: latency from the decision's commit to the receiver, on real
PostgreSQL, Redis and `rqworker` processes.

    python bench/webhooks.py [--rate 100] [--seconds 20] [--workers 2] [--submissions 50]

Steps:
1. Create a fresh database `prov_webhooks_bench` on DATABASE_URL's server and migrate it; flush
   the Redis database of REDIS_URL (this engineer's own, db 2 by default).
2. A receiver on 127.0.0.1 (http.server, threads, HTTP/1.1 keep-alive), in a process of its own
   as a CMS is, verifies every request with `standardwebhooks.Webhook(secret).verify` and
   applies each webhook-id once, noting when. (In this process it shared the GIL with the
   producer threads: each request waited on them, and that wait was most of the latency.)
   An integration with one endpoint pointing at it; `--submissions` submissions from it.
3. Start `--workers` `manage.py rqworker default --with-scheduler` processes.
4. Paced at `--rate` events/s for `--seconds`, from `--producers` threads (each its own database
   connection, as concurrent moderators' requests): each event is a decision's transaction (the
   submission row locked, `emit_event("submission.decided", …)` as the lifecycle hook writes it,
   commit). The commit time is taken by the first after-commit callback.
5. Wait until every event is applied (or 120 s); print p50 / p95 / max of commit -> receiver,
   events lost (never applied), duplicates (applied ids received again), and deliveries not
   "delivered" in the database.

Measured (2 RQ workers, 2 shared cores, load average 5–8 around each run), one event per drain job
before, drains in batches after (webhooks/delivery.py):

    before, 100/s: p50 14.4 s, p95 19.1 s, 6.7 ms worker CPU an event (with this receiver:
                   p50 10.2 s, p95 12.7 s, 6.2 ms): the workers cannot keep up, the queue grows
    after,  100/s: p50 37–44 ms, p95 101–158 ms, max 258–574 ms, 2.0–2.2 ms an event
    after,   50/s: p50 14–20 ms, p95 31–35 ms, 6.6–7.1 ms an event (one event per drain: batches
                   form only when work waits, so the cost an event falls as the rate rises)
    lost, duplicated, unverified, undelivered: 0 in every run
"""

from __future__ import annotations

import sys

sys.path.pop(0)  # keep bench/ off the import path (bench/queue.py shadows `queue`)

import argparse
import os
import subprocess
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

BENCH_DB = "prov_webhooks_bench"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class ReceiverProcess:
    """tests/webhooks/receiver.py's receiver, forked into its own process, driven over a pipe."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve_receiver, args=(child,), daemon=True)
        self.process.start()
        self.url: str = self.pipe.recv()

    def ask(self, command: str, value: object = None) -> Any:
        self.pipe.send((command, value))
        return self.pipe.recv()

    def stop(self) -> None:
        self.ask("stop")
        self.process.join(timeout=10)


def serve_receiver(pipe: Any) -> None:
    from tests.webhooks.receiver import receiving

    with receiving() as receiver:
        pipe.send(receiver.url)
        while True:
            command, value = pipe.recv()
            with receiver.lock:
                if command == "secret":
                    receiver.secret = value
                    pipe.send(None)
                elif command == "applied":
                    pipe.send(len(receiver.applied))
                elif command == "results":
                    pipe.send(
                        {
                            "applied": set(receiver.applied),
                            "received_at": dict(receiver.received_at),
                            "duplicates": receiver.duplicates,
                            "unverified": sum(not request["verified"] for request in receiver.requests),
                        }
                    )
                else:
                    pipe.send(None)
                    return


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    import django_rq
    from rq import Worker

    connection = django_rq.get_connection("default")
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "default",
                "--with-scheduler",
                "--name",
                f"bench-hooks-{i}",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(Worker.all(connection=connection)) < count:
        if time.monotonic() > deadline:
            sys.exit("workers did not start")
        time.sleep(0.1)
    return workers


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (load-independent cost)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--producers", type=int, default=4, help="threads committing the decisions")
    parser.add_argument("--database", default=BENCH_DB, help="dropped and created afresh")
    args = parser.parse_args()

    redis = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"))
    env = common.configure_environment(
        args.database,
        "bench/webhooks.py",
        REDIS_URL=urlunsplit((redis.scheme, redis.netloc, redis.path or "/2", "", "")),
        MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
    )
    print(f"Setting up database {args.database} and Redis {env['REDIS_URL']} …")
    common.recreate_database(env, args.database)
    common.manage(env, "migrate", "--noinput")
    import django

    django.setup()
    import django_rq
    from django.db import connections, transaction

    from accounts.selectors import current_terms
    from accounts.services.terms import terms_accept
    from integrations.models import Integration
    from moderation.models import Submission
    from tests.factories import make_contributor
    from tests.moderation.builders import draft
    from webhooks.events import emit_event
    from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

    django_rq.get_connection("default").flushdb()
    contributor = make_contributor("bench")
    terms = current_terms()
    if terms is not None:  # the terms a fresh install puts in force (accounts/0006)
        terms_accept(user=contributor, terms=terms)
    integration = Integration.objects.create(name="Bench CMS")
    submissions = []
    for number in range(args.submissions):
        submission = draft(contributor)
        Submission.objects.filter(pk=submission.pk).update(
            integration=integration, external_id=f"cms-{number}"
        )
        submissions.append(submission.pk)

    total = int(args.rate * args.seconds)
    committed: dict[str, float] = {}

    def stamp(holder: dict[str, str]) -> None:
        committed[holder["id"]] = time.time()

    connections.close_all()  # the receiver's process must not share this one's connection
    receiver = ReceiverProcess()
    receiver.ask("secret", WebhookEndpoint.objects.create(integration=integration, url=receiver.url).secret)
    workers = start_workers(args.workers, env)
    print(f"{args.workers} workers listening; {total} events at {args.rate:g}/s; {os.cpu_count()} cores")
    worker_cpu_before = sum(cpu_seconds(worker.pid) for worker in workers)
    load_before = load_average()
    try:
        start = time.monotonic()
        late = [0] * args.producers

        def produce(producer: int) -> None:
            """Every `producers`-th event, each at its time, in this thread's own connection."""
            try:
                for i in range(producer, total, args.producers):
                    pause = start + i / args.rate - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                    elif pause < -0.05:
                        late[producer] += 1
                    holder: dict[str, str] = {}
                    with transaction.atomic():
                        transaction.on_commit(partial(stamp, holder))
                        locked = Submission.objects.select_for_update().get(
                            pk=submissions[i % len(submissions)]
                        )
                        event = emit_event(
                            "submission.decided",
                            submission=locked,
                            data={
                                "decision": i,
                                "outcome": "rejected",
                                "reason": "bench",
                                "statement": {},
                            },
                        )
                        assert event is not None
                        holder["id"] = event.pk
            finally:
                connections.close_all()

        producers = [threading.Thread(target=produce, args=(n,)) for n in range(args.producers)]
        for thread in producers:
            thread.start()
        for thread in producers:
            thread.join()
        offered = total / (time.monotonic() - start)
        deadline = time.monotonic() + 120
        while receiver.ask("applied") < total and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # let any duplicate arrive
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers) - worker_cpu_before
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        results = receiver.ask("results")
        receiver.stop()

    received_at, duplicates = results["received_at"], results["duplicates"]
    latencies = [received_at[event_id] - at for event_id, at in committed.items() if event_id in received_at]
    lost = len(set(committed) - results["applied"])
    unverified = results["unverified"]
    undelivered = WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).count()
    print(f"offered {offered:.1f} events/s ({sum(late)} sent late by > 50 ms)")
    print(f"load average {load_before} before, {load_average()} after (2 cores shared)")
    print(f"worker CPU: {worker_cpu:.1f} s in all, {worker_cpu / total * 1000:.1f} ms an event")
    print(
        f"{'events':>7} | {'p50':>8} | {'p95':>8} | {'max':>8} | lost | duplicates | unverified | undelivered"
    )
    print(
        f"{len(latencies):>7} | {percentile(latencies, 0.5) * 1000:>6.0f}ms | "
        f"{percentile(latencies, 0.95) * 1000:>6.0f}ms | {max(latencies) * 1000:>6.0f}ms | "
        f"{lost:>4} | {duplicates:>10} | {unverified:>10} | {undelivered:>11}"
    )


if __name__ == "__main__":
    main()
