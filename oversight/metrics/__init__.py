"""Metrics: daily roll-up rows (DailyFigure) written by metric providers, read by the metrics
page and the DSA transparency report.

A provider owns a set of metric names and computes a day's figures for them. Providers register
here; the roll-up job asks each one for each day and replaces that day's rows. A feature that
adds figures (the DSA notices and complaints, for one) registers its own provider with the
metric names listed as PLANNED in `oversight.metrics.names`, and the page and the report show
them instead of "not yet collected".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class Figure:
    metric: str
    value: int
    queue: str = ""
    dimension: str = ""
    detail: str = ""


class MetricProvider(Protocol):
    name: str
    metrics: tuple[str, ...]

    def compute(self, *, days: list[date], now: datetime) -> dict[date, Iterable[Figure]]:
        """The figures of each day (local days of TIME_ZONE; today's up to `now`)."""
        ...


PROVIDERS: dict[str, MetricProvider] = {}


def register(provider: MetricProvider) -> MetricProvider:
    PROVIDERS[provider.name] = provider
    return provider


def provider_of(metric: str) -> MetricProvider | None:
    return next((p for p in PROVIDERS.values() if metric in p.metrics), None)


def is_collected(metric: str) -> bool:
    """True when some registered provider computes this metric."""
    return provider_of(metric) is not None
