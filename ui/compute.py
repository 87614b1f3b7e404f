"""Cached computation at the UI edge: one shared embedder per backend, comparisons per exact input.

* ``shared_embedder`` is a ``CachingEmbedder`` in ``st.cache_resource``: one per backend and process,
  shared by every session. It is never mutated here beyond its own thread-safe cache.
* ``cached_comparison`` is in ``st.cache_data``, keyed on the tuple of frozen ``Article``s, the frozen
  ``AlignConfig`` and the backend name. Changing a threshold re-aligns from cached vectors.
* Embedding runs once per new set of texts with a progress bar, before the cached call, so the cached
  function itself never touches a Streamlit element (elements created in a cached function are replayed).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import zipfile

import streamlit as st

from core.config import DEFAULT_LIMITS, AlignConfig
from core.embed import BACKENDS, DEFAULT_BACKEND, CachingEmbedder, HashingEmbedder, load_embedder
from core.export import alignments_frame, claims_frame, csv_bytes, divergences_frame, to_json, unique_frame
from core.model import Article, Comparison
from core.pipeline import CompareError, check_limits, compare, embed_all, segment_all

log = logging.getLogger(__name__)

BACKEND_ENV = "NEWSCOMPARE_BACKEND"
EMBEDDED_KEY = "_embedded_key"
# Nothing produces this warning any more (core.facts is part of the app); kept only while ui/page.py, which
# the UI work is changing, still imports it.
FACTS_MISSING = "Fact comparison (numbers, dates, names, quotes) is not available in this installation."


def default_backend() -> str:
    """The backend named by ``NEWSCOMPARE_BACKEND``, else ``core.embed.DEFAULT_BACKEND`` (the command
    line's too, so the downloads are the same files as the command line's)."""
    name = os.environ.get(BACKEND_ENV, DEFAULT_BACKEND).strip().lower()
    return name if name in BACKENDS else DEFAULT_BACKEND


@st.cache_resource(max_entries=len(BACKENDS), show_spinner=False)
def shared_embedder(backend: str) -> tuple[CachingEmbedder, str]:
    """The process-wide caching embedder of ``backend``, and a warning when it had to fall back."""
    try:
        return CachingEmbedder(load_embedder(backend)), ""
    except Exception as exc:
        log.exception("embedding backend %s failed to load", backend)
        message = (
            f"The {backend} embedding model could not be loaded ({type(exc).__name__}); "
            "using the simple word-hashing backend instead, which aligns less well."
        )
        return CachingEmbedder(HashingEmbedder()), message


@st.cache_data(max_entries=24, ttl=6 * 3600, show_spinner=False)
def cached_comparison(articles: tuple[Article, ...], config: AlignConfig, backend: str) -> Comparison:
    """The comparison of exactly these articles with these settings (raises ``CompareError``)."""
    embedder, _ = shared_embedder(backend)
    return compare(articles, embedder, config, limits=DEFAULT_LIMITS, with_facts=True)


def _texts_key(articles: tuple[Article, ...], backend: str) -> str:
    digest = hashlib.blake2b(backend.encode(), digest_size=16)
    for a in articles:
        digest.update(a.source_id.encode("utf-8", "replace") + b"\x00")
        digest.update(a.text.encode("utf-8", "replace") + b"\x01")
    return digest.hexdigest()


def _warm_embeddings(articles: tuple[Article, ...], embedder: CachingEmbedder, backend: str) -> None:
    """Embeds every sentence once with a progress bar, so the cached comparison finds all vectors."""
    key = _texts_key(articles, backend)
    if st.session_state.get(EMBEDDED_KEY) == key:
        return
    bar = st.progress(0.0, text="Reading the sources…")
    sentences = segment_all(articles, limits=DEFAULT_LIMITS)
    total = sum(len(s) for s in sentences.values())

    def report(done: int, todo: int) -> None:
        bar.progress(min(done / max(todo, 1), 1.0), text=f"Embedding {todo:,} new of {total:,} sentences…")

    embed_all(sentences, embedder, progress=report)
    bar.empty()
    st.session_state[EMBEDDED_KEY] = key


def current_comparison(articles: tuple[Article, ...], config: AlignConfig, backend: str) -> Comparison | None:
    """The comparison for the page, or None after telling the user why there is none."""
    problems = check_limits(articles, DEFAULT_LIMITS)
    if problems:
        st.error("Cannot compare: " + "; ".join(problems) + ".", icon=":material/block:")
        return None
    if len(articles) < 2:
        st.info(
            "Load at least two sources to compare them. The **Sources** page takes pasted text, "
            "files and links, and can reload the demo set.",
            icon=":material/info:",
        )
        st.page_link("views/sources.py", label="Go to Sources", icon=":material/library_books:")
        return None
    with st.spinner("Loading the embedding model…", show_time=True):
        embedder, fallback = shared_embedder(backend)
    if fallback:
        st.warning(fallback, icon=":material/warning:")
    try:
        _warm_embeddings(articles, embedder, backend)
        with st.spinner("Aligning passages and comparing facts…"):
            return cached_comparison(articles, config, backend)
    except CompareError as exc:
        st.warning(f"Cannot compare: {exc}.", icon=":material/warning:")
        return None


# --------------------------------------------------------------------------------------------------
# Downloads: the same export code as the CLI, bytes cached on the comparison's own key.


@st.cache_data(max_entries=24, ttl=6 * 3600, show_spinner=False)
def export_bytes(articles: tuple[Article, ...], config: AlignConfig, backend: str) -> dict[str, bytes]:
    """File name -> bytes of every export of the comparison of these inputs."""
    cmp = cached_comparison(articles, config, backend)
    files = {
        "alignments.csv": csv_bytes(alignments_frame(cmp)),
        "claims.csv": csv_bytes(claims_frame(cmp)),
        "unique.csv": csv_bytes(unique_frame(cmp)),
    }
    try:  # divergences need core.facts; without it the other files are still offered
        files["divergences.csv"] = csv_bytes(divergences_frame(cmp, include_same=False))
        files["comparison.json"] = to_json(cmp).encode("utf-8")
    except ImportError:
        log.exception("core.facts is not importable; no divergences export")
    files["news-comparison.zip"] = _zip(files)
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()
