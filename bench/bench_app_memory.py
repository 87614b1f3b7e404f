"""Memory of a running ``streamlit run app.py`` serving the demo set, per embedding backend (target < 600 MB).

For each backend it starts the app on 127.0.0.1 with ``NEWSCOMPARE_BACKEND`` set, waits for the health
endpoint, then drives the page with Playwright and ``/usr/bin/chromium`` so the script really runs (a plain
HTTP GET only fetches the static page: Streamlit runs the script when a browser opens its websocket). It
waits until the app has stopped running, opens a second session, and reads the server's RSS from /proc
(sampled every 0.2 s for the peak, plus the kernel's VmHWM). Without Playwright it falls back to an HTTP GET
and says so. Run from the repo root; asserts nothing:

    python bench/bench_app_memory.py [--backend torch onnx] [--timeout 300]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from core.embed import BACKENDS, DEFAULT_BACKEND  # noqa: E402 - needs the path above
from tools.screenshot import free_port, stop_process, wait_healthy  # noqa: E402

APP = REPO_ROOT / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
TARGET_MB = 600


def _kib(pid: int, field_name: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    kids = [int(x) for x in text.split()]
    return kids + [g for k in kids for g in _children(k)]


def tree_rss_mb(pid: int) -> float:
    return sum(_kib(p, "VmRSS") for p in [pid, *_children(pid)]) / 1024


class Sampler:
    """Polls the RSS of a process tree in a thread and keeps the maximum."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def drive_page(page, url: str, timeout: float) -> tuple[float, str]:
    """Opens the app and waits until Streamlit has stopped running for 3 s in a row."""
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    idle_since = None
    while time.perf_counter() - started < timeout:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        spinner = page.locator('[data-testid="stSpinner"]').count() > 0
        if running or spinner:
            idle_since = None
        elif idle_since is None:
            idle_since = time.perf_counter()
        elif time.perf_counter() - idle_since >= 3.0:
            break
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    errors = page.locator('[data-testid="stException"]').count()
    body = page.inner_text("body")
    claims = "claim" in body.lower()
    state = f"{errors} exception(s) shown; page text {len(body)} chars; mentions claims: {claims}"
    return elapsed, state


def measure(backend: str, timeout: float) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NEWSCOMPARE_BACKEND": backend, "PYTHONPATH": str(REPO_ROOT)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true"]
    cmd += [
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    out: dict[str, object] = {"backend": backend}
    try:
        started = time.perf_counter()
        wait_healthy(url, proc, timeout)
        out["start_s"] = time.perf_counter() - started
        out["idle_mb"] = tree_rss_mb(proc.pid)
        sampler = Sampler(proc.pid)
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            sync_playwright = None
        if sync_playwright is None or not CHROMIUM.exists():
            with urllib.request.urlopen(url, timeout=30) as resp:
                resp.read()
            time.sleep(5)
            out["mode"] = "HTTP GET only (no Playwright/chromium): the script did not run"
        else:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
                try:
                    page = browser.new_page()
                    out["first_page_s"], out["first_state"] = drive_page(page, url, timeout)
                    out["after_first_mb"] = tree_rss_mb(proc.pid)
                    page2 = browser.new_page()
                    out["second_page_s"], out["second_state"] = drive_page(page2, url, timeout)
                    out["after_second_mb"] = tree_rss_mb(proc.pid)
                finally:
                    browser.close()
            out["mode"] = "playwright + chromium (two sessions)"
        time.sleep(1)
        out["final_mb"] = tree_rss_mb(proc.pid)
        out["peak_sampled_mb"] = sampler.stop()
        out["vmhwm_mb"] = _kib(proc.pid, "VmHWM") / 1024
    finally:
        stop_process(proc, 20.0)
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        out["stderr_tail"] = err.strip().splitlines()[-3:]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", nargs="+", default=[DEFAULT_BACKEND], choices=list(BACKENDS), help="default: the app's"
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for start and each page"
    )
    args = parser.parse_args()
    if not APP.is_file():
        print(f"{APP.name} not found in {REPO_ROOT}; nothing to measure")
        return 0
    results = []
    for backend in args.backend:
        print(f"[{backend}] starting streamlit ...", file=sys.stderr, flush=True)
        try:
            results.append(measure(backend, args.timeout))
        except Exception as exc:  # noqa: BLE001 - report and go on with the next backend
            results.append({"backend": backend, "mode": f"failed: {type(exc).__name__}: {exc}"})
    cols = ["idle_mb", "after_first_mb", "after_second_mb", "final_mb", "peak_sampled_mb", "vmhwm_mb"]
    header = ["backend", "start s", "page1 s", "page2 s", "idle MB", "1 session MB", "2 sessions MB"]
    header += ["final MB", "peak MB", "VmHWM MB", f"< {TARGET_MB} MB"]
    rows = []
    for r in results:
        vals = [r.get(c) for c in cols]
        peak = max((v for v in vals if isinstance(v, float)), default=None)
        rows.append(
            [
                r["backend"],
                *(_f(r.get(k)) for k in ("start_s", "first_page_s", "second_page_s")),
                *(_f(v) for v in vals),
                "-" if peak is None else ("yes" if peak < TARGET_MB else "NO"),
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
    for r in results:
        print(f"{r['backend']}: {r.get('mode')}; {r.get('first_state', '')}")
        for line in r.get("stderr_tail") or []:
            print(f"  stderr: {line}")
    print("RSS of the streamlit server process (and any children) from /proc; peak = sampled every 0.2 s.")
    return 0


def _f(v: object) -> str:
    return "-" if v is None else f"{v:.1f}" if isinstance(v, float) else str(v)


if __name__ == "__main__":
    raise SystemExit(main())
