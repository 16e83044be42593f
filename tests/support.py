"""Small helpers shared by the tests: calling procedures, reading rows."""

from __future__ import annotations

import pymysql


def call(conn: pymysql.Connection, procedure: str, *args) -> list[list[dict]]:
    """CALL a procedure; return every result set as a list of dict rows."""
    results: list[list[dict]] = []
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(f"CALL {procedure}({', '.join(['%s'] * len(args))})", args)
        while True:
            if cur.description:
                results.append(list(cur.fetchall()))
            if not cur.nextset():
                break
    return results


def rows(conn: pymysql.Connection, sql: str, *args) -> list[dict]:
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def scalar(conn: pymysql.Connection, sql: str, *args):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
        return None if row is None else row[0]


def set_now(conn: pymysql.Connection, now) -> None:
    """Override the clock of every parkstats routine in this session (None: real clock)."""
    with conn.cursor() as cur:
        cur.execute("SET @parkstats_now = %s", (now,))
