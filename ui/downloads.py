"""Downloads of the comparison: each file is built only when its button is clicked.

Every button gets a callable (Streamlit's deferred download): nothing is built while the page renders,
and a click builds just that file, in a worker thread, from the cached comparison. Before, the page built
every file (and a ZIP of them all) on each visit and kept the bytes in two caches and the media store:
50 synthetic sources took the server to 860 MB. Now the page costs nothing, and each click holds only
its own file (``bench/bench_downloads_memory.py``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import io
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.config import AlignConfig
from core.export import FILES, JSON_FILE, Settings, Tables, file_bytes, write_zip
from core.model import Article, Comparison
from core.report import build_report
from ui.compute import cached_comparison

REPORT_FILE = "report.html"
ZIP_FILE = "news-comparison.zip"


@dataclass(frozen=True)
class Download:
    name: str
    mime: str
    description: str


DOWNLOADS = (
    Download(
        "claims.csv", "text/csv", "Claim groups: one row per claim, one column per source with its passage."
    ),
    Download(
        "alignments.csv", "text/csv", "Every aligned pair of passages with similarity, margin and offsets."
    ),
    Download(
        "divergences.csv", "text/csv", "Every compared fact that differs, with values and explanations."
    ),
    Download(
        "consensus.csv",
        "text/csv",
        "Consensus per claim: for each date or figure three or more sources state, the value most agree "
        "with and every source's role (agrees, more specific, outlier, ...).",
    ),
    Download("unique.csv", "text/csv", "Sentences only one source carries."),
    Download(
        JSON_FILE,
        "application/json",
        "Everything: cleaned sources, sentences, claims, alignments, facts, and the settings. Open it again "
        "on the Sources page to restore these sources and settings.",
    ),
    Download(
        REPORT_FILE,
        "text/html",
        "A report to send or print: one HTML file that opens offline, with the charts, the claims side by "
        "side and what differs.",
    ),
    Download(ZIP_FILE, "application/zip", "All of the above in one ZIP archive (it reopens too)."),
)


def build_file(articles: tuple[Article, ...], config: AlignConfig, backend: str, name: str) -> bytes:
    """The bytes of one download (any name in ``DOWNLOADS``), from the cached comparison.

    The tables are built for this file and dropped with it, not cached: keeping them (and the comparison
    copy they hold, ~30 MB at 50 sources) between clicks cost more memory than rebuilding costs time.
    """
    tables = Tables(cached_comparison(articles, config, backend), Settings(config, backend))
    if name == REPORT_FILE:
        return _report(tables)
    if name == ZIP_FILE:
        buf = io.BytesIO()
        write_zip(tables, buf, names=FILES, extra={REPORT_FILE: lambda: _report(tables)})
        return buf.getvalue()
    return file_bytes(tables, name)


def _report(tables: Tables) -> bytes:
    return build_report(tables.cmp, settings=tables.settings, consensus=tables.consensus_items).encode()


def maker(articles: tuple[Article, ...], config: AlignConfig, backend: str, name: str) -> Callable[[], bytes]:
    """A callable for ``st.download_button(data=...)`` that builds the file when clicked. It holds only
    the comparison's inputs (the sources are the session's own objects), not a copy of the comparison."""

    def make() -> bytes:
        data = build_file(articles, config, backend, name)
        release_memory()
        return data

    return make


def release_memory() -> None:
    """Hands the memory freed after building a file back to the operating system.

    glibc keeps freed heap pages of large allocations (the JSON's text, the report) in the process, so the
    server's RSS would keep the peak of every file ever built; ``malloc_trim`` returns them. Where there is
    no glibc this does nothing.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _rows(cmp: Comparison) -> dict[str, str]:
    """What each file holds, counted without building it."""
    differing = sum(1 for fp in cmp.facts if fp.relation != "same")
    return {
        "claims.csv": f"{len(cmp.claims):,} claim groups",
        "alignments.csv": f"{len(cmp.links):,} aligned pairs",
        "divergences.csv": f"{differing:,} differing facts",
        "unique.csv": f"{len(cmp.unique):,} sentences",
        JSON_FILE: f"{len(cmp.articles):,} sources, {len(cmp.facts):,} compared facts",
    }


def render(cmp: Comparison, articles: tuple[Article, ...], config: AlignConfig, backend: str) -> None:
    """One download button per file (built on click) with what it holds."""
    counts = _rows(cmp)
    for d in DOWNLOADS:
        c1, c2 = st.columns([1, 3], vertical_alignment="center")
        c1.download_button(
            d.name,
            data=maker(articles, config, backend, d.name),
            file_name=d.name,
            mime=d.mime,
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
            key=f"dl_{d.name}",
        )
        extra = f" · :gray[{counts[d.name]}]" if d.name in counts else ""
        c2.markdown(f"{d.description}{extra}")
    st.caption("Each file is made when you click its button; a large comparison takes a few seconds.")
