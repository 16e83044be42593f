"""The API as the benchmark serves it: ``webapi.create_app()`` with a pinned clock.

The bench database's history ends at a fixed instant (see bench.database),
so the API's "now" is pinned to it through the app factory's ``NOW`` setting
(``PARKSTATS_BENCH_NOW``, ISO 8601 UTC).  Everything else comes from the
environment exactly as in production (``PARKSTATS_DATABASE_URL``,
``PARKSTATS_CACHE_SECONDS``, ``PARKSTATS_POOL_SIZE`` ...).
"""

from __future__ import annotations

import os
from datetime import datetime

from webapi import create_app

_overrides = {}
if os.environ.get("PARKSTATS_BENCH_NOW"):
    _pinned = datetime.fromisoformat(os.environ["PARKSTATS_BENCH_NOW"])
    _overrides["NOW"] = lambda: _pinned

app = create_app(_overrides)
