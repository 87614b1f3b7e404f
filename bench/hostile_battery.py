"""Hostile-input battery: run every case of ``tests/test_hostile*.py`` and count what went wrong.

    python bench/hostile_battery.py              # every case (about 5 min alone on 2 cores)
    python bench/hostile_battery.py --fast       # without the cases marked slow
    python bench/hostile_battery.py --self-test  # check the counting on planted failures

Each case (a pytest item: one row of a table such as ``tests/test_hostile.py::CASES``, or one
parametrised test) runs in this process under a per-case time limit, and its outcome is counted as:

* **crash**: an exception other than a failed assertion escaped (the input crashed the code), a fixture
  failed, or an app page raised (AppTest's ``at.exception``);
* **hang**: the case outlived the per-case limit or a test's own hang guard;
* **injection**: a failed assertion in a case about markup, scripts, CSV formulas or escaping;
* **data lost**: a failed assertion in a case about keeping the user's sources, text or names;
* **other failure**: any other failed assertion (a wrong message, a wrong count).

A table row says which of these its failure would be (``Case.kind``); other tests are classed by their
name (``_KIND_BY_NAME``). All counts must be 0; the exit status is 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("crash", "hang", "injection", "lost", "other")
LABELS = {
    "crash": "crashes",
    "hang": "hangs",
    "injection": "injections",
    "lost": "data lost",
    "other": "other failures",
}
# Tests that are not table rows: what a failed assertion in them means, by their name.
_KIND_BY_NAME: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("injection", re.compile(r"script|markup|formula|inject|escape|html|csv_cells|names_in_exports")),
    ("lost", re.compile(r"lost|keep|kept|restor|collision|dedup|duplicate|removed_and|one_after_another")),
    ("hang", re.compile(r"quadratic|not_quadratic|huge|long_line|long_word|fast|maximal")),
)
_APP_EXCEPTION = re.compile(r"\bat\.exception\b|ElementList\(.*Exception|UnicodeEncodeError|Traceback")


class CaseHang(BaseException):
    """Raised in the main thread when a case outlives the per-case limit (BaseException: a test's own
    ``except Exception`` must not swallow it)."""


def _on_hang(signum: int, frame: object) -> None:
    raise CaseHang("the case outlived the per-case time limit")


class BatteryPlugin:
    """Times each case out and classes each outcome."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.outcomes: dict[str, str] = {}  # nodeid -> "passed" | "skipped" | a category
        self.details: dict[str, str] = {}
        self.kinds: dict[str, str] = {}  # nodeid -> what a failed assertion of a table row means

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: object) -> Iterator[None]:
        # A timer thread signals the main thread: SIGALRM belongs to the tests' own guards, and a signal
        # (unlike an exception set from another thread) also ends a blocking system call.
        main = threading.main_thread().ident
        assert main is not None
        old = signal.signal(signal.SIGUSR1, _on_hang)
        timer = threading.Timer(self.limit_s, signal.pthread_kill, (main, signal.SIGUSR1))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            signal.signal(signal.SIGUSR1, old)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        node = report.nodeid
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.passed:
                self.outcomes.setdefault(node, "passed")
            elif report.skipped:
                self.outcomes[node] = "skipped"
            else:
                self.outcomes[node] = self._classify(report)
                self.details[node] = _first_line(report)

    def _classify(self, report: pytest.TestReport) -> str:
        text = str(report.longrepr)
        if report.when == "setup":
            return "hang" if "CaseHang" in text else "crash"
        if "CaseHang" in text or re.search(r"TimeoutError: .* took longer than", text):
            return "hang"
        crash = getattr(report.longrepr, "reprcrash", None)
        message = getattr(crash, "message", "") or ""
        if (
            not message.startswith(("AssertionError", "assert ", "Failed:"))
            and "AssertionError" not in message
        ):
            return "crash"  # an exception escaped from the code under test
        if _APP_EXCEPTION.search(message):
            return "crash"  # an app page raised; AppTest reports it through an assertion
        kind = self.kinds.get(report.nodeid)
        if kind in CATEGORIES:
            return kind
        name = report.nodeid.rsplit("::", 1)[-1]
        return next((k for k, pattern in _KIND_BY_NAME if pattern.search(name)), "other")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Table rows (a parameter with a ``kind``) say what their failure means."""
        for item in items:
            callspec = getattr(item, "callspec", None)
            for value in getattr(callspec, "params", {}).values():
                kind = getattr(value, "kind", None)
                if isinstance(kind, str):
                    self.kinds[item.nodeid] = kind


def _first_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or str(report.longrepr)
    return " ".join(message.split())[:200]


def run(paths: list[str], *, limit_s: float, fast: bool, extra: list[str] | None = None) -> BatteryPlugin:
    plugin = BatteryPlugin(limit_s)
    args = [*paths, "-q", "-p", "no:cacheprovider", "--no-header", "-rN", "--tb=line", *(extra or [])]
    if fast:
        args += ["-m", "not slow"]
    pytest.main(args, plugins=[plugin])
    return plugin


def summary(plugin: BatteryPlugin) -> dict[str, int]:
    counts = Counter(plugin.outcomes.values())
    tried = sum(n for k, n in counts.items() if k != "skipped")
    return {"tried": tried, "skipped": counts["skipped"], **{c: counts[c] for c in CATEGORIES}}


def report(plugin: BatteryPlugin, paths: list[str], limit_s: float, seconds: float) -> dict[str, int]:
    counts = summary(plugin)
    print()
    print(f"hostile battery: {', '.join(paths)} (per-case limit {limit_s:g} s, {seconds:.0f} s in all)")
    print(f"  cases tried     {counts['tried']}")
    for category in CATEGORIES:
        print(f"  {LABELS[category]:<15} {counts[category]}")
    if counts["skipped"]:
        print(f"  skipped         {counts['skipped']}")
    for node, outcome in plugin.outcomes.items():
        if outcome not in ("passed", "skipped"):
            print(f"  {LABELS[outcome]}: {node}\n      {plugin.details.get(node, '')}")
    return counts


_PLANTED = """
import time
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Case:
    id: str
    kind: str


