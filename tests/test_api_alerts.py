"""The shipped Prometheus alerting rules (monitoring/): valid, behaving as documented
(promtool's unit tests), and written only over metrics the API exports."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from api_support import insert_parks, insert_snapshots, make_app, snapshot

MONITORING = Path(__file__).resolve().parent.parent / "monitoring"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is not installed: install the Debian/Ubuntu package "
                    "'prometheus' (sudo apt-get install prometheus; .ci/run does it)")
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=MONITORING, capture_output=True, text=True, timeout=120)


def test_the_rules_are_valid(promtool):
    result = run(promtool, "check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_fire_as_documented(promtool):
    result = run(promtool, "test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_use_only_metrics_the_api_exports(db, db_url):
    now = datetime(2026, 3, 10, 12, 0)
    insert_parks(db)
    insert_snapshots(db, [snapshot(random.Random(1), 1, now - timedelta(minutes=5))])
    used = set(re.findall(r"\bparkstats_[a-z0-9_]+", (MONITORING / "alerts.yml").read_text()))
    text = make_app(db_url, now).test_client().get("/metrics").text
    exported = set(re.findall(r"^# TYPE (\w+)", text, re.MULTILINE))
    exported |= {f"{name}_count" for name in exported}
    assert used <= exported, used - exported
