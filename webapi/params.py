"""Query parameters: validated and normalised, or a 400 saying what is allowed."""

from __future__ import annotations

from collections.abc import Mapping

from webapi.errors import ApiError
from webapi.periods import ALIASES, PERIODS

FILTERS = ("all-parks", "disney-universal")
SORTS = ("shame_score", "total_downtime_hours", "rides_down", "uptime_percentage")
ENTITIES = ("parks", "rides")
FIRST_YEAR, LAST_YEAR = 2001, 2099  # calendar_days covers 2000-2100; a year needs the one before


def period(args: Mapping, *, allow_live: bool = True) -> str:
    value = args.get("period", "today")
    value = ALIASES.get(value, value)
    allowed = [p for p in PERIODS if allow_live or p != "live"]
    if value not in allowed:
        names = ", ".join(allowed + list(ALIASES))
        raise ApiError(f"Invalid period {value!r}: allowed values are {names}")
    return value


def park_filter(args: Mapping) -> str:
    value = args.get("filter", "all-parks")
    if value not in FILTERS:
        raise ApiError(f"Invalid filter {value!r}: allowed values are {', '.join(FILTERS)}")
    return value


def sort_by(args: Mapping) -> str:
    value = args.get("sort_by", "shame_score")
    if value not in SORTS:
        raise ApiError(f"Invalid sort_by {value!r}: allowed values are {', '.join(SORTS)}")
    return value


def limit(args: Mapping, *, default: int = 50, maximum: int = 100) -> int:
    value = args.get("limit")
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise ApiError(f"Invalid limit {value!r}: must be a whole number from 1 to {maximum}")
    return int(value)


def year(args: Mapping, default: int) -> int:
    value = args.get("year")
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise ApiError(f"Invalid year {value!r}: must be a year from {FIRST_YEAR} to {LAST_YEAR}")
    return int(value)


def entity(args: Mapping) -> str:
    value = args.get("entity", "parks")
    if value not in ENTITIES:
        raise ApiError(f"Invalid entity {value!r}: allowed values are {', '.join(ENTITIES)}")
    return value
