"""Server memory of the Downloads page with many sources (target: under 650 MB with 50 sources).

    python bench/bench_downloads_memory.py [--sources 50] [--backend onnx] [--repo PATH] [--no-clicks]

Starts ``streamlit run app.py`` from ``--repo`` (default: this checkout; e.g. ``git archive main | tar -x
-C /tmp/before`` for the code before a change), drives it with Playwright and Debian's Chromium: removes
the demo set, uploads the synthetic story (``bench.bench.synthetic_story``) as .txt files, opens the
Overview (the comparison is computed), then the Downloads page, then clicks every download button in
turn. The server's RSS (process tree, sampled every 0.2 s) is printed after each step with the peak so
far. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, free_port, stop_process, wait_healthy  # noqa: E402


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` and all its descendants, in MB (this bench's own: it must not break when another
    bench changes)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo += _children(p)
    return total / 1024


class Sampler:
    """Polls the process tree's RSS every ``every`` seconds in a thread and keeps the maximum."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.every)


LABELS = ("claims.csv", "alignments.csv", "divergences.csv", "consensus.csv", "unique.csv", "comparison.json",
          "report.html", "news-comparison.zip")  # fmt: skip


def write_story(n: int, folder: Path) -> list[Path]:
    from bench.bench import synthetic_story

    paths = []
    for art in synthetic_story(n, []):
        path = folder / f"{art.source_id}.txt"
        path.write_text(art.text, encoding="utf-8")
        paths.append(path)
    return paths


def idle(page, timeout_s: float = 600) -> None:
    """Waits until Streamlit has stopped running for 2 s in a row."""
    started, quiet = time.monotonic(), None
    while time.monotonic() - started < timeout_s:
        busy = page.locator('[data-testid="stStatusWidget"], [data-testid="stSpinner"]').count() > 0
        if busy:
            quiet = None
        elif quiet is None:
            quiet = time.monotonic()
        elif time.monotonic() - quiet > 2:
            return
        time.sleep(0.25)


def nav(page, path: str) -> None:
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
    page.wait_for_timeout(500)
    idle(page)


def run(repo: Path, files: list[Path], backend: str, clicks: bool) -> list[tuple[str, float, float]]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NEWSCOMPARE_BACKEND": backend, "PYTHONPATH": str(repo)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(repo / "app.py"), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    steps: list[tuple[str, float, float]] = []
    try:
        wait_healthy(url, proc, 120)
        sampler = Sampler(proc.pid)

        def step(name: str) -> None:
            steps.append((name, tree_rss_mb(proc.pid), sampler.peak))
            print(f"{name:40s} rss {steps[-1][1]:7.0f} MB   peak so far {steps[-1][2]:7.0f} MB", flush=True)

        step("server started")
        with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
            browser = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, accept_downloads=True,
                viewport={"width": 1400, "height": 1000},
            )  # fmt: skip
            page = browser.new_page()
            page.set_default_timeout(600_000)
            page.goto(url + "/sources", timeout=120_000)
            idle(page)
            page.get_by_role("button", name="Remove all").click()
            page.get_by_role("button", name="Yes, remove all").click()
            idle(page)
            page.get_by_role("tab", name="Upload files").click()
            uploader = page.locator('[data-testid="stFileUploader"]', has_text="Article files")
            uploader.locator('input[type="file"]').first.set_input_files([str(f) for f in files])
            page.wait_for_timeout(3000)
            # Older Sources pages added uploads with a form's "Add files" button; now they are added at once.
            submit = page.locator('[data-testid="stFormSubmitButton"] button', has_text="Add files")
            if submit.count():
                submit.first.click()
            page.get_by_text(f"Loaded sources ({len(files)})").first.wait_for(timeout=300_000)
            idle(page)
            step(f"{len(files)} sources uploaded")
            nav(page, "")
            page.get_by_text("Claim coverage").first.wait_for(timeout=600_000)
            idle(page)
            step("overview (comparison computed)")
            nav(page, "downloads")
            page.get_by_text("comparison.json").first.wait_for(timeout=600_000)
            idle(page)
            time.sleep(2)
            step("downloads page shown")
            if clicks:
                for label in LABELS:
                    button = page.get_by_role("button", name=label)
                    if not button.count():
                        continue
                    with page.expect_download(timeout=600_000) as info:
                        button.first.click()
                    info.value.path()
                    time.sleep(1)
                    step(f"clicked {label}")
            browser.close()
        time.sleep(1)
        step("browser closed")
    finally:
        stop_process(proc, 20)
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--backend", default="onnx", choices=["onnx", "torch", "hashing"])
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--no-clicks", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nc-downloads-") as tmp:
        files = write_story(args.sources, Path(tmp))
        print(f"{args.sources} synthetic sources, backend {args.backend}, app from {args.repo}")
        steps = run(args.repo.resolve(), files, args.backend, not args.no_clicks)
    print(f"peak {max(p for _, _, p in steps):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
