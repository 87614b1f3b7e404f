"""Mutation check: plants each small, realistic bug (issue 14's six, then four of the export and report
code) in a temporary copy of the repository and runs the fast tests most likely to catch it; prints
mutant / killed-by-test / survived.

    python bench/mutants.py [--full] [--issue14] [--only NAME ...] [--list] [--keep] [--no-baseline]

The copy is made from this checkout's working tree (tracked and untracked, not ignored files) into a
temporary directory next to a link to ``../shared``; nothing is written to the checkout or any
worktree. Each mutant is one exact text replacement that must match exactly once in today's code (a
mutant whose site moved is reported as ``site not found``, not as survived). Before the mutants, the
chosen tests are run once unmutated: a red baseline would make every "killed" meaningless.

By default each mutant runs its own targeted test files (``-x``, ``-m "not slow"``); ``--full`` runs
the whole fast suite with ``-x`` instead (slow: minutes per mutant on a 2-core machine). Exit status 1
when a mutant survives or its site is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    """One planted bug: replace ``old`` by ``new`` in ``path`` (``old`` occurs exactly once)."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    what: str


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "csv-defuse-tab-cr",
        "core/export.py",
        '_FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r")',
        '_FORMULA_START = ("=", "+", "-", "@")',
        ("tests/test_export.py", "tests/test_hostile.py"),
        "CSV defusing of cells starting with a tab or a carriage return removed",
    ),
    Mutant(
        "cohesion-floor-min",
        "core/align/groups.py",
        "        mean = cross / (len(new) * base.count)\n"
        "        floor = max(self.config.min_cohesion, min(inner, self.config.cohesion_cap)"
        " - self.config.cohesion_gap)\n",
        "        mean = cross / (len(new) * base.count)\n        floor = self.config.min_cohesion\n",
        ("tests/test_align.py",),
        "cohesion floor of a group's newcomers reduced to min_cohesion (Groups._cohesive)",
    ),
    Mutant(
        "cohesion-off",
        "core/align/groups.py",
        "        return mean >= floor\n",
        "        return True\n",
        ("tests/test_align.py",),
        "cohesion check switched off (Groups._cohesive always passes)",
    ),
    Mutant(
        "section-label-lt3",
        "core/ingest/furniture.py",
        'LineRule("section label", lambda ln, p: p.at_top(ln) and ln.n_words <= 3, Verdict.DROP)',
        'LineRule("section label", lambda ln, p: p.at_top(ln) and ln.n_words < 3, Verdict.DROP)',
        ("tests/test_ingest.py",),
        "a 3-word line at the top is no longer dropped as a section label (<= 3 -> < 3)",
    ),
    Mutant(
        "pair-limit-exact-fit",
        "core/align/claims.py",
        "len(links) + len(ps) * (len(ps) - 1) // 2 > max_links",
        "len(links) + len(ps) * (len(ps) - 1) // 2 >= max_links",
        ("tests/test_limits.py", "tests/test_align.py"),
        "passage-pair limit refuses an exact fit (> -> >=, core/align/claims.claim_links)",
    ),
    Mutant(
        "date-edge-day-disjoint",
        "core/facts/relations.py",
        "    if a[1] < b[0] or b[1] < a[0]:\n        return Relation.CONFLICT\n",
        "    if a[1] <= b[0] or b[1] <= a[0]:\n        return Relation.CONFLICT\n",
        ("tests/test_facts_relations.py", "tests/test_facts_dates.py", "tests/test_facts_calendar.py"),
        'date spans sharing an edge day treated as disjoint ("1 January 2025" vs "January 2025")',
    ),
    # Beyond issue 14: the boundaries of the export, consensus, saved-comparison and report code.
    Mutant(
        "consensus-half-is-majority",
        "core/consensus.py",
        "        if 2 * len(backers) <= n:\n",
        "        if 2 * len(backers) < n:\n",
        ("tests/test_consensus.py",),
        "consensus declared with exactly half of the sources (strict majority -> half)",
    ),
    Mutant(
        "saved-accepts-newer",
        "core/saved.py",
        "    if version > FORMAT_VERSION:\n",
        "    if version > FORMAT_VERSION + 1:\n",
        ("tests/test_saved.py",),
        "a comparison.json one format version newer is read instead of refused",
    ),
    Mutant(
        "report-unescaped",
        "core/report.py",
        "    return html.escape(str(text), quote=True)\n",
        "    return str(text)\n",
        ("tests/test_report.py",),
        "the report's escaping of article text removed",
    ),
    Mutant(
        "report-quotes-unescaped",
        "core/report.py",
        "    return html.escape(str(text), quote=True)\n",
        "    return html.escape(str(text), quote=False)\n",
        ("tests/test_report.py",),
        "the report leaves quotes raw (an article text can close an attribute)",
    ),
)
ISSUE_14 = tuple(m.name for m in MUTANTS[:6])