ROWS = [Case("ok", "crash"), Case("escaped", "injection"), Case("dropped", "lost")]


@pytest.mark.parametrize("case", ROWS, ids=lambda c: c.id)
def test_row(case):
    assert case.id == "ok", "planted failure"


def test_crashes():
    {}["missing"]


def test_hangs():
    time.sleep(60)


def test_passes():
    assert True
"""


def self_test() -> int:
    """Plants one crash, one hang, one injection row and one lost row; checks they are counted."""
    with tempfile.TemporaryDirectory(prefix="battery-") as tmp:
        path = Path(tmp) / "test_hostile_planted.py"
        path.write_text(textwrap.dedent(_PLANTED), encoding="utf-8")
        plugin = run([str(path)], limit_s=1.0, fast=False, extra=["--rootdir", tmp])
    counts = summary(plugin)
    expected = {"tried": 6, "skipped": 0, "crash": 1, "hang": 1, "injection": 1, "lost": 1, "other": 0}
    print(f"self-test: counted {counts}, expected {expected}")
    return 0 if counts == expected else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="test files (default: tests/test_hostile*.py)")
    parser.add_argument("--limit", type=float, default=180.0, help="per-case time limit in seconds")
    parser.add_argument("--fast", action="store_true", help="leave out the cases marked slow")
    parser.add_argument("--self-test", action="store_true", help="check the counting on planted failures")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    os.chdir(ROOT)  # the project's pytest configuration and conftest apply
    paths = args.paths or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_hostile*.py"))
    started = time.monotonic()
    plugin = run(paths, limit_s=args.limit, fast=args.fast)
    counts = report(plugin, paths, args.limit, time.monotonic() - started)
    bad = sum(counts[c] for c in CATEGORIES)
    return 0 if counts["tried"] and not bad else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
