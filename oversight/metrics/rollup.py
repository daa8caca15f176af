"""The roll-up job's service: recompute whole days of figures, replacing their rows."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from oversight.metrics import PROVIDERS, MetricProvider
from oversight.models import DailyFigure, JobMark

ROLLUP_MARK = "metrics_rollup"


@dataclass
class RollupReport:
    days: list[date] = field(default_factory=list)
    rows: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"days": [day.isoformat() for day in self.days], "rows": self.rows}


def metrics_rollup(
    *, days: list[date], providers: list[str] | None = None, now: datetime | None = None
) -> RollupReport:
    """Recompute `days` for each provider (all registered ones by default).

    Steps per provider: compute every day's figures (outside any transaction: reads only); then
    per day, in one transaction, delete the provider's rows of that day and insert the new ones.
    Running it twice gives the same rows; readers never see a day half-written.
    """
    now = now or timezone.now()
    days = sorted(set(days))
    report = RollupReport(days=days)
    chosen: list[MetricProvider] = (
        [PROVIDERS[name] for name in providers] if providers else list(PROVIDERS.values())
    )
    for provider in chosen:
        computed = provider.compute(days=days, now=now)
        for day in days:
            rows = [
                DailyFigure(
                    day=day,
                    metric=figure.metric,
                    queue=figure.queue,
                    dimension=figure.dimension[:80],
                    detail=figure.detail[:64],
                    value=figure.value,
                    computed_at=now,
                )
                for figure in computed.get(day, [])
                if figure.value
            ]
            with transaction.atomic():
                DailyFigure.objects.filter(day=day, metric__in=provider.metrics).delete()
                DailyFigure.objects.bulk_create(rows, batch_size=1000)
            report.rows += len(rows)
    JobMark.objects.update_or_create(name=ROLLUP_MARK, defaults={"at": now})
    from oversight.metrics import cache  # here: cache imports the selectors, which import this module

    cache.forget()
    return report
