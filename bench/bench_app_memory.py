"""Server CPU and memory of a running ``streamlit run app.py`` on the demo set, driven by a real browser.

For each backend it starts the app on 127.0.0.1 (``NEWSCOMPARE_BACKEND`` set, a throwaway home folder),
waits for the health endpoint, then drives Debian's Chromium with Playwright (a plain HTTP GET would not
run the script: Streamlit runs it when a browser opens its websocket) and reads the server process's CPU
time (user + system, ``/proc/<pid>/stat``) and RSS:

* **cold Overview**: a fresh server, the first visitor opens the Overview; CPU-s from the first request
  until the page is drawn (and since the process started, which adds Python's and Streamlit's imports);
* **warm page changes**: the same session clicks through every page twice; the second round is warm
  (its comparison and page data are cached). Server CPU-s and wall seconds per page change, median;
* **a second session** opening the Overview (the comparison is cached for the whole process);
* RSS at each step, the sampled peak (every 0.2 s) and the kernel's VmHWM.

Targets (issue 11 item 8, issue 16 item 3): cold Overview <= 4 CPU-s of server time, a warm page change
< 1 s. Timings are CPU time because wall time on a shared machine measures the neighbours. Run from the
repo root; asserts nothing:

    python bench/bench_app_memory.py [--backend onnx torch] [--timeout 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from core.embed import BACKENDS, DEFAULT_BACKEND  # noqa: E402 - needs the path above
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, PAGES, free_port, stop_process, wait_healthy  # noqa: E402

APP = REPO_ROOT / "app.py"
TARGET_MB = 650
TARGET_COLD_CPU_S = 4.0
TARGET_WARM_S = 1.0
_TICK = os.sysconf("SC_CLK_TCK")


def _kib(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def rss_mb(pid: int) -> float:
    return _kib(pid, "VmRSS") / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (all its threads) so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14, 15 of stat)


class Sampler:
    """Polls the RSS of a process in a thread and keeps the maximum."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def wait_drawn(page: object, marker: str, timeout_ms: int) -> None:
    """Waits until ``marker`` shows and the script has stopped running (no status widget, no spinner)."""
    page.get_by_text(marker, exact=False).first.wait_for(timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        '() => !document.querySelector(\'[data-testid="stStatusWidget"], [data-testid="stSpinner"]\')',
        timeout=timeout_ms,
    )


def _exceptions(page: object) -> int:
    return int(page.locator('[data-testid="stException"]').count())  # type: ignore[attr-defined]


def _open_overview(page, url: str, pid: int, timeout_ms: int) -> tuple[float, float]:
    """Opens the Overview in ``page`` and waits until it is drawn: (server CPU-s, wall s) it took."""
    c0, t0 = cpu_s(pid), time.perf_counter()
    page.goto(url + "/", timeout=timeout_ms)
    wait_drawn(page, PAGES[0][2], timeout_ms)
    return cpu_s(pid) - c0, time.perf_counter() - t0


def _page_changes(page: object, pid: int, timeout_ms: int) -> list[tuple[str, float, float]]:
    """Clicks through every page twice; returns (page, server CPU-s, wall s) of the second round."""
    warm = []
    for round_ in range(2):
        for _name, path, marker in [*PAGES[1:], PAGES[0]]:
            link = path or "overview"
            c0, t0 = cpu_s(pid), time.perf_counter()
            page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()  # type: ignore[attr-defined]
            wait_drawn(page, marker, timeout_ms)
            if round_ == 1:
                warm.append((link, cpu_s(pid) - c0, time.perf_counter() - t0))
    return warm


# ``--without-torch``: the server runs with ``import torch`` failing, as the facts work makes spaCy load it
# (thinc imports torch whenever it is installed): shows what the app costs once that lands.
_NO_TORCH = "import sys; sys.modules['torch'] = None; from streamlit.web.cli import main; sys.exit(main())"


