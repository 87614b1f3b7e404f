"""Sidebar controls: alignment thresholds and (in local mode) the embedding backend, kept in widget state."""

from __future__ import annotations

from dataclasses import dataclass, fields

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.config import DEFAULT_ALIGN, AlignConfig
from ui.compute import SHARED, deployment, model_ready, shared_embedder

BACKEND_KEY = "backend"
_PREFIX = "cfg_"
BACKEND_LABELS = {
    "torch": "MiniLM (torch)",
    "onnx": "MiniLM int8 (ONNX runtime)",
    "hashing": "Word hashing (test backend)",
}


@dataclass(frozen=True, slots=True)
class SliderSpec:
    """One ``AlignConfig`` field as a slider: its label, range, step and help text."""

    field: str
    label: str
    low: float
    high: float
    step: float
    help: str


# In the order shown. Ranges keep every value the aligner accepts; the defaults are AlignConfig's.
SLIDERS = (
    SliderSpec("min_similarity", "Minimum similarity", 0.0, 1.0, 0.01,
               "Cosine floor for any link between two passages."),
    SliderSpec("min_margin", "Minimum margin", 0.8, 2.0, 0.01,
               "How much a pair must stand out from each passage's nearest neighbours (> 1 stands out)."),
    SliderSpec("min_score", "Minimum score", 0.0, 1.5, 0.01,
               "Floor of similarity + lexical weight × shared names and numbers."),
    SliderSpec("strong_similarity", "Strong similarity", 0.5, 1.0, 0.01,
               "A pair at least this similar is linked even with a small margin."),
    SliderSpec("lexical_weight", "Lexical weight", 0.0, 1.5, 0.05,
               "Weight of shared names, numbers and rare words in the score."),
    SliderSpec("neighbours", "Neighbours for the margin", 1, 10, 1,
               "k of the k-nearest-neighbour mean in the margin."),
    SliderSpec("max_group_sentences", "Longest passage (sentences)", 1, 6, 1,
               "Most adjacent sentences of one source in one claim group."),
)  # fmt: skip
# Shown under the "Merge adjacent sentences" toggle, and disabled while it is off.
MERGE_GAIN = SliderSpec(
    "merge_gain", "Merge gain", 0.0, 0.2, 0.01,
    "How much a merged link must beat the best one-to-one link of its parts.",
)  # fmt: skip


def _key(name: str) -> str:
    return _PREFIX + name


def _reset() -> None:
    for f in fields(AlignConfig):
        st.session_state[_key(f.name)] = getattr(DEFAULT_ALIGN, f.name)


def _init() -> None:
    for f in fields(AlignConfig):
        st.session_state.setdefault(_key(f.name), getattr(DEFAULT_ALIGN, f.name))
    offered = deployment().offered
    # A backend this server does not offer (the mode changed at a restart) falls back to the operator's.
    if st.session_state.get(BACKEND_KEY) not in offered:
        st.session_state[BACKEND_KEY] = offered[0]


def current_config() -> AlignConfig:
    """The AlignConfig of the sidebar widgets (defaults before the sidebar was drawn)."""
    _init()
    return AlignConfig(**{f.name: st.session_state[_key(f.name)] for f in fields(AlignConfig)})


def current_backend() -> str:
    """The session's embedding backend: always one this deployment offers."""
    _init()
    return str(st.session_state[BACKEND_KEY])


def _slider(spec: SliderSpec, *, disabled: bool = False) -> None:
    st.slider(
        spec.label,
        spec.low,
        spec.high,
        step=spec.step,
        key=_key(spec.field),
        help=spec.help,
        disabled=disabled,
    )


def _model_settings() -> None:
    dep = deployment()
    if dep.mode == SHARED:
        label = BACKEND_LABELS.get(dep.backend, dep.backend)
        st.markdown(f"**{label}**")
        st.caption(
            "Chosen by the server's operator; vectors are cached and shared by all users. This shared "
            f"server compares at most {dep.limits.max_sources} sources and "
            f"{dep.limits.max_total_chars:,} characters at once, "
            f"{dep.max_comparisons} comparison(s) at a time."
        )
        return
    st.selectbox(
        "Backend",
        dep.offered,
        key=BACKEND_KEY,
        format_func=lambda b: BACKEND_LABELS.get(b, b),
        help="The sentence-embedding model. Vectors are cached per backend and shared by all users.",
    )


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
        for spec in SLIDERS:
            _slider(spec)
        st.toggle(
            "Merge adjacent sentences",
            key=_key("allow_merges"),
            help="Allow one sentence to align with two adjacent sentences of another source.",
        )
        _slider(MERGE_GAIN, disabled=not st.session_state[_key("allow_merges")])
        st.button("Reset to defaults", on_click=_reset, icon=":material/restart_alt:", width="stretch")
    with sb.expander("Embedding model", icon=":material/memory:", expanded=False):
        _model_settings()
    placeholder = sb.empty()  # outside the expander, so "loading" is seen without opening it
    render_model_stats(placeholder)  # "loading" at once; filled again after the page ran
    return placeholder


def render_model_stats(placeholder: DeltaGenerator) -> None:
    """Fills the sidebar placeholder with the model's status: loading, or its cache statistics."""
    backend = current_backend()
    if not model_ready(backend):
        placeholder.caption(":material/hourglass_top: The language model is loading in the background…")
        return
    embedder, _ = shared_embedder(backend)
    placeholder.caption(
        f"Model `{embedder.name}` · {embedder.misses:,} sentences embedded and "
        f"{embedder.hits:,} served from cache by this server."
    )
