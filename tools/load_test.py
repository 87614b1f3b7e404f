"""Load test: N concurrent Chromium sessions on one ``streamlit run app.py``, each with its own articles.

Loopback only (127.0.0.1), stops by itself (every wait has a deadline). Every session opens the Sources
page, removes the demo set, uploads its own story (one ECB+ sub-topic per session, read from
``../shared/eval/ecbplus/docs.jsonl`` into a temporary folder, never into the repo; without it, generated
retellings of the demo story, different per session), opens the Overview and waits for the comparison, then
goes through every other page and downloads the ZIP (all tables, comparison.json and the report: the export
is what set the peak before). ``--demo`` makes every session compare the bundled demo set instead;
``--overview-only`` stops after the Overview.

It prints per-session times, errors, how many sessions completed, how often the embedding model was loaded
(from the server's log), how many sessions read "the server is busy", whether torch's libraries are mapped
into the server, and the server's RSS: idle, and the peak sampled every 0.1 s. Targets (issue 11 item 1,
issue 15): 8 sessions under 650 MB; 12 sessions all completing under 650 MB. ``tests/test_load.py`` runs
it with 8 sessions.

    python bench/load_test.py --sessions 8 12 [--backend onnx] [--demo] [--overview-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.embed import BACKENDS, DEFAULT_BACKEND  # noqa: E402 - needs the path above
from tools.screenshot import CHROMIUM, CHROMIUM_ARGS, free_port, stop_process, wait_healthy  # noqa: E402

ECB_DOCS = ROOT.parent / "shared" / "eval" / "ecbplus" / "docs.jsonl"
LOAD_LINE = re.compile(r"loaded embedding backend")
TARGET_MB = 650
BUSY_TEXT = "so yours could not start"  # ui.compute.BUSY_MESSAGE
# The pages every session goes through after the Overview, in the sidebar's order.
WALK = ("Sources", "Side by side", "Claims", "Divergences", "Dates and figures", "Downloads")
ZIP_NAME = "news-comparison.zip"


@dataclass
class LoadResult:
    sessions: int
    backend: str
    workload: str = ""
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    busy: int = 0
    lost_downloads: int = 0
    model_loads: int = 0
    peak_rss_mb: float = 0.0
    idle_rss_mb: float = 0.0
    final_rss_mb: float = 0.0
    heavy_libraries: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _heavy_libraries(pid: int) -> list[str]:
    """Native libraries of torch mapped into the server (none on the ONNX path; issue 16 item 3)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return []
    return sorted({Path(line.split()[-1]).name for line in maps.splitlines() if "libtorch" in line})


# --------------------------------------------------------------------------------------------- stories


def ecb_stories(count: int, per_story: int) -> list[list[tuple[str, str]]]:
    """``count`` ECB+ sub-topics with at least 3 documents, as (file name, text), up to ``per_story``."""
    by_sub: dict[str, list[tuple[str, str]]] = {}
    with ECB_DOCS.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            by_sub.setdefault(doc["subtopic"], []).append((f"{doc['doc_id']}.txt", doc["text"]))
    subs = [docs[:per_story] for _, docs in sorted(by_sub.items()) if len(docs) >= 3]
    return subs[:count]


def synthetic_stories(count: int, per_story: int) -> list[list[tuple[str, str]]]:
    """Retellings of the demo story, different for every session (sentences dropped, reworded, shuffled)."""
    from core.synthetic import synthetic_story  # noqa: PLC0415 - only without ECB+

    rng = random.Random(5)
    pool = [
        f"Officials said on day {i} that the inquiry would report within {i + 3} weeks." for i in range(80)
    ]
    out = []
    for n in range(count):
        arts = synthetic_story(per_story, rng.sample(pool, 20), seed=1000 + n)
        out.append([(f"s{n:02d}-{i}.txt", a.text) for i, a in enumerate(arts)])
    return out


def write_stories(stories: list[list[tuple[str, str]]], folder: Path) -> list[list[Path]]:
    paths = []
    for n, story in enumerate(stories):
        sub = folder / f"session{n:02d}"
        sub.mkdir()
        for name, text in story:
            (sub / name).write_text(text, encoding="utf-8")
        paths.append(sorted(sub.iterdir()))
    return paths


# --------------------------------------------------------------------------------------------- browser


async def _wait_overview(page, timeout_ms: int) -> bool:
    """Waits for the Overview's metrics or the final busy message; True when the comparison was drawn.

    The status shown while a comparison waits for a slot also starts "The server is busy"; only the
    message after the wait ran out (``ui.compute.BUSY_MESSAGE``) ends the session.
    """
    metric = page.locator("[data-testid='stMetricValue']").first
    busy = page.get_by_text(BUSY_TEXT, exact=False).first
    done = await asyncio.wait(
        [
            asyncio.ensure_future(metric.wait_for(timeout=timeout_ms)),
            asyncio.ensure_future(busy.wait_for(timeout=timeout_ms)),
        ],
        return_when=asyncio.FIRST_COMPLETED,
    )
    for task in done[1]:
        task.cancel()
    return await metric.count() > 0


