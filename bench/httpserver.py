"""Start and stop the API under gunicorn for the benchmark (loopback only)."""

from __future__ import annotations

import http.client
import os
import runpy
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from parkstats import ROOT
from parkstats.localdb import free_port

# The production settings of ``make serve``; the benchmark only binds to a free
# loopback port instead (--bind on the command line overrides the file).
CONF = ROOT / "webapi" / "gunicorn_conf.py"


class ApiServer:
    def __init__(self, database_url: str, now: datetime, *, cache_seconds: float,
                 log_path: Path, env: dict | None = None):
        self.port = free_port()
        self.env = env or {}
        self.database_url = database_url
        self.now = now
        self.cache_seconds = cache_seconds
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-c", str(CONF),
                "--bind", f"127.0.0.1:{self.port}", "bench.wsgi:app"]

    def settings(self) -> dict:
        conf = runpy.run_path(str(CONF))
        keys = ("worker_class", "workers", "threads", "worker_connections", "keepalive",
                "backlog", "timeout")
        return {"command": " ".join(self.command), "config": str(CONF.relative_to(ROOT)),
                **{k: conf.get(k) for k in keys}, "cache_seconds": self.cache_seconds,
                "pinned_now": self.now.isoformat()}

    def __enter__(self) -> ApiServer:
        env = dict(os.environ, PARKSTATS_DATABASE_URL=self.database_url,
                   PARKSTATS_CACHE_SECONDS=str(self.cache_seconds),
                   PARKSTATS_BENCH_NOW=self.now.isoformat(), **self.env)
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(self.command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        cwd=Path(__file__).resolve().parent.parent)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                status, _ = self.get("/api/parks/downtime?period=yesterday")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        self.log.close()

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


class KeepAliveClient:
    """Sequential GETs over one kept-alive connection (what a frontend does)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request("GET", path)
            response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()
