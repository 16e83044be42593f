"""Compare two benchmark result files: ``python -m bench.compare OLD.json NEW.json``.

Prints, for every ranking and job, the medians of both runs and new / old
(below 1 = faster), and which targets (docs/contract.md) changed state.
"""

from __future__ import annotations

import json
import sys


def _median(section: dict | None) -> float | None:
    return (section or {}).get("median_ms")


def _line(label: str, old: float | None, new: float | None) -> str:
    if old is None or new is None:
        cells = ["-" if v is None else f"{v:.2f}" for v in (old, new)]
        return f"{label:<58}{cells[0]:>10}{cells[1]:>10}"
    return f"{label:<58}{old:10.2f}{new:10.2f}{new / old:9.2f}x"


def compare(old: dict, new: dict) -> str:
    lines = [f"old: {old['meta']['started_at']} ({old['meta']['days']} days)   "
             f"new: {new['meta']['started_at']} ({new['meta']['days']} days)",
             f"{'median, ms':<58}{'old':>10}{'new':>10}{'new/old':>10}"]
    olds = {(r["period"], r["endpoint"]): r for r in old.get("rankings", [])}
    for r in new.get("rankings", []):
        o = olds.get((r["period"], r["endpoint"]), {})
        for key in ("sql", "http_nocache", "http_cache", "baseline"):
            lines.append(_line(f"{r['period']} {r['endpoint']} {key}", _median(o.get(key)),
                               _median(r.get(key))))
    for key in ("new_hour_cycle", "aggregate_day", "aggregate_year"):
        lines.append(_line(key, _median(old.get("jobs", {}).get(key)),
                           _median(new.get("jobs", {}).get(key))))
    for key in ("backfill", "floor"):
        o = old.get("jobs", {}).get(key, {}).get("seconds")
        n = new.get("jobs", {}).get(key, {}).get("seconds")
        lines.append(_line(f"{key} (s)", o, n))
    before = {t["target"]: t["ok"] for t in old.get("targets", [])}
    changed = [(t["target"], before.get(t["target"]), t["ok"]) for t in new.get("targets", [])
               if before.get(t["target"]) is not None and before[t["target"]] != t["ok"]]
    lines.append("")
    lines.append(f"targets: {sum(t['ok'] for t in old.get('targets', []))} -> "
                 f"{sum(t['ok'] for t in new.get('targets', []))} holding")
    lines += [f"  {'now holds' if ok else 'now MISSED'}: {name}" for name, _, ok in changed]
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[0]) as f_old, open(argv[1]) as f_new:
        print(compare(json.load(f_old), json.load(f_new)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
