"""The sources a user loaded, kept in ``st.session_state`` so they survive reruns and page changes.

Every change goes through a function here that validates first and never drops what was loaded: a
function returns an error message for the user (or None on success) instead of raising. Removing sources
(one, all, or replacing them with the demo set) can be undone until the set of sources changes otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from core.config import DEFAULT_LIMITS, Limits
from core.demo import demo_articles
from core.model import Article
from ui.sources import MAX_NAME_CHARS, clean_name
from ui.sources import unique_name as _unique_name
from ui.text import md_escape

ARTICLES = "articles"
FLASH = "flash"
FOCUS_CLAIM = "focus_claim"
FOCUS_SOURCES = "focus_sources"  # the sources a jump to one claim shows (read once by Side by side)
UNDO = "undo"
MAX_UNDO = 20
# Widget values that hold source names; a rename carries them over (see ``update``).
SOURCE_CHOICES = ("claims_sources", "div_sources", "sbs_sources", "sbs_keep")


@st.cache_resource(show_spinner=False)
def _demo_set() -> tuple[Article, ...]:
    """The bundled demo articles, read from disk once per process (frozen, so safe to share)."""
    return tuple(demo_articles())


def init() -> None:
    """Creates the session's state on its first run: the demo set, no messages, no focus."""
    if ARTICLES not in st.session_state:
        st.session_state[ARTICLES] = list(_demo_set())
    st.session_state.setdefault(FLASH, [])
    st.session_state.setdefault(FOCUS_CLAIM, None)


def articles() -> tuple[Article, ...]:
    """The loaded sources in the user's order."""
    return tuple(st.session_state.get(ARTICLES, ()))


@dataclass(frozen=True)
class UndoStep:
    """A removal that can be undone: what it did, what undoing it says, and the sources before it.

    ``kind`` is "remove" (one source), "clear" (all of them) or "demo" (replaced by the demo set); the
    messages are Markdown-escaped already.
    """

    kind: str
    message: str
    undone: str
    previous: tuple[Article, ...]
    restored: str | None = None  # the source to select again after undoing a single removal


def _set(items: list[Article], *, undo: UndoStep | None = None, keep_undo: bool = False) -> None:
    """Replaces the loaded sources. With ``undo``, the step is kept so that ``undo()`` can go back;
    any other change forgets every undo step (going back to an older list would lose that change)
    unless ``keep_undo`` says the change holds nothing of the user's (the demo set into an empty list)
    or nothing changed at all (a save without edits)."""
    changed = tuple(items) != articles()
    st.session_state[ARTICLES] = items
    st.session_state[FOCUS_CLAIM] = None
    if undo is None:
        if changed and not keep_undo:
            st.session_state.pop(UNDO, None)
    else:
        st.session_state[UNDO] = [*st.session_state.get(UNDO, []), undo][-MAX_UNDO:]


def focus_on(claim_id: int, sources: list[str]) -> None:
    """Asks Side by side to show one claim with exactly the sources that carry it."""
    st.session_state[FOCUS_CLAIM] = int(claim_id)
    st.session_state[FOCUS_SOURCES] = list(sources)


def take_focus_sources() -> list[str] | None:
    """The sources of the last jump to a claim, once (None when there was no new jump)."""
    return st.session_state.pop(FOCUS_SOURCES, None)


def last_undo() -> UndoStep | None:
    """The last removal that can still be undone, or None."""
    steps = st.session_state.get(UNDO) or []
    return steps[-1] if steps else None


def undo() -> UndoStep | None:
    """Puts the sources back as they were before the last removal, in their order.

    Returns:
        The step that was undone, or None when there was nothing to undo.
    """
    steps = list(st.session_state.get(UNDO) or [])
    if not steps:
        return None
    step = steps.pop()
    st.session_state[ARTICLES] = list(step.previous)
    st.session_state[FOCUS_CLAIM] = None
    st.session_state[UNDO] = steps
    return step


def is_demo() -> bool:
    """Whether the loaded set is exactly the untouched demo set."""
    return articles() == _demo_set()


def source_ids() -> list[str]:
    return [a.source_id for a in articles()]


