"""The metrics page's content, kept in Django's cache (Redis when REDIS_URL is set).

Figures only change when the roll-up job writes them, so the page's charts and summaries are kept
per (range, queue, language, registered providers, roll-up run): `metrics_rollup` calls `forget`
after writing, which starts a new generation, and the run's time (JobMark) is part of the key too,
for a process whose cache the worker's does not reach (the local-memory cache without Redis).
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from oversight.metrics import PROVIDERS
from oversight.metrics.selectors import MetricsFilter

GENERATION_KEY = "oversight:metrics:generation"
logger = logging.getLogger(__name__)


def forget() -> None:
    """Drop every kept page: a new generation no kept key names."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, None):
            generation = cache.get(GENERATION_KEY) or generation
    return str(generation)


def page_content(
    where: MetricsFilter, computed_at: datetime | None, build: Callable[[MetricsFilter], dict[str, Any]]
) -> dict[str, Any]:
    """`build(where)`, from the cache when this range was built since the last roll-up."""
    seconds = settings.METRICS_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return build(where)
    try:
        generation = _generation()
    except Exception:  # the cache is a shortcut: with Redis down the page is built, not refused
        logger.warning("Metrics page cache unreachable; building the page", exc_info=True)
        return build(where)
    key = ":".join(
        (
            "oversight:metrics:page",
            generation,
            computed_at.isoformat() if computed_at else "-",
            where.start.isoformat(),
            where.end.isoformat(),
            where.queue or "-",
            translation.get_language() or "-",
            # The providers registered decide what is "not yet collected" (a new app, a deploy).
            hashlib.sha256(",".join(sorted(PROVIDERS)).encode()).hexdigest()[:12],
        )
    )
    try:
        content = cache.get(key)
    except Exception:  # the cache is a shortcut: with Redis down the page is built, not refused
        logger.warning("Metrics page cache unreachable; building the page", exc_info=True)
        return build(where)
    if content is None:
        content = build(where)
        for chart in content["charts"]:
            chart.table_html  # noqa: B018 - computed once, kept with the chart
        try:
            cache.set(key, content, seconds)
        except Exception:
            logger.warning("Metrics page cache unreachable; page not kept", exc_info=True)
    return content


def metrics_page_warm() -> int:
    """Build and keep the default pages (the last twelve weeks, every queue and each queue, in each
    language) right after a roll-up, so that no one waits for them. Returns how many were built."""
    from django.utils import timezone

    from moderation.models import Queue
    from oversight.forms import DEFAULT_DAYS
    from oversight.metrics import page
    from oversight.metrics.days import local_day
    from oversight.metrics.selectors import computed_at

    end = local_day(timezone.now())
    start = end - timedelta(days=DEFAULT_DAYS - 1)
    built = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for queue in ("", *Queue.values):
                where = MetricsFilter(start, end, queue)
                page_content(where, computed_at(where), page.build)
                built += 1
    return built