async def _wait_script_done(page, timeout_ms: int) -> None:
    """Waits until the page's script run has finished (Streamlit marks it on the app's root element)."""
    await page.wait_for_timeout(300)  # the rerun a click asked for has started by then
    await page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout_ms,
        polling=250,
    )


async def _load_sources(page, files: list[Path], timeout_ms: int) -> None:
    """Sources page: remove the demo set, then upload ``files`` (added at once, one step)."""
    await page.get_by_text("Loaded sources", exact=False).first.wait_for(timeout=timeout_ms)
    # The heading arrives before the rest of the run: on a loaded server "Remove all" may not be drawn
    # yet, and a session that skipped it then waited for 5 sources with the demo's 4 still there.
    await _wait_script_done(page, timeout_ms)
    remove_all = page.get_by_role("button", name=re.compile("Remove all"))
    if await remove_all.count():
        await remove_all.first.click()
        await page.get_by_role("button", name=re.compile("Yes, remove all")).first.click(timeout=timeout_ms)
        await page.get_by_text("Loaded sources (0)", exact=False).first.wait_for(timeout=timeout_ms)
    await page.get_by_role("tab", name=re.compile("Upload")).first.click()
    # The article uploader takes several files; the saved-comparison one above it takes one.
    await page.locator("input[type='file'][multiple]").first.set_input_files([str(p) for p in files])
    await page.get_by_text(f"Loaded sources ({len(files)})", exact=False).first.wait_for(timeout=timeout_ms)
    await _wait_script_done(page, timeout_ms)


async def _open_page(page, title: str, timeout_ms: int) -> None:
    await page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click(timeout=timeout_ms)
    await _wait_script_done(page, timeout_ms)


async def _download_zip(page, timeout_ms: int, result: LoadResult) -> int:
    """Downloads page: builds the ZIP (every table, comparison.json and the report); returns its size.

    A download Chromium reports as canceled is clicked again (as a visitor would), at most twice, and
    counted in ``result.lost_downloads``: Streamlit 1.67 serves a deferred download from a file that no
    session references, and deletes such files at the second script run that ends anywhere on the server
    (``MediaFileManager.remove_orphaned_files``), so on a busy server the file can be gone before the
    browser fetches it.
    """
    button = page.get_by_role("button", name=re.compile(re.escape(ZIP_NAME)))
    for attempt in range(3):
        async with page.expect_download(timeout=timeout_ms) as info:
            await button.first.click(timeout=timeout_ms)
        download = await info.value
        if await download.failure() is None:
            path = await download.path()
            return path.stat().st_size if path else 0
        result.lost_downloads += 1
        if attempt == 2:
            raise RuntimeError(f"the ZIP download failed 3 times ({await download.failure()})")
        await page.wait_for_timeout(1000)
    return 0


async def _alerts(page) -> str:
    """The messages the page shows (errors, warnings, notes), to say why a session failed."""
    try:
        texts = await page.locator("[data-testid='stAlert']").all_inner_texts()
    except Exception:  # noqa: BLE001 - diagnosis only; the page may be gone
        return ""
    return "".join(f" | page says: {' '.join(t.split())[:160]}" for t in texts[:3])


async def _session(
    browser, url: str, files: list[Path] | None, timeout_ms: int, result: LoadResult, *, walk: bool
) -> float:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)  # a loaded machine takes longer than Playwright's 30 s for a click
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    t0 = time.perf_counter()
    step = "open the app"
    try:
        if files is None:
            await page.goto(url + "/", timeout=timeout_ms)
        else:
            await page.goto(url + "/sources", timeout=timeout_ms)
            step = "load the session's articles on the Sources page"
            await _load_sources(page, files, timeout_ms)
            step = "open the Overview"
            await _open_page(page, "Overview", timeout_ms)
        step = "wait for the comparison"
        if not await _wait_overview(page, timeout_ms):
            result.busy += 1
            raise RuntimeError("the server said it was busy")
        if files is not None:
            value = await page.locator("[data-testid='stMetricValue']").first.inner_text()
            if value.strip() != str(len(files)):
                raise RuntimeError(f"the Overview shows {value} sources, not {len(files)}")
        for title in WALK if walk else ():
            step = f"open {title}"
            await _open_page(page, title, timeout_ms)
            if await page.locator("[data-testid='stException']").count():
                raise RuntimeError(f"{title} shows an exception")
            if title == "Downloads":
                step = "download the ZIP"
                if await _download_zip(page, timeout_ms, result) < 1000:
                    raise RuntimeError("the ZIP download is empty")
        if await page.locator("[data-testid='stException']").count():
            raise RuntimeError("the page shows an exception")
        if errors:
            raise RuntimeError("; ".join(errors))
        return time.perf_counter() - t0
    except Exception as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        shown = await _alerts(page)
        raise RuntimeError(f"{step}: {type(exc).__name__}: {first_line}{shown}") from exc
    finally:
        await context.close()


