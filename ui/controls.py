"""Sidebar controls: alignment thresholds and the embedding backend, kept in widget state."""

from __future__ import annotations

from dataclasses import fields

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.config import DEFAULT_ALIGN, AlignConfig
from core.embed import BACKENDS
from ui.compute import default_backend, shared_embedder

BACKEND_KEY = "backend"
_PREFIX = "cfg_"
_BACKEND_LABELS = {
    "torch": "MiniLM (torch)",
    "onnx": "MiniLM (ONNX runtime)",
    "hashing": "Word hashing (fast, rough)",
}


def _key(name: str) -> str:
    return _PREFIX + name


def _reset() -> None:
    for f in fields(AlignConfig):
        st.session_state[_key(f.name)] = getattr(DEFAULT_ALIGN, f.name)


def _init() -> None:
    for f in fields(AlignConfig):
        st.session_state.setdefault(_key(f.name), getattr(DEFAULT_ALIGN, f.name))
    st.session_state.setdefault(BACKEND_KEY, default_backend())


def current_config() -> AlignConfig:
    """The AlignConfig of the sidebar widgets (defaults before the sidebar was drawn)."""
    _init()
    return AlignConfig(**{f.name: st.session_state[_key(f.name)] for f in fields(AlignConfig)})


def current_backend() -> str:
    _init()
    return str(st.session_state[BACKEND_KEY])


def render_sidebar() -> DeltaGenerator:
    """Draws the settings in the sidebar; values are read back with ``current_config``.

    Returns:
        A placeholder for ``render_model_stats``, filled after the page ran (and loaded the model).
    """
    _init()
    sb = st.sidebar
    with sb.expander("Alignment settings", icon=":material/tune:", expanded=False):
        st.caption(
            "Changing these re-aligns the sources from cached sentence vectors; nothing is re-embedded."
        )
        st.slider(
            "Minimum similarity",
            0.0,
            1.0,
            step=0.01,
            key=_key("min_similarity"),
            help="Cosine floor for any link between two passages.",
        )
        st.slider(
            "Minimum margin",
            0.8,
            2.0,
            step=0.01,
            key=_key("min_margin"),
            help="How much a pair must stand out from each passage's nearest neighbours (> 1 stands out).",
        )
        st.slider(
            "Minimum score",
            0.0,
            1.5,
            step=0.01,
            key=_key("min_score"),
            help="Floor of similarity + lexical weight × shared names and numbers.",
        )
        st.slider(
            "Strong similarity",
            0.5,
            1.0,
            step=0.01,
            key=_key("strong_similarity"),
            help="A pair at least this similar is linked even with a small margin.",
        )
        st.slider(
            "Lexical weight",
            0.0,
            1.5,
            step=0.05,
            key=_key("lexical_weight"),
            help="Weight of shared names, numbers and rare words in the score.",
        )
        st.slider(
            "Neighbours for the margin",
            1,
            10,
            step=1,
            key=_key("neighbours"),
            help="k of the k-nearest-neighbour mean in the margin.",
        )
        st.toggle(
            "Merge adjacent sentences",
            key=_key("allow_merges"),
            help="Allow one sentence to align with two adjacent sentences of another source.",
        )
        st.slider(
            "Merge gain",
            0.0,
            0.2,
            step=0.01,
            key=_key("merge_gain"),
            disabled=not st.session_state[_key("allow_merges")],
            help="How much a merged link must beat the best one-to-one link of its parts.",
        )
        st.slider(
            "Longest passage (sentences)",
            1,
            6,
            step=1,
            key=_key("max_group_sentences"),
            help="Most adjacent sentences of one source in one claim group.",
        )
        st.button("Reset to defaults", on_click=_reset, icon=":material/restart_alt:", width="stretch")
    with sb.expander("Embedding model", icon=":material/memory:", expanded=False):
        st.selectbox(
            "Backend",
            BACKENDS,
            key=BACKEND_KEY,
            format_func=lambda b: _BACKEND_LABELS.get(b, b),
            help="The sentence-embedding model. Vectors are cached per backend and shared by all users.",
        )
        return st.empty()


def render_model_stats(placeholder: DeltaGenerator) -> None:
    """Fills the sidebar placeholder with the shared embedder's cache statistics."""
    embedder, _ = shared_embedder(current_backend())
    placeholder.caption(
        f"Model `{embedder.name}` · {embedder.misses:,} sentences embedded and "
        f"{embedder.hits:,} served from cache by this server."
    )
