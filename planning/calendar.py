"""The calendar's grid: which days a month or week view shows, in the person's timezone.

Pure date arithmetic; the entries come from ``planning.selectors.calendar_launches``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MONTH, WEEK = "month", "week"
HOURS = range(24)


@dataclass
class Day:
    date: date
    in_range: bool  # False for the other months' days that pad a month view
    is_today: bool
    is_past: bool = False  # no new launch is planned on a past day
    entries: list = field(default_factory=list)


@dataclass
class Grid:
    view: str
    anchor: date  # the day the view was asked for
    start: date
    end: date  # exclusive
    days: list[Day]
    previous: date
    next: date

    @property
    def weeks(self) -> list[list[Day]]:
        return [self.days[i : i + 7] for i in range(0, len(self.days), 7)]

    @property
    def agenda(self) -> list[Day]:
        """The view's days that have launches, and today: the calendar as a list on a phone,
        where a month's grid has no room to name a launch."""
        return [day for day in self.days if day.in_range and (day.entries or day.is_today)]

    def bounds(self) -> tuple[datetime, datetime]:
        """The grid as aware datetimes in the active (the person's) timezone."""
        return local_midnight(self.start), local_midnight(self.end)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def today() -> date:
    return timezone.localdate()


def build(view: str, anchor: date) -> Grid:
    if view == WEEK:
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=7)
        first, last = start, end
        previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
    else:
        first = anchor.replace(day=1)
        last = _next_month(first)
        start = first - timedelta(days=first.weekday())
        end = last + timedelta(days=(7 - last.weekday()) % 7)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last
    now = today()
    days = [
        Day(start + timedelta(days=n), first <= start + timedelta(days=n) < last, False)
        for n in range((end - start).days)
    ]
    for day in days:
        day.is_today, day.is_past = day.date == now, day.date < now
    return Grid(view, anchor, start, end, days, previous, following)


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def place(grid: Grid, launches) -> Grid:
    """Put each launch (annotated with ``when``) on its local day."""
    by_date = {day.date: day for day in grid.days}
    for launch in launches:
        day = by_date.get(timezone.localtime(launch.when).date())
        if day is not None:
            day.entries.append(launch)
    return grid


def moved(when: datetime, to_day: date, to_hour: int | None) -> datetime:
    """``when`` moved to another local day (and hour, in the week view), minutes kept."""
    local = timezone.localtime(when)
    hour = local.hour if to_hour is None else to_hour
    return timezone.make_aware(datetime.combine(to_day, time(hour, local.minute)))


def slot_start(day: date, hour: int | None) -> datetime:
    """The time a new launch created from an empty slot starts: 09:00 on a month day."""
    return timezone.make_aware(datetime.combine(day, time(9 if hour is None else hour)))