def copy_repository(dest: Path) -> Path:
    """The checkout's files (tracked and untracked, not ignored) copied to ``dest/repo``; ``dest/shared``
    links to the checkout's ``../shared`` (the evaluation data some tests read) when it exists."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", "surrogateescape")
    repo = dest / "repo"
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if not src.is_file():  # deleted in the working tree but still in the index
            continue
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (dest / "shared").symlink_to(shared)
    return repo


def run_tests(repo: Path, tests: tuple[str, ...], *, full: bool) -> tuple[bool, str, float]:
    """(passed, first failing test or error line, CPU seconds of the run)."""
    targets = ["tests"] if full else list(tests)
    cmd = [sys.executable, "-m", "pytest", *targets, "-m", "not slow", "-x", "-q", "-p", "no:cacheprovider",
           "-rfE", "--no-header"]  # fmt: skip
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    before = os.times()
    proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env, check=False)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        return True, "", cpu
    m = re.search(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", out, re.MULTILINE)  # the id may hold spaces
    if m:
        return False, m.group(1), cpu
    tail = [ln for ln in out.splitlines() if ln.strip()][-1:] or [f"exit {proc.returncode}"]
    return False, f"(pytest exit {proc.returncode}: {tail[0][:100]})", cpu


def apply(repo: Path, mutant: Mutant) -> str | None:
    """Plants the mutant; returns the original text to restore, or None when its site is not found
    exactly once."""
    path = repo / mutant.path
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if text.count(mutant.old) != 1:
        return None
    path.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the whole fast suite (-x) per mutant")
    parser.add_argument("--only", nargs="*", default=None, help="names of the mutants to run")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--issue14", action="store_true", help="only the six mutants of issue 14")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy (its path is printed)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run of the tests")
    args = parser.parse_args(argv)

    chosen = [m for m in MUTANTS if args.only is None or m.name in args.only]
    if args.issue14:
        chosen = [m for m in chosen if m.name in ISSUE_14]
    if args.list:
        for m in chosen:
            print(f"{m.name:27} {m.path:26} {m.what}")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="newscompare-mutants-"))
    try:
        repo = copy_repository(tmp)
        if not args.no_baseline:
            tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
            ok, failed, cpu = run_tests(repo, tests, full=args.full)
            print(f"baseline: {'green' if ok else 'RED at ' + failed} ({cpu:.0f} CPU-s)", flush=True)
            if not ok:
                return 2
        print(f"{'mutant':27} {'result':9} {'CPU-s':>6}  killed by / note", flush=True)
        bad = 0
        for m in chosen:
            original = apply(repo, m)
            if original is None:
                note = f"site not found exactly once in {m.path}"
                print(f"{m.name:27} {'MISSING':9} {'':>6}  {note}", flush=True)
                bad += 1
                continue
            start = time.monotonic()
            try:
                ok, failed, cpu = run_tests(repo, m.tests, full=args.full)
            finally:
                (repo / m.path).write_text(original, encoding="utf-8")
            result = "SURVIVED" if ok else "killed"
            bad += ok
            note = failed if not ok else m.what
            wall = time.monotonic() - start
            print(f"{m.name:27} {result:9} {cpu:6.0f}  {note}  [{wall:.0f} s]", flush=True)
        return 1 if bad else 0
    finally:
        if args.keep:
            print(f"copy kept at {tmp / 'repo'}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
