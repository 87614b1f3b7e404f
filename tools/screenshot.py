"""Full-page screenshots of every page of the app, for the README: ``python tools/screenshot.py``.

Starts ``streamlit run app.py`` on 127.0.0.1 with the app's default ``onnx`` backend (``--backend``; the
model is packaged, nothing downloads), drives Debian's Chromium with Playwright (never a downloaded browser)
and writes ``docs/screenshots/<page>.png`` (palette-quantised to stay small).
``--url`` uses an app that is already running instead.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (file name, URL path, text that shows the page has rendered)
PAGES = [
    ("overview", "", "Claim coverage"),
    ("sources", "sources", "Edit a source"),
    ("side_by_side", "side_by_side", "aligned claim rows"),
    ("claims", "claims", "Open a claim side by side"),
    ("divergences", "divergences", "compared facts"),
    ("downloads", "downloads", "comparison.json"),
]
MAX_BYTES = 400 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes] | None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the app at {url} did not become healthy within {timeout:.0f} s")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Terminates ``proc``, killing it when it does not exit within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextlib.contextmanager
def serve_app(backend: str = "hashing", timeout: float = 90.0) -> Iterator[str]:
    """Runs ``streamlit run app.py`` on a free local port with a throwaway home folder; yields its base
    URL; stops it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="newscompare-home-") as home:
        env = {
            **os.environ,
            "NEWSCOMPARE_BACKEND": backend,
            "HOME": home,
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        }
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, timeout)
            yield url
        finally:
            stop_process(proc)


def wait_rendered(page: object, marker: str, timeout_ms: int = 60_000) -> None:
    """Waits until ``marker`` is visible and the script is no longer running."""
    page.get_by_text(marker, exact=False).first.wait_for(timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        '() => !document.querySelector(\'[data-testid="stStatusWidget"] [data-testid="stSpinner"],'
        ' [data-testid="stStatusWidgetRunningIcon"]\')',
        timeout=timeout_ms,
    )
    page.wait_for_timeout(1200)  # type: ignore[attr-defined] - plotly and fonts settle


def full_page_png(page: object, width: int) -> bytes:
    """A screenshot of the whole scrollable main area (Streamlit scrolls inside a container)."""
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]')"
        " || document.scrollingElement; return Math.ceil(m.scrollHeight) + 40; }"
    )
    page.set_viewport_size({"width": width, "height": max(800, min(int(height), 7000))})  # type: ignore[attr-defined]
    page.wait_for_timeout(800)  # type: ignore[attr-defined]
    return page.screenshot(full_page=True)  # type: ignore[attr-defined, no-any-return]


def shrink(png: bytes) -> bytes:
    """Palette-quantises a PNG (screens have few colours) so it stays well under 400 KB."""
    from PIL import Image  # noqa: PLC0415

    img = Image.open(io.BytesIO(png)).convert("RGB")
    for colours in (256, 128, 64):
        out = io.BytesIO()
        img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, format="PNG", optimize=True
        )
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def clip_png(
    page: object, locator: object, *, above: int = 40, height: int = 620, width: int = 1440
) -> bytes:
    """A screenshot of the viewport around ``locator`` (scrolled into view), ``height`` pixels tall."""
    locator.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    page.wait_for_timeout(400)  # type: ignore[attr-defined]
    box = locator.bounding_box()  # type: ignore[attr-defined]
    top = max(0, int(box["y"]) - above)
    return page.screenshot(clip={"x": 0, "y": top, "width": width, "height": height})  # type: ignore[attr-defined, no-any-return]


