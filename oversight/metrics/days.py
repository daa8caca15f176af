"""Local days (TIME_ZONE) and weeks, the units of the roll-ups and of the charts."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of a local day and the first instant of the next one."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def week_of(day: date) -> date:
    """The Monday starting the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def recent_days(count: int, now: datetime | None = None) -> list[date]:
    today = local_day(now or timezone.now())
    return days_between(today - timedelta(days=max(count, 1) - 1), today)
