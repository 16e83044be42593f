"""Shared by the chart, heatmap and detail endpoints: their periods, axes and labels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from webapi.errors import ApiError
from webapi.periods import ALIASES, resolve
from webapi.query.series import Axis, daily_axis, floor_to, hourly_axis, minutes_axis
from webapi.services import services

VIEW_PERIODS = ("live", "today", "yesterday", "last_week", "last_month")


def choice(args: Mapping, name: str, allowed, default: str) -> str:
    """A parameter among ``allowed`` (periods: their aliases too), or a 400 naming them."""
    value = args.get(name, default)
    if name == "period":
        value = ALIASES.get(value, value)
    if value not in allowed:
        extra = list(ALIASES) if name == "period" else []
        raise ApiError(f"Invalid {name} {value!r}: allowed values are "
                       f"{', '.join(list(allowed) + extra)}")
    return value


def axis(period: str, granularity: str | None = None):
    """(label, span, axis, now) of a period: 5-minute points for live (the live window)
    and today, hours for yesterday, local days for weeks and months, unless
    ``granularity`` says otherwise."""
    svc = services()
    now = svc.now()
    label, span, _previous = resolve(svc.calendar, "today" if period == "live" else period, now)
    interval = svc.interval_minutes()
    granularity = granularity or {"live": "minutes", "today": "minutes",
                                  "yesterday": "hourly"}.get(period, "daily")
    if period == "live":
        start = floor_to(now - svc.live_window, interval)
        return "Live", None, minutes_axis(start, now, interval), now
    if granularity == "minutes":
        return label, span, minutes_axis(span.utc_start, now, interval), now
    if granularity == "hourly":
        return label, span, hourly_axis(span, now), now
    return label, span, daily_axis(span, svc.calendar, now), now


def labels(ax: Axis) -> list[str]:
    """Local clock times (HH:MM) of minutes and hours, "Mon D" of days."""
    if ax.granularity == "daily":
        return [day_label(d) for d in ax.buckets]
    zone = ZoneInfo(services().setting("reporting_time_zone"))
    return [local_time(t, zone) for t in ax.buckets]


def local_time(instant: datetime, zone: ZoneInfo) -> str:
    return instant.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%H:%M")


def day_label(day: date) -> str:
    return f"{day:%b} {day.day}"
