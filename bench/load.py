"""Load on the running API (loopback only, bounded in time), with aiohttp.

``burst``: N requests started at once, each on its own connection, mixed
over the ranking URLs of every period; reports the wall time, each request's
latency (connect + request + body) and errors.  Run twice: with the response
cache cold (the server has not seen the URLs: what a burst meets when the
cache expires) and warm (one request per URL first).

``held``: N clients each open their own connection (started evenly over a
ramp), make a request, and keep the connection open until every client has
one; the server's count of established connections is read (``ss``) while
all are held; then each client makes a second request on its held
connection at a random moment of a window, and closes.  Reports errors of
every kind, connections opened vs. reused, and latencies of both requests.
"""

from __future__ import annotations

import asyncio
import random
import resource
import subprocess
import time

from bench.stats import summary


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _error_kind(exc: BaseException) -> str:
    return type(exc).__name__


async def _burst(port: int, paths: list[str], n: int, timeout_s: float, warm: bool) -> dict:
    import aiohttp

    base = f"http://127.0.0.1:{port}"
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for p in (paths if warm else ()):  # warm the response cache (steady production)
            async with session.get(base + p) as r:
                await r.read()
        start = asyncio.Event()

        async def one(i: int):
            await start.wait()
            began = time.perf_counter()
            try:
                async with session.get(base + paths[i % len(paths)]) as r:
                    await r.read()
                    if r.status != 200:
                        errors[f"HTTP {r.status}"] = errors.get(f"HTTP {r.status}", 0) + 1
                        return
                latencies.append(time.perf_counter() - began)
            except Exception as exc:  # noqa: BLE001
                errors[_error_kind(exc)] = errors.get(_error_kind(exc), 0) + 1

        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        await asyncio.sleep(0.05)
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
    return {"requests": n, "urls": len(paths), "cache": "warm" if warm else "cold",
            "ok": len(latencies),
            "errors": sum(errors.values()), "error_kinds": errors,
            "wall_s": round(wall, 3), "latency": summary(latencies),
            "all_within_2s": not errors and max(latencies, default=99) < 2.0}


def burst(port: int, paths: list[str], n: int = 1000, timeout_s: float = 30,
          warm: bool = True) -> dict:
    """``warm``: one request per URL first, so the burst is answered from the response
    cache; else every URL is asked for the first time (what the burst meets each
    time the cache expires)."""
    raise_fd_limit()
    return asyncio.run(_burst(port, paths, n, timeout_s, warm))


def established(port: int) -> int | None:
    """Established TCP connections to the server's port, as the kernel counts them."""
    try:
        out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    return sum(1 for line in out.splitlines() if line.strip())


async def _held(port: int, paths: list[str], n: int, ramp_s: float, hold_s: float,
                window_s: float, timeout_s: float) -> dict:
    import aiohttp

    base = f"http://127.0.0.1:{port}"
    first: list[float] = []
    second: list[float] = []
    errors: dict[str, int] = {}
    created = reused = 0
    settled = 0
    all_settled = asyncio.Event()
    release = asyncio.Event()

    def count_error(kind: str) -> None:
        errors[kind] = errors.get(kind, 0) + 1

    async def on_create(_session, _ctx, _params):
        nonlocal created
        created += 1

    async def on_reuse(_session, _ctx, _params):
        nonlocal reused
        reused += 1

    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(on_create)
    trace.on_connection_reuseconn.append(on_reuse)
    timeout = aiohttp.ClientTimeout(total=timeout_s)

    def settle():
        nonlocal settled
        settled += 1
        if settled == n:
            all_settled.set()

    async def client(i: int):
        await asyncio.sleep(ramp_s * i / n)
        connector = aiohttp.TCPConnector(limit=1, keepalive_timeout=3600)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                         trace_configs=[trace]) as session:
            url = base + paths[i % len(paths)]
            began = time.perf_counter()
            try:
                async with session.get(url) as r:
                    await r.read()
                    ok = r.status == 200
                if ok:
                    first.append(time.perf_counter() - began)
                else:
                    count_error(f"first request HTTP {r.status}")
            except Exception as exc:  # noqa: BLE001
                count_error(f"first request {_error_kind(exc)}")
                ok = False
            settle()
            if not ok:
                return
            await release.wait()
            await asyncio.sleep(random.uniform(0, window_s))
            began = time.perf_counter()
            try:
                async with session.get(url) as r:
                    await r.read()
                    if r.status == 200:
                        second.append(time.perf_counter() - began)
                    else:
                        count_error(f"second request HTTP {r.status}")
            except Exception as exc:  # noqa: BLE001
                count_error(f"second request {_error_kind(exc)}")

    began = time.perf_counter()
    tasks = [asyncio.create_task(client(i)) for i in range(n)]
    await all_settled.wait()
    opened_s = time.perf_counter() - began
    await asyncio.sleep(hold_s)
    held_count = await asyncio.to_thread(established, port)
    release.set()
    await asyncio.gather(*tasks)
    return {"connections": n, "ramp_s": ramp_s, "hold_s": hold_s, "window_s": window_s,
            "all_open_after_s": round(opened_s, 2),
            "established_at_server_while_held": held_count,
            "connections_created": created, "connections_reused": reused,
            "errors": sum(errors.values()), "error_kinds": errors,
            "first_request": summary(first), "request_on_held_connection": summary(second),
            "wall_s": round(time.perf_counter() - began, 2)}


def held(port: int, paths: list[str], n: int = 10000, ramp_s: float = 10, hold_s: float = 5,
         window_s: float = 10, timeout_s: float = 60) -> dict:
    limit = raise_fd_limit()
    if limit < n + 200:
        return {"connections": n, "errors": n,
                "error_kinds": {f"file-descriptor limit {limit} < {n} connections": n}}
    return asyncio.run(_held(port, paths, n, ramp_s, hold_s, window_s, timeout_s))
