"""The metric functions, expanded in place into the API's statements.

The metrics are defined once, by the stored functions of ``sql/``
(``shame_score_of`` and the other ``*_of`` functions). Calling a stored
function costs the server about 5 us a row, as much as the rest of a ranking
over pre-aggregated rows, so the API does not call them: it reads each
function's installed definition (the view ``function_definitions``: its single
``RETURN`` expression, parameter types and return type) and writes the
expression into the statement instead, with every argument and the result
cast to the declared types, which is what a call does to them. A function
whose body is not a single ``RETURN``, or whose definition cannot be read, is
left as a call: slower, never wrong. The expansion is re-read when
``routine_versions`` says the routines were re-installed, so a changed formula
reaches the API without a restart.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

FUNCTIONS = ("shame_score_of", "uptime_percentage_of", "downtime_hours_of", "avg_wait_of",
             "rides_reporting_of", "trend_percentage_of", "snapshot_shame_score_of")

_CALL = re.compile(r"\b(" + "|".join(FUNCTIONS) + r")\(")
_RETURN = re.compile(r"^\s*RETURN\s+(.+?)\s*;?\s*$", re.S | re.I)


def _cast_type(dtd: str) -> str:
    """The CAST target of a declared type (information_schema's DTD_IDENTIFIER)."""
    dtd = dtd.strip().lower()
    if dtd.startswith("decimal"):
        return dtd.upper().replace(",", ", ")
    if re.match(r"(tiny|small|medium|big)?int\b", dtd):
        return "UNSIGNED" if "unsigned" in dtd else "SIGNED"
    if dtd.startswith(("double", "float")):
        return "DOUBLE"
    raise ValueError(f"no CAST for type {dtd!r}")


@dataclass(frozen=True)
class Formula:
    name: str
    parameters: tuple[tuple[str, str], ...]  # (name, CAST type) in order
    body: str | None  # the RETURN expression, None: keep the call
    returns: str

    def expand(self, args: list[str]) -> str:
        if self.body is None or len(args) != len(self.parameters):
            return f"{self.name}({', '.join(args)})"
        values = {name: f"CAST(({arg}) AS {cast})"
                  for (name, cast), arg in zip(self.parameters, args, strict=True)}
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, values)) + r")\b")
        return f"CAST(({pattern.sub(lambda m: values[m.group(1)], self.body)}) AS {self.returns})"


def read_formulas(db) -> dict[str, Formula]:
    """The installed metric functions of the API's database.

    Read through the view ``function_definitions`` (sql/), which shows routine
    bodies to the read-only API account too."""
    names = ", ".join(["%s"] * len(FUNCTIONS))
    rows = db.query(
        "SELECT function_name AS name, body, ordinal_position AS position, "
        "parameter_name AS parameter, dtd_identifier AS dtd FROM function_definitions "
        f"WHERE function_name IN ({names}) ORDER BY function_name, ordinal_position", FUNCTIONS)
    out = {}
    for name in dict.fromkeys(row["name"] for row in rows):
        own = [row for row in rows if row["name"] == name]
        match = _RETURN.match(own[0]["body"] or "")
        params = tuple((p["parameter"], _cast_type(p["dtd"])) for p in own if p["position"] > 0)
        returns = next(p["dtd"] for p in own if p["position"] == 0)
        out[name] = Formula(name, params, match.group(1) if match else None,
                            _cast_type(returns))
    return out


def _split_call(sql: str, open_at: int) -> tuple[list[str], int]:
    """The top-level arguments of the call whose "(" is at ``open_at``, and the index
    after its ")"."""
    depth, start, args = 0, open_at + 1, []
    for i in range(open_at, len(sql)):
        ch = sql[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                args.append(sql[start:i].strip())
                return args, i + 1
        elif ch == "," and depth == 1:
            args.append(sql[start:i].strip())
            start = i + 1
    raise ValueError("unbalanced parentheses in a metric call")


def expand_calls(sql: str, formulas: dict[str, Formula]) -> str:
    """``sql`` with every metric function call replaced by its expression."""
    out, pos = [], 0
    while (match := _CALL.search(sql, pos)) is not None:
        args, end = _split_call(sql, match.end() - 1)
        formula = formulas.get(match.group(1))
        args = [expand_calls(arg, formulas) for arg in args]
        out.append(sql[pos:match.start()])
        out.append(formula.expand(args) if formula else f"{match.group(1)}({', '.join(args)})")
        pos = end
    out.append(sql[pos:])
    return "".join(out)


class Formulas:
    """The expansion for one database, re-read when the routines' versions change."""

    def __init__(self, max_statements: int = 1024):
        self._lock = threading.Lock()
        self._current: tuple[object, dict[str, Formula]] | None = None
        self._expanded: dict[tuple, str] = {}
        self._max = max_statements

    def expand(self, db, sql: str, routines_version) -> str:
        """``sql`` expanded with the installed formulas; ``routines_version`` is any
        value that changes when the routines are re-installed."""
        current = self._current
        if current is None or current[0] != routines_version:
            with self._lock:
                current = self._current
                if current is None or current[0] != routines_version:
                    current = (routines_version, read_formulas(db))
                    self._current, self._expanded = current, {}
        key = (routines_version, sql)
        text = self._expanded.get(key)
        if text is None:
            text = expand_calls(sql, current[1])
            if len(self._expanded) >= self._max:
                self._expanded = {}
            self._expanded[key] = text
        return text
