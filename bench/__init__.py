"""``make bench``: the performance benchmark of docs/contract.md section 10.

Builds (or reuses) a production-scale database on a private server
(``.benchdb/``), aggregates it with the real procedures, then measures in
one run: every ranking (SQL the API runs, HTTP without and with the response
cache, and the GROUP BY over raw snapshots it replaces), the load (1,000
concurrent requests, 10,000 held connections), and the jobs (new-hour cycle,
day, year, backfill next to its INSERT ... SELECT floor, retention on two
table sizes).  Prints a table and writes ``bench/results/*.json``.

Run: ``make bench`` (400 days) or ``make bench BENCH_DAYS=30``;
``python -m bench --help`` lists every option.
"""
