"""make bench waits for the server to settle before it times the new-hour cycles
(bench/jobs.py, ``settle``): the wait ends once InnoDB's backlog is at most the
threshold, or at its timeout, and gives the server's setting back either way."""

from __future__ import annotations

from bench import jobs
from parkstats.db import connect

ROWS = 100_000  # about 1,300 pages of 16 KB


def max_dirty_pct(cur) -> float:
    cur.execute("SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
    return float(cur.fetchone()[0])


def dirty_some_pages(cur) -> None:
    """Rows written (or rewritten, on a second call): pages the cleaner has yet to write."""
    cur.execute("CREATE DATABASE IF NOT EXISTS settle_test")
    cur.execute("CREATE TABLE IF NOT EXISTS settle_test.filler "
                "(n INT PRIMARY KEY, pad CHAR(200) NOT NULL) ENGINE=InnoDB")
    cur.execute("INSERT INTO settle_test.filler (n, pad) "
                "SELECT seq, REPEAT('x', 200) FROM seq_1_to_%s "
                "ON DUPLICATE KEY UPDATE pad = REPEAT(CHAR(65 + n %% 26), 200)", (ROWS,))


def test_settle_waits_for_the_backlog_and_gives_the_setting_back(server_with):
    server = server_with("settle")
    with connect(server.url("mysql")) as conn, conn.cursor() as cur:
        saved = max_dirty_pct(cur)
        dirty_some_pages(cur)
        lines: list[str] = []
        out = jobs.settle(cur, lines.append, timeout_s=120, pages=50, poll_s=0.2)
        assert out["settled"], out
        # The pages just written were still dirty when the wait began.
        assert out["before"]["Innodb_buffer_pool_pages_dirty"] > 50, out
        assert all(out["after"][name] <= 50 for name in jobs.SETTLE_STATUS), out
        assert max_dirty_pct(cur) == saved
        assert len(lines) == 1 and "Innodb_buffer_pool_pages_dirty" in lines[0]


def test_settle_stops_at_its_timeout_and_gives_the_setting_back(server_with):
    server = server_with("settle")
    with connect(server.url("mysql")) as conn, conn.cursor() as cur:
        saved = max_dirty_pct(cur)
        # No backlog is ever below -1: only the timeout ends this wait.
        out = jobs.settle(cur, lambda _line: None, timeout_s=0.5, pages=-1, poll_s=0.1)
        assert not out["settled"]
        assert 0.5 <= out["seconds"] < 5
        assert max_dirty_pct(cur) == saved
