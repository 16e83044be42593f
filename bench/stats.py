"""Timing and summary statistics (milliseconds, nearest-rank percentiles)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


def percentile(samples: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of ``samples``; None when empty."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(samples: list[float]) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def summary(seconds: list[float]) -> dict:
    """{n, median_ms, p95_ms, p99_ms, min_ms, max_ms} of durations given in seconds."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0, "median_ms": None, "p95_ms": None, "p99_ms": None,
                "min_ms": None, "max_ms": None}
    return {"n": len(ms), "median_ms": round(median(ms), 3),
            "p95_ms": round(percentile(ms, 95), 3), "p99_ms": round(percentile(ms, 99), 3),
            "min_ms": round(min(ms), 3), "max_ms": round(max(ms), 3)}


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call."""
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def sample(fn: Callable[[], object], *, repeat: int, warmup: int = 2,
           budget_s: float | None = None, min_repeat: int = 3) -> tuple[list[float], object]:
    """Durations of ``repeat`` calls after ``warmup`` untimed ones.

    With ``budget_s``, stops early (after at least ``min_repeat`` samples) when
    the samples taken so far add up to the budget: slow baselines stay bounded.
    A first call that alone takes longer than the budget is kept as the only
    sample, with the caches as it found them: more calls would cost as many
    minutes each (the 400-day ride baselines of last_month and year), and
    against an API statement of milliseconds no warm-up moves the ratio much.
    """
    result = None
    for done in range(warmup):
        seconds, result = timed(fn)
        if done == 0 and budget_s is not None and seconds > budget_s:
            return [seconds], result
    durations: list[float] = []
    for _ in range(repeat):
        seconds, result = timed(fn)
        durations.append(seconds)
        if budget_s is not None and len(durations) >= min_repeat and sum(durations) > budget_s:
            break
    return durations, result