async def _drive(
    url: str,
    stories: list[list[Path]] | None,
    sessions: int,
    timeout_ms: int,
    result: LoadResult,
    *,
    walk: bool,
) -> None:
    from playwright.async_api import async_playwright  # noqa: PLC0415 - heavy, only when run

    async with async_playwright() as pw:
        args = [*CHROMIUM_ARGS, "--disable-dev-shm-usage"]
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            jobs = [
                _session(browser, url, None if stories is None else stories[n], timeout_ms, result, walk=walk)
                for n in range(sessions)
            ]
            outcomes = await asyncio.gather(*jobs, return_exceptions=True)
        finally:
            await browser.close()
    for o in outcomes:
        if isinstance(o, BaseException):
            result.errors.append(f"{type(o).__name__}: {str(o).splitlines()[0] if str(o) else ''}")
        else:
            result.times.append(o)


def run(
    sessions: int = 8,
    backend: str = DEFAULT_BACKEND,
    timeout_s: float = 300.0,
    *,
    demo: bool = False,
    articles: int = 5,
    walk: bool = True,
) -> LoadResult:
    """Starts the app, drives ``sessions`` concurrent browsers against it, stops everything."""
    result = LoadResult(sessions, backend)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="newscompare-load-") as tmp:
        stories = None
        if demo:
            result.workload = "the demo set in every session"
        elif ECB_DOCS.is_file():
            stories = write_stories(ecb_stories(sessions, articles), Path(tmp))
            result.workload = "one ECB+ sub-topic per session"
        else:
            stories = write_stories(synthetic_stories(sessions, articles), Path(tmp))
            result.workload = "generated retellings, different per session"
        if stories is not None:
            chars = [sum(len(p.read_text(encoding="utf-8")) for p in s) for s in stories]
            result.workload += f" ({min(chars):,}-{max(chars):,} characters each)"
        log_path = Path(tmp) / "server.log"
        home = Path(tmp) / "home"
        home.mkdir()
        env = {**os.environ, "NEWSCOMPARE_BACKEND": backend, "HOME": str(home)}
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
                wait_healthy(url, proc, timeout=120)
                result.idle_rss_mb = _rss_mb(proc.pid)
                sampler.start()
                t0 = time.perf_counter()
                coro = _drive(url, stories, sessions, int(timeout_s * 1000), result, walk=walk)
                # Every wait has its own deadline; this one bounds the whole run (a session walks 7 pages).
                asyncio.run(asyncio.wait_for(coro, 3 * timeout_s + 60))
                result.wall_s = time.perf_counter() - t0
                result.final_rss_mb = _rss_mb(proc.pid)
                result.heavy_libraries = _heavy_libraries(proc.pid)
            finally:
                stop.set()
                stop_process(proc, 15.0)
        result.peak_rss_mb = peak[0]
        result.model_loads = len(LOAD_LINE.findall(log_path.read_text(errors="replace")))
    return result


def summary(r: LoadResult) -> str:
    lines = [f"backend {r.backend}, {r.sessions} concurrent sessions, {r.workload}; wall {r.wall_s:.1f} s"]
    if r.times:
        ts = sorted(r.times)
        lines.append(
            f"completed {len(ts)}/{r.sessions}: first {ts[0]:.1f} s, median {ts[len(ts) // 2]:.1f} s, "
            f"last {ts[-1]:.1f} s"
        )
    else:
        lines.append(f"completed 0/{r.sessions}")
    lines.append(
        f"errors {len(r.errors)} (busy {r.busy}); downloads lost and clicked again: {r.lost_downloads}"
        + "".join(f"\n  {e}" for e in r.errors)
    )
    lines.append(f"embedding model loaded {r.model_loads} time(s)")
    lines.append("torch in the server: " + (", ".join(r.heavy_libraries) or "no"))
    verdict = "under" if r.peak_rss_mb < TARGET_MB else "OVER"
    lines.append(
        f"server RSS: idle {r.idle_rss_mb:.0f} MB, peak {r.peak_rss_mb:.0f} MB ({verdict} {TARGET_MB} MB), "
        f"after {r.final_rss_mb:.0f} MB"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[8])
    parser.add_argument("--backend", default=DEFAULT_BACKEND, choices=BACKENDS)
    parser.add_argument("--demo", action="store_true", help="every session compares the demo set")
    parser.add_argument("--articles", type=int, default=5, help="articles per session (default 5)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per wait (default 300)")
    parser.add_argument("--overview-only", action="store_true", help="stop after the Overview (no page walk)")
    args = parser.parse_args()
    for n in args.sessions:
        r = run(
            n, args.backend, args.timeout, demo=args.demo, articles=args.articles, walk=not args.overview_only
        )
        print(summary(r), flush=True)


if __name__ == "__main__":
    main()
