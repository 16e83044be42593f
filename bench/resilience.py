"""Resilience (contract: "a hung database", "1,000 idle or slowly-sending client
connections") and the burst's floor, against gunicorn as ``make serve`` starts it.

* ``hung_database``: the bench database server is stopped with SIGSTOP (it accepts
  connections and answers nothing) while clients ask, in rounds, cached URLs (fresh
  entries), uncached URLs (expired entries: stale answers; never asked: 503),
  ``/api/health`` and ``/metrics``; then it is resumed (SIGCONT) and the time until
  an expired URL answers fresh again is measured.
* ``slow_clients``: the latency of sequential normal requests before, and while,
  ``n`` connections are held idle (nothing sent) and ``n`` send their request a
  few bytes a second (slowloris).
* ``floor``: the burst against ``bench.floor`` (same server, same bytes).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import tempfile
import time
from pathlib import Path

from bench.httpserver import ApiServer
from bench.load import burst
from bench.stats import summary


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, dict | None, float]:
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - began
    try:
        body = json.loads(data)
    except ValueError:
        body = None
    return response.status, body, elapsed


async def _round(port: int, groups: dict[str, list[str]], rounds: int) -> dict:
    latencies: dict[str, list[float]] = {name: [] for name in groups}
    statuses: dict[str, dict[str, int]] = {name: {} for name in groups}

    async def one(name: str, path: str):
        status, body, elapsed = await asyncio.to_thread(_get, port, path)
        latencies[name].append(elapsed)
        kind = f"{status}" + (" stale" if body and body.get("stale") else "")
        statuses[name][kind] = statuses[name].get(kind, 0) + 1

    for _ in range(rounds):
        await asyncio.gather(*(one(name, path) for name, paths in groups.items()
                               for path in paths))
    return {name: {**summary(latencies[name]), "answers": statuses[name]} for name in groups}


def hung_database(database_url: str, now, server, paths: list[str], log_path: Path,
                  rounds: int = 5) -> dict:
    """``paths``: ranking URLs; the first half are kept fresh in the cache, the second
    half expire (asked once, then the cache lifetime passes), plus never-asked URLs."""
    cached, expired = paths[: len(paths) // 2], paths[len(paths) // 2:]
    never = [p + "&limit=7" for p in expired]
    with ApiServer(database_url, now, cache_seconds=10, log_path=log_path) as api:
        for p in expired:
            api.get(p)
        time.sleep(10.5)  # the expired half is now older than the cache lifetime
        for p in cached:
            api.get(p)
        server.freeze()
        try:
            groups = {"cached": cached, "expired (stale)": expired, "never asked (503)": never,
                      "health": ["/api/health"], "metrics": ["/metrics"]}
            during = asyncio.run(_round(api.port, groups, rounds))
        finally:
            server.thaw()
        resumed = time.perf_counter()
        fresh_after = None
        while time.perf_counter() - resumed < 60:
            status, body, _ = _get(api.port, expired[0])
            if status == 200 and body and not body.get("stale"):
                fresh_after = time.perf_counter() - resumed
                break
            time.sleep(0.05)
    worst = max(s["max_ms"] or 0 for s in during.values())
    return {"rounds": rounds, "while_hung": during, "worst_ms": worst,
            "fresh_after_resume_s": None if fresh_after is None else round(fresh_after, 2),
            "all_within_2s": worst < 2000}


def _sequential(port: int, paths: list[str], n: int) -> list[float]:
    return [_get(port, paths[i % len(paths)])[2] for i in range(n)]


def slow_clients(port: int, paths: list[str], n: int = 1000, requests: int = 200) -> dict:
    before = _sequential(port, paths, requests)
    idle, slow = [], []
    try:
        for _ in range(n):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=30))
        for i in range(n):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            sock.sendall(f"GET {paths[i % len(paths)]} HTTP/1.1\r\n".encode())
            slow.append(sock)
        began = time.perf_counter()
        during: list[float] = []
        tick = 0
        while len(during) < requests:
            during += _sequential(port, paths, 10)
            if time.perf_counter() - began > tick:  # the slow ones send a byte a second
                tick += 1
                for sock in slow:
                    sock.sendall(b"X")
    finally:
        for sock in idle + slow:
            sock.close()
    b, d = summary(before), summary(during)
    delay = round(d["median_ms"] - b["median_ms"], 2)
    return {"idle": n, "slow_sending": n, "before": b, "while_held": d,
            "median_delay_ms": delay, "within_100ms": delay < 100}


def floor(api: ApiServer, paths: list[str], n: int, log_path: Path) -> dict:
    """The burst against the trivial application answering the API's own bytes."""
    bodies = {}
    for p in paths:
        conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=30)
        conn.request("GET", p)
        response = conn.getresponse()
        bodies[p] = [response.read().decode(), (response.getheader("ETag") or "").strip('"')]
        conn.close()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bodies, f)
    try:
        with FloorServer(f.name, api.now, log_path) as server:
            return burst(server.port, paths, n, warm=True)
    finally:
        os.unlink(f.name)


class FloorServer(ApiServer):
    def __init__(self, bodies_file: str, now, log_path: Path):
        super().__init__("unused", now, cache_seconds=0, log_path=log_path,
                         env={"PARKSTATS_FLOOR_BODIES": bodies_file})

    @property
    def command(self) -> list[str]:
        return super().command[:-1] + ["bench.floor:app"]
