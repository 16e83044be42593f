"""A private MariaDB/MySQL server started from the installed binaries.

Used by the test harness (a throwaway server in a temp folder) and by
``make run`` (a server whose data lives in the git-ignored ``.localdb/``).
It never touches a server that is already running on the machine: it has
its own data directory, socket and port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pymysql

from parkstats.db import DatabaseUrl

SEARCH_DIRS = ("/usr/sbin", "/usr/local/sbin", "/usr/local/mysql/bin", "/opt/homebrew/bin")
INSTALL_HINT = (
    "no MariaDB or MySQL server binary (mariadbd/mysqld) was found. Install one "
    "(Debian/Ubuntu: sudo apt-get install mariadb-server; macOS: brew install mariadb), "
    "or point the project at an existing server with PARKSTATS_DATABASE_URL / "
    "PARKSTATS_TEST_DATABASE_URL=mysql://user:password@host:port/database"
)

# Server settings a statistics workload needs (big rollups want 64 MB+
# temporary tables; the event scheduler can only be switched on at start
# without SUPER).
SERVER_OPTIONS = (
    "--character-set-server=utf8mb4",
    "--event-scheduler=ON",
    "--innodb-buffer-pool-size=256M",
    "--innodb-log-file-size=256M",
    "--innodb-flush-log-at-trx-commit=2",
    "--tmp-table-size=64M",
    "--max-heap-table-size=64M",
    "--max-connections=500",
    "--skip-name-resolve",
    "--bind-address=127.0.0.1",
    "--log-bin-trust-function-creators=1",
)


class ServerUnavailable(RuntimeError):
    """No local server can be started on this machine."""


def find_server_binary() -> Path:
    for name in ("mariadbd", "mysqld"):
        found = shutil.which(name)
        if found:
            return Path(found)
        for folder in SEARCH_DIRS:
            candidate = Path(folder) / name
            if candidate.exists():
                return candidate
    raise ServerUnavailable(INSTALL_HINT)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """One server process with its own data directory.

    ``start()`` initialises the directory on first use, so a second start
    on the same directory reuses the data.
    """

    def __init__(self, basedir: Path, port: int | None = None, options: tuple[str, ...] = ()):
        """``options``: extra server options, after (so overriding) ``SERVER_OPTIONS``,
        e.g. ``("--innodb-buffer-pool-size=4G",)`` for the benchmark's server."""
        self.basedir = Path(basedir).resolve()
        self.options = tuple(options)
        self.datadir = self.basedir / "data"
        self.socket = self.basedir / "mysqld.sock"
        self.pidfile = self.basedir / "mysqld.pid"
        self.logfile = self.basedir / "error.log"
        # Its own tmpdir: a starting server deletes every #sql* file in its tmpdir (its
        # own leftovers), which in a shared /tmp are other servers' live temporary tables.
        self.tmpdir = self.basedir / "tmp"
        self.portfile = self.basedir / "port"
        self.binary = find_server_binary()
        self.port = port or self._remembered_port() or free_port()
        self.process: subprocess.Popen | None = None

    # -- lifecycle -----------------------------------------------------------

    def _remembered_port(self) -> int | None:
        try:
            return int(self.portfile.read_text())
        except (OSError, ValueError):
            return None

    def _run_as_args(self) -> list[str]:
        # mariadbd/mysqld refuse to run as root without --user.
        return ["--user=root"] if os.geteuid() == 0 else []

    def initialize(self) -> None:
        if (self.datadir / "mysql").exists():
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.tmpdir.mkdir(exist_ok=True)
        install_db = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
        if self.binary.name == "mariadbd" and install_db:
            cmd = [
                install_db, "--no-defaults", f"--datadir={self.datadir}",
                f"--tmpdir={self.tmpdir}",  # passed on to the bootstrapping server
                "--auth-root-authentication-method=normal", "--skip-test-db",
                f"--basedir={self._basedir_for_install()}", *self._run_as_args(),
            ]
        else:  # MySQL 8: the server initialises itself.
            cmd = [
                str(self.binary), "--no-defaults", "--initialize-insecure",
                f"--datadir={self.datadir}", f"--tmpdir={self.tmpdir}", *self._run_as_args(),
            ]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise ServerUnavailable(
                f"initialising {self.datadir} failed ({' '.join(cmd)}):\n"
                f"{result.stdout}\n{result.stderr}"
            )

    def _basedir_for_install(self) -> str:
        # mariadb-install-db wants the installation prefix (/usr for /usr/sbin/mariadbd).
        return str(self.binary.parent.parent)

    def is_running(self) -> bool:
        try:
            pid = int(self.pidfile.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return False
        return self._ping()

    def start(self, timeout: float = 60.0) -> None:
        if self.is_running():
            return
        self.initialize()
        self.portfile.write_text(str(self.port))
        self.tmpdir.mkdir(exist_ok=True)
        cmd = [
            str(self.binary), "--no-defaults", f"--datadir={self.datadir}",
            f"--port={self.port}", f"--socket={self.socket}", f"--pid-file={self.pidfile}",
            f"--log-error={self.logfile}", f"--tmpdir={self.tmpdir}", *SERVER_OPTIONS,
            *self.options,
            *self._run_as_args(),
        ]
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerUnavailable(
                    f"{self.binary} exited with code {self.process.returncode}; "
                    f"see {self.logfile}:\n{self._log_tail()}"
                )
            if self._ping():
                return
            time.sleep(0.1)
        self.stop()
        raise ServerUnavailable(f"{self.binary} did not answer within {timeout:.0f} s; "
                                f"see {self.logfile}:\n{self._log_tail()}")

    def stop(self, timeout: float = 30.0) -> None:
        pid = None
        if self.process is not None:
            pid = self.process.pid
        else:
            try:
                pid = int(self.pidfile.read_text())
            except (OSError, ValueError):
                return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None:
                if self.process.poll() is not None:
                    break
            else:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
        self.process = None

    def freeze(self, limit: float = 10) -> None:
        """Stop the server process (SIGSTOP: it accepts connections and answers nothing,
        a hung database) and return once every one of its threads is stopped: kill()
        only queues the signal, and a thread woken by a statement sent at once could
        still answer it. The threads' states are read from /proc (the server need not be
        this process's child). ``thaw()`` resumes it."""
        pid = int(self.pidfile.read_text())
        os.kill(pid, signal.SIGSTOP)
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            states = []
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    states.append((task / "stat").read_text().rsplit(")", 1)[1].split()[0])
                except FileNotFoundError:  # a thread that ended meanwhile
                    continue
            if all(state in ("T", "t") for state in states):
                return
            time.sleep(0.001)
        raise ServerUnavailable(f"{self.binary} (pid {pid}) did not stop within {limit} s")

    def thaw(self) -> None:
        """Resume a server stopped by ``freeze()`` (SIGCONT)."""
        os.kill(int(self.pidfile.read_text()), signal.SIGCONT)

    def remove(self) -> None:
        shutil.rmtree(self.basedir, ignore_errors=True)

    # -- access --------------------------------------------------------------

    def url(self, database: str) -> DatabaseUrl:
        return DatabaseUrl("127.0.0.1", self.port, "root", "", database)

    def _ping(self) -> bool:
        """Whether this server answers on its port: another server holding the port (its
        own data directory) does not count, so start() does not take it for this one."""
        try:
            conn = pymysql.connect(host="127.0.0.1", port=self.port, user="root",
                                   password="", connect_timeout=1)
        except pymysql.MySQLError:
            return False
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT @@datadir")
                (datadir,) = cur.fetchone()
        except pymysql.MySQLError:
            return False
        finally:
            conn.close()
        return Path(datadir).resolve() == self.datadir

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
