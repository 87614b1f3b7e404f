"""Opening a saved comparison on the Sources page: one uploader; choosing the file opens it.

``core.saved.read_saved`` reads and checks the file; only when it succeeded are the loaded sources
replaced (as an undoable step, like "Reload the demo set") and the sidebar settings set. A refused file
gets a message and changes nothing. The uploader's callback runs before the page script, which is the
only time Streamlit lets the sidebar's widget values be set.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

from core.config import DEFAULT_LIMITS, AlignConfig
from core.saved import Saved, SavedError, read_saved
from ui import controls, state
from ui.text import md_escape

ROUND_KEY = "saved_round"
UPLOAD_TYPES = ["json", "zip", "gz"]
# The sidebar's sliders refuse a value outside their range (StreamlitValueAboveMaxError), so a saved
# value beyond one is brought inside it, with a note. Mirrors ``ui/controls.py``; a test compares them.
SLIDER_RANGES: dict[str, tuple[float, float]] = {
    "min_similarity": (0.0, 1.0),
    "min_margin": (0.8, 2.0),
    "min_score": (0.0, 1.5),
    "strong_similarity": (0.5, 1.0),
    "lexical_weight": (0.0, 1.5),
    "neighbours": (1, 10),
    "merge_gain": (0.0, 0.2),
    "max_group_sentences": (1, 6),
}


def setting_key(name: str) -> str:
    """Session-state key of a sidebar setting (``ui.controls`` keeps the AlignConfig there)."""
    return f"cfg_{name}"


def fit_settings(config: AlignConfig) -> tuple[dict[str, Any], list[str]]:
    """Session values for ``config``, each inside its slider's range, and a note per value moved."""
    values: dict[str, Any] = {}
    notes: list[str] = []
    for f in dataclasses.fields(AlignConfig):
        value = getattr(config, f.name)
        if f.name in SLIDER_RANGES and not isinstance(value, bool):
            low, high = SLIDER_RANGES[f.name]
            fitted = min(max(value, low), high)
            if fitted != value:
                label = f.name.replace("_", " ")
                notes.append(
                    f"{label} {value:g} is outside the sidebar's {low:g}-{high:g}: set to {fitted:g}"
                )
            value = type(getattr(AlignConfig(), f.name))(fitted)
        values[setting_key(f.name)] = value
    return values, notes


def app_problem(saved: Saved) -> str | None:
    """Why the app cannot take these sources (its name rules are stricter than the file format's)."""
    for a in saved.articles:
        if len(a.source_id) > state.MAX_NAME_CHARS or state.clean_name(a.source_id) != a.source_id:
            return (
                f"the source name “{a.source_id[:60]}” is longer than {state.MAX_NAME_CHARS} characters or "
                "has spacing the app does not keep; rename it in the file or compare with the command line"
            )
    return None


def _open(key: str) -> None:
    """The uploader's callback: read the file and, only if it is good, replace sources and settings."""
    upload = st.session_state.get(key)
    if upload is None:  # the file was removed from the uploader
        return
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1  # a fresh, empty uploader
    name = md_escape(upload.name)
    try:
        saved = read_saved(upload.getvalue(), limits=DEFAULT_LIMITS)
    except SavedError as exc:
        state.flash(
            "error", f"{name} was not opened: {md_escape(str(exc))} The loaded sources are unchanged."
        )
        return
    problem = app_problem(saved)
    if problem:
        state.flash(
            "error", f"{name} was not opened: {md_escape(problem)}. The loaded sources are unchanged."
        )
        return
    values, notes = fit_settings(saved.settings.align)
    before = state.articles()
    n, m = len(before), len(saved.articles)
    restored = "settings restored" + (
        f" (embedding: {saved.settings.backend})" if saved.settings.backend else ""
    )
    had = f"; it had {saved.claims} claim groups when saved" if saved.claims is not None else ""
    step = None
    if n:  # the Undo bar says what happened and can put the earlier sources back
        replaced = (
            f"its {m} sources replaced the {n} loaded before"
            if n > 1
            else f"its {m} sources replaced the one loaded before"
        )
        step = state.UndoStep(
            "open",
            f"Opened {name}: {replaced}; {md_escape(restored + had)}.",
            f"Put back the sources loaded before opening {name}.",
            before,
        )
    # The state module's own replace (undo list, lost-sources notice, address marker), as "Reload the demo
    # set" uses it; into an empty list nothing of the user's is replaced, so an earlier "Remove all" stays
    # undoable. (It is private to ui/state.py; a public ``replace_all`` there would be cleaner.)
    state._set(list(saved.articles), undo=step, keep_undo=not n)
    st.session_state.update(values)
    if saved.settings.backend:
        st.session_state[controls.BACKEND_KEY] = saved.settings.backend
    if not n:
        state.flash("success", md_escape(f"Opened {upload.name}: {m} sources, {restored}{had}."))
    for note in [*saved.notes, *notes]:
        state.flash("info", md_escape(note))


HELP = (
    "comparison.json from the Downloads page or the command line, or news-comparison.zip (for a comparison "
    f"whose JSON is over {DEFAULT_LIMITS.max_upload_bytes // 2**20} MB). It replaces the loaded sources (you "
    "can undo that) and restores names, dates and settings."
)


def open_saved_comparison() -> None:
    """An expander with the uploader for ``comparison.json`` (or the downloads ZIP)."""
    key = f"saved_upload_{st.session_state.get(ROUND_KEY, 0)}"
    with st.expander("Open a saved comparison", icon=":material/folder_open:"):
        st.file_uploader(
            "Saved comparison",
            type=UPLOAD_TYPES,
            key=key,
            on_change=_open,
            args=(key,),
            help=HELP,
        )