def measure(backend: str, timeout: float, *, without_torch: bool = False) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    timeout_ms = int(timeout * 1000)
    out: dict[str, object] = {"backend": backend + (" (no torch)" if without_torch else "")}
    with tempfile.TemporaryDirectory(prefix="newscompare-home-") as home:
        env = {**os.environ, "NEWSCOMPARE_BACKEND": backend, "HOME": home, "PYTHONPATH": str(REPO_ROOT)}
        launcher = ["-c", _NO_TORCH] if without_torch else ["-m", "streamlit"]
        cmd = [
            sys.executable, *launcher, "run", str(APP), "--server.headless", "true", "--server.address",
            "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_healthy(url, proc, timeout)
            time.sleep(1.0)  # let the server settle: its start-up CPU is reported apart
            out["start_cpu_s"] = cpu_s(proc.pid)
            out["idle_mb"] = rss_mb(proc.pid)
            sampler = Sampler(proc.pid)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    out["cold_cpu_s"], out["cold_wall_s"] = _open_overview(page, url, proc.pid, timeout_ms)
                    out["cold_cpu_since_start_s"] = cpu_s(proc.pid)
                    out["after_cold_mb"] = rss_mb(proc.pid)
                    warm = _page_changes(page, proc.pid, timeout_ms)
                    out["warm"] = warm
                    out["warm_cpu_s"] = statistics.median(c for _, c, _ in warm)
                    out["warm_wall_s"] = statistics.median(w for _, _, w in warm)
                    out["warm_max_cpu_s"] = max(c for _, c, _ in warm)
                    out["exceptions"] = _exceptions(page)
                    second = browser.new_page(viewport={"width": 1400, "height": 1000})
                    out["second_cpu_s"], out["second_wall_s"] = _open_overview(
                        second, url, proc.pid, timeout_ms
                    )
                    out["after_second_mb"] = rss_mb(proc.pid)
                finally:
                    browser.close()
            out["peak_sampled_mb"] = sampler.stop()
            out["vmhwm_mb"] = _kib(proc.pid, "VmHWM") / 1024
        finally:
            stop_process(proc, 20.0)
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            out["stderr_tail"] = [ln for ln in err.strip().splitlines() if "Warning" not in ln][-3:]
    return out


def _f(v: object) -> str:
    if v is None:
        return "-"
    return (
        f"{v:.2f}" if isinstance(v, float) and abs(v) < 10 else f"{v:.0f}" if isinstance(v, float) else str(v)
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def report(results: list[dict[str, object]]) -> str:
    header = ["backend", "start CPU s", "cold CPU s", "cold since start", "cold wall s", "warm CPU s"]
    header += ["warm wall s", "2nd session CPU s", "idle MB", "after cold MB", "2 sessions MB", "peak MB"]
    keys = ["start_cpu_s", "cold_cpu_s", "cold_cpu_since_start_s", "cold_wall_s", "warm_cpu_s", "warm_wall_s"]
    keys += ["second_cpu_s", "idle_mb", "after_cold_mb", "after_second_mb", "vmhwm_mb"]
    rows = [[str(r["backend"]), *(_f(r.get(k)) for k in keys)] for r in results]
    lines = [_table(header, rows), ""]
    for r in results:
        if "error" in r:
            lines.append(f"{r['backend']}: failed: {r['error']}")
            continue
        warm = r.get("warm") or []
        per_page = ", ".join(f"{name} {cpu:.2f}/{wall:.2f}" for name, cpu, wall in warm)  # type: ignore[union-attr]
        lines.append(f"{r['backend']}: warm page changes (server CPU s / wall s): {per_page}")
        lines.append(
            f"{r['backend']}: targets: cold Overview <= {TARGET_COLD_CPU_S} CPU-s: "
            f"{'met' if float(r['cold_cpu_s']) <= TARGET_COLD_CPU_S else 'NOT met'}; warm page change < "  # type: ignore[arg-type]
            f"{TARGET_WARM_S} s of server time: "
            f"{'met' if float(r['warm_max_cpu_s']) < TARGET_WARM_S else 'NOT met'}; peak < {TARGET_MB} MB: "  # type: ignore[arg-type]
            f"{'met' if float(r['vmhwm_mb']) < TARGET_MB else 'NOT met'}; exceptions shown: {r['exceptions']}"  # type: ignore[arg-type]
        )
        lines.extend(f"  stderr: {line}" for line in r.get("stderr_tail") or [])  # type: ignore[union-attr]
    lines.append(
        "CPU = user + system seconds of the streamlit server process (all threads); cold = from the first "
        "request until the Overview is drawn; since start = also Python's and Streamlit's start-up."
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", nargs="+", default=[DEFAULT_BACKEND], choices=list(BACKENDS), help="default: the app's"
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for start and each page"
    )
    parser.add_argument(
        "--without-torch", action="store_true", help="also run each backend with `import torch` failing"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing; nothing to measure")
        return 0
    results: list[dict[str, object]] = []
    for backend in args.backend:
        print(f"[{backend}] starting streamlit ...", file=sys.stderr, flush=True)
        for no_torch in (False, True) if args.without_torch and backend != "torch" else (False,):
            try:
                results.append(measure(backend, args.timeout, without_torch=no_torch))
            except Exception as exc:  # noqa: BLE001 - report and go on with the next backend
                results.append({"backend": backend, "error": f"{type(exc).__name__}: {exc}"})
    print(report([r for r in results if "error" not in r] or []))
    for r in results:
        if "error" in r:
            print(f"{r['backend']}: failed: {r['error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