def take_details(page: object, out_dir: Path, width: int) -> list[Path]:
    """Close-ups: the explanation panel a selected fact opens, and the Overview's differences/omissions."""
    written = []
    page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    page.locator('[data-testid="stSidebarNav"] a[href$="/side_by_side"]').first.click()  # type: ignore[attr-defined]
    wait_rendered(page, "aligned claim rows")
    summary = page.locator(".nc details.nc-f > summary:has(> mark.rel-conflict)").first  # type: ignore[attr-defined]
    summary.scroll_into_view_if_needed()
    summary.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    target = out_dir / "explanation_panel.png"
    target.write_bytes(shrink(clip_png(page, summary, above=260, height=560, width=width)))
    written.append(target)
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    target = out_dir / "explanation_print.png"
    target.write_bytes(
        shrink(clip_png(page, page.locator(".nc-notes").first, above=330, height=600, width=width))
    )  # type: ignore[attr-defined]
    written.append(target)
    page.emulate_media(media="screen")  # type: ignore[attr-defined]
    page.locator('[data-testid="stSidebarNav"] a').first.click()  # type: ignore[attr-defined]
    wait_rendered(page, "Claim coverage")
    metrics = page.locator('[data-testid="stMetric"]').first  # type: ignore[attr-defined]
    target = out_dir / "differences_omissions.png"
    target.write_bytes(shrink(clip_png(page, metrics, above=20, height=300, width=width)))
    written.append(target)
    heading = page.get_by_text("Most important differences").first  # type: ignore[attr-defined]
    target = out_dir / "most_important.png"
    target.write_bytes(shrink(clip_png(page, heading, above=20, height=820, width=width)))
    written.append(target)
    for t in written:
        print(f"{t}: {t.stat().st_size / 1024:.0f} KB")
    return written


@contextlib.contextmanager
def _browser(width: int) -> Iterator[tuple[Any, str]]:
    """Headless Chromium with a throwaway profile (removed afterwards), ``width`` px wide; yields the
    browser context and the profile folder (a place for files the browser opens)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": width, "height": 900},
        )  # fmt: skip
        try:
            yield browser, profile
        finally:
            browser.close()


def take(url: str, out_dir: Path, width: int) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with _browser(width) as (browser, _profile):
        page = browser.new_page()
        page.goto(url + "/", timeout=60_000)
        wait_rendered(page, PAGES[0][2])
        for name, path, marker in PAGES:
            page.set_viewport_size({"width": width, "height": 900})
            if path:
                page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
            wait_rendered(page, marker)
            target = out_dir / f"{name}.png"
            target.write_bytes(shrink(full_page_png(page, width)))
            written.append(target)
            print(f"{target}: {target.stat().st_size / 1024:.0f} KB")
        written += take_details(page, out_dir, width)
    return written


def take_viz(url: str, out_dir: Path, width: int, backend: str = "onnx") -> list[Path]:
    """Screenshots of the dates-and-figures page (timeline tab, figures tab) and of the HTML report of the
    demo set opened from a file, as a reader sees it: ``timeline.png``, ``figures.png``, ``report.png``."""
    sys.path.insert(0, str(ROOT))
    from core.demo import demo_articles  # noqa: PLC0415
    from core.embed import CachingEmbedder, load_embedder  # noqa: PLC0415
    from core.export import Settings  # noqa: PLC0415
    from core.pipeline import compare  # noqa: PLC0415
    from core.report import write_report  # noqa: PLC0415

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with _browser(width) as (browser, profile):
        page = browser.new_page()
        page.goto(url + "/timeline", timeout=60_000)
        wait_rendered(page, "Timeline of dates")
        for name, tab in (("timeline", None), ("figures", "Figures")):
            if tab:
                page.set_viewport_size({"width": width, "height": 900})
                page.get_by_role("tab", name=tab).click()
                wait_rendered(page, "exact figure")
            target = out_dir / f"{name}.png"
            target.write_bytes(shrink(full_page_png(page, width)))
            written.append(target)
        report = Path(profile) / "report.html"
        cmp = compare(demo_articles(), CachingEmbedder(load_embedder(backend)))
        write_report(cmp, report, settings=Settings(backend=backend))
        page.set_viewport_size({"width": min(width, 1280), "height": 900})
        page.goto(report.as_uri())
        page.wait_for_timeout(500)
        height = min(int(page.evaluate("() => document.documentElement.scrollHeight")), 4200)
        page.set_viewport_size({"width": min(width, 1280), "height": height})
        target = out_dir / "report.png"
        target.write_bytes(shrink(page.screenshot()))
        written.append(target)
    for target in written:
        print(f"{target}: {target.stat().st_size / 1024:.0f} KB")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="use an app already running at this URL instead of starting one")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--backend", default="onnx", choices=["onnx", "torch", "hashing"])
    parser.add_argument("--viz", action="store_true", help="only the dates-and-figures page and the report")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    shoot = (
        (lambda u: take_viz(u, args.out, args.width, args.backend))
        if args.viz
        else (lambda u: take(u, args.out, args.width))
    )
    if args.url:
        wait_healthy(args.url.rstrip("/"), None)
        shoot(args.url.rstrip("/"))
    else:
        with serve_app(args.backend) as url:
            shoot(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
