"""The documentation is self-contained: no link leads outside the repository.

Every tracked Markdown file (``git ls-files '*.md'``) is checked, outside its fenced
code blocks (example output is data, not a link):

* Markdown links ``[text](target)`` / ``![alt](target)``, reference definitions
  ``[id]: target``, autolinks ``<scheme:...>`` and HTML ``href``/``src``: an
  ``http(s)`` or other scheme is refused, and a relative target must name a file or
  folder inside the repository root that exists and is not git-ignored;
* bare relative paths in the text (``docs/api.md``, ``../x``): a ``*.md`` path must
  exist (relative to the file or to the root), and no path may climb above the root.

And no tracked file, of any kind, may mention the old outside contract (the markers
below). The contract is docs/contract.md. No database needed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Built by concatenation so that this file does not mention them itself (and so that
# `git grep` for them finds nothing in the repository).
OUTSIDE_MARKERS = (".." + "/shared", "shared" + "/" + "S" + "PEC")

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"           # [text], one level of nested brackets
    r"\(\s*(<[^>\n]*>|[^)\s]+)"                   # (target
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"  # optional "title")
)
REFERENCE_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>")
HTML_REF = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# A path token not preceded by a path character (so never the middle of a URL).
BARE_MD_PATH = re.compile(r"(?<![\w/.\-:])((?:\.{1,2}/)*[\w.-]+(?:/[\w.-]+)*\.md)(?![\w/])")
BARE_PARENT_PATH = re.compile(r"(?<![\w/.\-:])((?:\.\./)+[\w.-]*(?:/[\w.-]+)*)")


def git(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, input=stdin, capture_output=True, text=True)


def tracked(*patterns: str) -> list[str]:
    result = git("ls-files", "-z", "--", *patterns)
    if result.returncode != 0:
        pytest.fail(f"git ls-files failed in {ROOT}: {result.stderr.strip()}")
    return sorted(p for p in result.stdout.split("\0") if p)


def ignored(path: Path) -> bool:
    return git("check-ignore", "-q", "--no-index", str(path)).returncode == 0


def without_fences(text: str) -> str:
    """The text with every fenced code block blanked (line numbers kept)."""
    out, fence = [], None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append("")
        elif fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                fence = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def without_code_spans(text: str) -> str:
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def inside_root(path: Path) -> bool:
    try:
        path.resolve().relative_to(ROOT)
    except ValueError:
        return False
    return True


def target_problem(md_file: Path, target: str) -> str | None:
    """Why a link target is not allowed, or None."""
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1].strip()
    if not target:
        return "empty link target"
    if SCHEME.match(target):
        return "leads outside the repository (the docs must be self-contained)"
    if target.startswith("#"):
        return None
    path_part = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
    if not path_part:
        return None
    base = ROOT if path_part.startswith("/") else md_file.parent
    resolved = (base / path_part.lstrip("/")).resolve()
    if not inside_root(resolved):
        return "points outside the repository root"
    if not resolved.exists():
        return "points to a file that does not exist in the repository"
    if ignored(resolved):
        return "points to a git-ignored file (not in a clone)"
    return None


def link_problems(md_file: Path, text: str) -> list[str]:
    """Every disallowed link of one Markdown file, as 'file:line: target: why'."""
    name = md_file.relative_to(ROOT).as_posix() if inside_root(md_file) else str(md_file)
    prose = without_fences(text)
    links = without_code_spans(prose)
    problems = []

    def report(index: int, target: str, why: str) -> None:
        problems.append(f"{name}:{line_of(prose, index)}: {target}: {why}")

    for pattern in (INLINE_LINK, REFERENCE_DEF, AUTOLINK, HTML_REF):
        for match in pattern.finditer(links):
            why = target_problem(md_file, match.group(1))
            if why:
                report(match.start(1), match.group(1), why)

    for match in BARE_PARENT_PATH.finditer(prose):
        if not inside_root(md_file.parent / match.group(1)):
            report(match.start(1), match.group(1), "a path outside the repository root")
    for match in BARE_MD_PATH.finditer(prose):
        path = match.group(1)
        candidates = (md_file.parent / path, ROOT / path)
        if not any(inside_root(c) and c.exists() for c in candidates):
            report(match.start(1), path, "names a Markdown file that does not exist in the "
                                         "repository")
    return problems


# Tracked Markdown files as they are in the working tree (one deleted there is gone).
MARKDOWN = [name for name in tracked("*.md") if (ROOT / name).exists()]


def test_markdown_files_are_found():
    assert "README.md" in MARKDOWN
    assert "docs/contract.md" in MARKDOWN or (ROOT / "docs/contract.md").exists()


@pytest.mark.parametrize("name", MARKDOWN)
def test_markdown_links_stay_inside_the_repository(name):
    path = ROOT / name
    problems = link_problems(path, path.read_text(encoding="utf-8"))
    assert not problems, "links that leave the repository or lead nowhere:\n" + "\n".join(
        problems)


def test_no_tracked_file_mentions_the_outside_contract():
    offenders = []
    for name in tracked():
        path = ROOT / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        for marker in OUTSIDE_MARKERS:
            if marker.encode() in data:
                line = data[: data.index(marker.encode())].count(b"\n") + 1
                offenders.append(f"{name}:{line}: mentions {marker!r}")
    assert not offenders, ("the contract is docs/contract.md; these refer to a file outside "
                           "the repository:\n" + "\n".join(offenders))


# The checker itself: each of these must be caught (a planted bad link fails the test).
BAD = [
    "[the contract](" + OUTSIDE_MARKERS[0] + "/contract.md)",
    "see `" + OUTSIDE_MARKERS[1] + ".md` section 7",
    "[gone](docs/no-such-page.md)",
    "[up](../../etc/passwd)",
    "[site](https://example.com/)",
    "<https://example.com/>",
    "[site][ref]\n\n[ref]: http://example.com/",
    '<a href="https://example.com/">site</a>',
    "[root escape](/../outside.md)",
    "the details are in docs/missing.md",
    "![img](images/none.png)",
]
GOOD = [
    "[contract](docs/contract.md)",
    "[section](docs/api.md#errors)",
    "[here](#top)",
    "[dir](docs/)",
    "```\n{\"url\": \"https://queue-times.com\"}\n[x](https://example.com)\n```",
    "~~~json\n<https://example.com>\n~~~",
    "`[not a link](https://example.com)` as code",
    "served on http://127.0.0.1:5001 (plain text, not a link)",
    "see README.md and docs/operations.md",
]


@pytest.mark.parametrize("text", BAD)
def test_the_checker_catches(text):
    assert link_problems(ROOT / "README.md", text), text


@pytest.mark.parametrize("text", GOOD)
def test_the_checker_allows(text):
    assert not link_problems(ROOT / "README.md", text)