def check_name(name: str, *, ignore: str | None = None) -> str | None:
    """Why ``name`` cannot be used as a new source name, or None when it can."""
    if not name:
        return "Give the source a name."
    if len(name) > MAX_NAME_CHARS:
        return f"Source names can be at most {MAX_NAME_CHARS} characters long."
    if name != ignore and name in source_ids():
        return f"A source named “{name}” is already loaded. Choose another name or rename that source first."
    return None


def check_room(new: Article, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why ``new`` cannot be added within the limits, or None when it fits."""
    current = articles()
    if len(current) >= limits.max_sources:
        return f"At most {limits.max_sources} sources can be compared at once; remove one first."
    total = sum(len(a.text) for a in current) + len(new.text)
    if total > limits.max_total_chars:
        return (
            f"Adding “{new.source_id}” would make {total:,} characters in all; the limit is "
            f"{limits.max_total_chars:,}. Remove a source first."
        )
    return None


def add(article: Article) -> str | None:
    """Appends a source; returns an error message (and changes nothing) when it cannot."""
    problem = check_name(article.source_id) or check_room(article)
    if problem:
        return problem
    _set([*articles(), article])
    return None


def remove(source_id: str) -> None:
    """Removes one source; ``undo`` puts it back in its place."""
    before = articles()
    if source_id in source_ids():
        name = md_escape(source_id)
        step = UndoStep("remove", f"Removed “{name}”.", f"Put “{name}” back in its place.", before, source_id)
        _set([a for a in before if a.source_id != source_id], undo=step)


def update(
    source_id: str, *, new_name: str | None = None, title: str | None = None, published: Any = ...
) -> str | None:
    """Renames a source and/or sets its title or publication date (``published=None`` clears it).

    Returns:
        An error message when the new name is unusable; nothing is changed then.
    """
    items = list(articles())
    index = next((i for i, a in enumerate(items) if a.source_id == source_id), None)
    if index is None:
        return f"“{source_id}” is no longer loaded."
    art = items[index]
    if new_name is not None:
        new_name = clean_name(new_name)
        problem = check_name(new_name, ignore=source_id)
        if problem:
            return problem
        art = replace(art, source_id=new_name)
    if title is not None:
        art = replace(art, title=" ".join(title.split()))
    if published is not ...:
        if published is not None and not isinstance(published, dt.date):
            return "The publication date is not a date."
        art = replace(art, published=published)
    items[index] = art
    _set(items)
    if art.source_id != source_id:
        _rename_choices(source_id, art.source_id)
    return None


def _rename_choices(old: str, new: str) -> None:
    """Keeps a renamed source chosen in the filters that had chosen it (on pages not shown now)."""
    for key in SOURCE_CHOICES:
        chosen = st.session_state.get(key)
        if isinstance(chosen, list) and old in chosen:
            st.session_state[key] = [new if s == old else s for s in chosen]


def load_demo() -> None:
    """Replaces the sources with the demo set; ``undo`` brings back what was loaded before."""
    before = articles()
    if before and before != _demo_set():
        step = UndoStep(
            "demo",
            "Replaced the loaded sources with the demo set.",
            f"Put back the {len(before)} sources loaded before the demo set."
            if len(before) > 1
            else "Put back the source loaded before the demo set.",
            before,
        )
        _set(list(_demo_set()), undo=step)
    else:  # nothing of the user's is replaced: an earlier "Remove all" stays undoable
        _set(list(_demo_set()), keep_undo=True)


def clear() -> None:
    """Removes every source; ``undo`` brings them all back."""
    before = articles()
    if before:
        n = len(before)
        step = UndoStep(
            "clear",
            f"Removed all {n} sources." if n > 1 else "Removed the only source.",
            f"Put back all {n} sources." if n > 1 else "Put the source back.",
            before,
        )
        _set([], undo=step)


def unique_name(base: str) -> str:
    """``base`` itself when no loaded source has that name, else ``base-2``, ``base-3``, ..."""
    return _unique_name(base, set(source_ids()))


def flash(level: str, message: str) -> None:
    """Queues a message to show on the next run (after ``st.rerun``)."""
    st.session_state.setdefault(FLASH, []).append((level, message))


def pop_flash() -> list[tuple[str, str]]:
    messages = list(st.session_state.get(FLASH, []))
    st.session_state[FLASH] = []
    return messages
