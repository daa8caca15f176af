"""The metrics page alone, in process, on roll-ups shaped like a million-submission installation's.

Writes DailyFigure rows straight away (no submissions seeded: the page reads only the roll-ups),
with as many rows per day and dimension as bench/queue.py's million would give: three queues,
four outcomes, ten moderators, twelve reasons, ~40 time-to-decision buckets per queue, the check
kinds and finding codes, and the DSA notices and complaints. Then measures the page for 12 weeks and
for one month (and one queue), logged in as a senior moderator, with the query count.

    .venv/bin/python bench/metrics_page.py [--days 400] [--requests 40] [--uncached] [--profile]

Without --uncached the page is kept in the cache after the warm-up request (as between two roll-ups);
with it every request builds the page (the first request after a roll-up, for a range not warmed).
Needs collectstatic (var/static) like bench/queue.py. Writes only DailyFigure rows of the last
--days days, and a user bench-metrics-senior; use a database of your own.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

# bench/queue.py would shadow the standard library's queue: the project root instead of bench/.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.update(
    {  # as bench/common.py's configure_environment: DEBUG off, fixed secrets; DATABASE_URL as given
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "IDENTITY_HMAC_KEY": "bench-only-identity-hmac-key",
        "ALLOWED_HOSTS": "testserver",
    }
)


def seed(days: int) -> int:
    from django.utils import timezone

    from moderation.models import DecisionOutcome, Queue, SlaState, Tier
    from oversight.metrics import names
    from oversight.metrics.days import days_between
    from oversight.models import DailyFigure
    from oversight.tdb.vocabulary import STATEMENT_CATEGORIES

    today = timezone.localdate()
    DailyFigure.objects.filter(day__gte=today - timedelta(days=days - 1)).delete()
    rng = random.Random(17)
    queues = [q.value for q in Queue]
    outcomes = [o.value for o in DecisionOutcome]
    moderators = [str(n) for n in range(100000, 100010)]
    reasons = [f"reason-{n}" for n in range(12)]
    kinds = ["label", "c2pa", "metadata", "hash", "text", "virus"]
    statuses = ["passed", "flagged", "failed", "error"]
    codes = [f"code_{n}" for n in range(13)] + ["declaration_contradicts_metadata", "c2pa_tampered"]
    categories = list(STATEMENT_CATEGORIES)[:14]
    rows: list[DailyFigure] = []
    count = 0

    def add(
        day: date, metric: str, value: int, queue: str = "", dimension: str = "", detail: str = ""
    ) -> None:
        rows.append(
            DailyFigure(day=day, metric=metric, value=value, queue=queue, dimension=dimension, detail=detail)
        )

    for day in days_between(today - timedelta(days=days - 1), today):
        for q in queues:
            for st in SlaState:
                add(day, names.BACKLOG, rng.randint(50, 900), q, st.value)
            add(day, names.INTAKE, rng.randint(500, 1500), q)
            for o in outcomes:
                add(day, names.DECISIONS, rng.randint(50, 600), q, o)
                for m in moderators:
                    add(day, names.MODERATOR_DECISIONS, rng.randint(1, 60), q, m, o)
                if o != "approved":
                    for r in reasons:
                        add(day, names.REASONS, rng.randint(1, 40), q, r, o)
            for bucket in range(60, 100):
                add(day, names.TIME_TO_DECISION, rng.randint(1, 80), q, str(bucket))
            add(day, names.SLA_DECIDED, rng.randint(500, 1500), q, "met")
            add(day, names.SLA_DECIDED, rng.randint(10, 200), q, "breached")
            add(day, names.OVERRIDES, rng.randint(0, 30), q)
        for r in reasons:
            for d in ("automated", "manual"):
                add(day, names.RESTRICTIONS, rng.randint(1, 50), "", r, d)
        for k in kinds:
            for status in statuses:
                add(day, names.CHECK_RUNS, rng.randint(10, 2000), "", k, status)
        for c in codes:
            for sev in ("info", "warning", "blocking"):
                add(day, names.FINDINGS, rng.randint(0, 200), "", c, sev)
        for t in Tier:
            add(day, names.LABEL_TIERS, rng.randint(50, 700), "", t.value)
        for c in categories:
            for d in ("trusted_flagger", "other"):
                add(day, names.NOTICES, rng.randint(0, 20), "", c, d)
            for g in ("legal", "terms", "none"):
                add(day, names.NOTICE_ACTIONS, rng.randint(0, 10), "", c, g)
        for bucket in range(80, 120):
            add(day, names.NOTICE_TIME_TO_ACTION, rng.randint(0, 10), "", str(bucket))
            add(day, names.COMPLAINT_TIME_TO_DECISION, rng.randint(0, 5), "", str(bucket))
        for b in ("contributor", "notifier", "account_holder"):
            for d in ("received", "upheld", "reversed"):
                add(day, names.COMPLAINTS, rng.randint(0, 10), "", b, d)
        for w in [*queues, "publication", "account"]:
            add(day, names.OVERTURNED, rng.randint(0, 3), w)
        if len(rows) > 20000:
            DailyFigure.objects.bulk_create(rows)
            count += len(rows)
            rows.clear()
    DailyFigure.objects.bulk_create(rows)
    count += len(rows)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE oversight_dailyfigure")
    return count


def _count(queries: list[str], execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    queries.append(sql)
    return execute(sql, params, many, context)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=400, help="days of roll-ups to write (0: keep)")
    parser.add_argument("--requests", type=int, default=40, help="requests per URL")
    parser.add_argument("--profile", action="store_true", help="cProfile five 1-year requests")
    parser.add_argument(
        "--uncached", action="store_true", help="METRICS_PAGE_CACHE_SECONDS=0: every request builds the page"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import TermsVersion, User
    from accounts.roles import Role
    from accounts.services.terms import terms_accept
    from oversight.models import DailyFigure

    setup_test_environment()
    if args.uncached:
        settings.METRICS_PAGE_CACHE_SECONDS = 0
    if args.days:
        started = time.monotonic()
        n = seed(args.days)
        print(f"seeded {n:,} DailyFigure rows ({args.days} days) in {time.monotonic() - started:.0f} s")
    print(f"DailyFigure rows: {DailyFigure.objects.count():,}")
    senior, _ = User.objects.get_or_create(
        username="bench-metrics-senior", defaults={"email": "bench-metrics-senior@example.com"}
    )
    senior.groups.add(Group.objects.get(name=Role.SENIOR_MODERATOR.value))
    for terms in TermsVersion.objects.all():  # the terms in force, accepted, as a real senior has
        if terms.is_in_force(timezone.now()):
            terms_accept(user=senior, terms=terms)
    client = Client()
    client.force_login(senior)
    today = timezone.localdate()
    urls = {
        "12 weeks": "/oversight/metrics/",
        "1 month": f"/oversight/metrics/?start={today - timedelta(days=29)}",
        "1 month, takedown": f"/oversight/metrics/?start={today - timedelta(days=29)}&queue=takedown",
        "1 year": f"/oversight/metrics/?start={today - timedelta(days=364)}",
    }
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code} {response.get('Location', '')}")
        queries: list[str] = []
        with connection.execute_wrapper(partial(_count, queries)):
            client.get(url)
        timings = []
        for _ in range(args.requests):
            t = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - t)
        print(
            f"{name:<20} p50 {statistics.median(timings) * 1000:7.1f} ms  p95 "
            f"{percentile(timings, 0.95) * 1000:7.1f} ms  queries {len(queries)}  "
            f"{len(response.content) / 1000:.0f} kB"
        )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(urls["1 year"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
