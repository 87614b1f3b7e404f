"""Bounded load test: N concurrent Chromium sessions compare the demo set on one ``streamlit run``.

Loopback only (127.0.0.1), stops by itself (every wait has a deadline). Prints per-session times,
errors, how many times the embedding model was loaded (from the server's log), and the server's peak
RSS sampled every 0.1 s. ``tests/test_load.py`` runs it with 8 sessions.

    python bench/load_test.py --sessions 8 --backend onnx
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.embed import BACKENDS, DEFAULT_BACKEND  # noqa: E402 - needs the path above

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
LOAD_LINE = re.compile(r"loaded embedding backend")


@dataclass
class LoadResult:
    sessions: int
    backend: str
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    model_loads: int = 0
    peak_rss_mb: float = 0.0
    idle_rss_mb: float = 0.0
    wall_s: float = 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not start")


async def _session(browser, url: str, timeout_ms: int) -> float:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout_ms)
        # The overview shows its metrics only after the comparison has run.
        await page.get_by_text("Claim groups", exact=False).first.wait_for(timeout=timeout_ms)
        await page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=timeout_ms)
        exc = page.locator("[data-testid='stException']")
        if await exc.count():
            raise RuntimeError("the page shows an exception")
        if errors:
            raise RuntimeError("; ".join(errors))
        return time.perf_counter() - t0
    finally:
        await context.close()


async def _drive(url: str, sessions: int, timeout_ms: int, result: LoadResult) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            outcomes = await asyncio.gather(
                *(_session(browser, url, timeout_ms) for _ in range(sessions)), return_exceptions=True
            )
        finally:
            await browser.close()
    for o in outcomes:
        if isinstance(o, BaseException):
            result.errors.append(f"{type(o).__name__}: {str(o).splitlines()[0] if str(o) else ''}")
        else:
            result.times.append(o)


def run(sessions: int = 8, backend: str = DEFAULT_BACKEND, timeout_s: float = 180.0) -> LoadResult:
    """Starts the app, drives ``sessions`` concurrent browsers against it, stops everything."""
    result = LoadResult(sessions, backend)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="newscompare-load-") as tmp:
        log_path = Path(tmp) / "server.log"
        env = {**os.environ, "NEWSCOMPARE_BACKEND": backend, "NEWSCOMPARE_LOG": "info"}
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        with log_path.open("wb") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            stop = threading.Event()
            peak = [0.0]

            def sample() -> None:
                while not stop.is_set():
                    peak[0] = max(peak[0], _rss_mb(proc.pid))
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            try:
                _wait_healthy(url, proc, timeout=90)
                result.idle_rss_mb = _rss_mb(proc.pid)
                sampler.start()
                t0 = time.perf_counter()
                asyncio.run(
                    asyncio.wait_for(_drive(url, sessions, int(timeout_s * 1000), result), timeout_s + 30)
                )
                result.wall_s = time.perf_counter() - t0
            finally:
                stop.set()
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        result.peak_rss_mb = peak[0]
        result.model_loads = len(LOAD_LINE.findall(log_path.read_text(errors="replace")))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--backend", default=DEFAULT_BACKEND, choices=BACKENDS)
    args = parser.parse_args()
    r = run(args.sessions, args.backend)
    print(f"backend {r.backend}, {r.sessions} concurrent sessions, wall {r.wall_s:.1f} s")
    if r.times:
        ts = sorted(r.times)
        print(
            f"completed {len(ts)}/{r.sessions}: first {ts[0]:.1f} s, median {ts[len(ts) // 2]:.1f} s, "
            f"last {ts[-1]:.1f} s"
        )
    print(f"errors {len(r.errors)}" + "".join(f"\n  {e}" for e in r.errors))
    print(f"embedding model loaded {r.model_loads} time(s)")
    print(f"server RSS: idle {r.idle_rss_mb:.0f} MB, peak {r.peak_rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
