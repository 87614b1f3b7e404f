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
from ui.sources import MAX_NAME_CHARS, MAX_TITLE_CHARS, cap_title, clean_name, name_problem
from ui.sources import unique_name as _unique_name

__all__ = ["MAX_NAME_CHARS", "MAX_TITLE_CHARS", "clean_name"]  # used by the Sources page
from ui.text import md_escape

ARTICLES = "articles"
LOST = "lost_sources"
MARKER = "sources"  # query parameter: the number of the user's own sources (see ``init``)
FLASH = "flash"
FOCUS_CLAIM = "focus_claim"
FOCUS_SOURCES = "focus_sources"  # the sources a jump to one claim shows (read once by Side by side)
UNDO = "undo"
MAX_UNDO = 20
# Widget values that hold source names; a rename carries them over (see ``update``).
SOURCE_CHOICES = ("claims_sources", "div_sources", "sbs_sources", "sbs_keep")
SOURCE_CHOICE = ("sbs_diff_ref",)  # widget values that hold one source name


@st.cache_resource(show_spinner=False)
def _demo_set() -> tuple[Article, ...]:
    """The bundled demo articles, read from disk once per process (frozen, so safe to share)."""
    return tuple(demo_articles())


def init() -> None:
    """Creates the session's state on its first run: the demo set, no messages, no focus.

    Sources live only in the server's memory. A fresh session whose address still carries the
    ``MARKER`` query parameter belongs to a browser that had loaded its own sources in a session the
    server no longer has (it restarted, or the session expired): it starts empty, with a notice saying
    so (``lost_sources``), rather than silently showing the demo set as if nothing had happened.
    """
    if ARTICLES not in st.session_state:
        marker = st.query_params.get(MARKER)
        if marker:
            st.session_state[ARTICLES] = []
            st.session_state[LOST] = marker
        else:
            st.session_state[ARTICLES] = list(_demo_set())
    st.session_state.setdefault(FLASH, [])
    st.session_state.setdefault(FOCUS_CLAIM, None)
    _sync_marker()


def _sync_marker() -> None:
    """Keeps ``MARKER`` in the address while the user's own sources are loaded (their number, nothing
    else: names and texts never go into the address), and while a loss is being reported."""
    items = articles()
    lost = st.session_state.get(LOST)
    want = str(len(items)) if items and not is_demo() else (str(lost) if lost and not items else None)
    if st.query_params.get(MARKER) != want:
        if want is None:
            del st.query_params[MARKER]
        else:
            st.query_params[MARKER] = want


def lost_sources() -> int | None:
    """How many sources this browser had in a session the server no longer has (None: nothing lost)."""
    lost = st.session_state.get(LOST)
    try:
        return int(lost) if lost else None
    except ValueError:
        return 1  # a hand-edited marker: something was lost, number unknown


def dismiss_lost() -> None:
    st.session_state.pop(LOST, None)
    _sync_marker()


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
    if items:  # sources again: the notice about lost ones has done its job
        st.session_state.pop(LOST, None)
    if undo is None:
        if changed and not keep_undo:
            st.session_state.pop(UNDO, None)
    else:
        st.session_state[UNDO] = [*st.session_state.get(UNDO, []), undo][-MAX_UNDO:]
    _sync_marker()


def focus_on(claim_id: int, sources: list[str]) -> None:
    """Asks Side by side to show one claim with exactly the sources that carry it."""
    st.session_state[FOCUS_CLAIM] = int(claim_id)
    st.session_state[FOCUS_SOURCES] = list(sources)


def take_focus_sources() -> list[str] | None:
    """The sources of the last jump to a claim, once (None when there was no new jump)."""
    sources = st.session_state.pop(FOCUS_SOURCES, None)
    return [str(s) for s in sources] if isinstance(sources, list) else None


def last_undo() -> UndoStep | None:
    """The last removal that can still be undone, or None."""
    steps = st.session_state.get(UNDO) or []
    return steps[-1] if steps else None


def undo() -> UndoStep | None:
    """Puts the sources back as they were before the last removal, in their order.

    Returns:
        The step that was undone, or None when there was nothing to undo.
    """
    steps: list[UndoStep] = list(st.session_state.get(UNDO) or [])
    if not steps:
        return None
    step = steps.pop()
    st.session_state[ARTICLES] = list(step.previous)
    st.session_state[FOCUS_CLAIM] = None
    st.session_state[UNDO] = steps
    _sync_marker()
    return step


def is_demo() -> bool:
    """Whether the loaded set is exactly the untouched demo set."""
    return articles() == _demo_set()


def source_ids() -> list[str]:
    return [a.source_id for a in articles()]


def check_name(name: str, *, ignore: str | None = None) -> str | None:
    """Why ``name`` cannot be used as a new source name, or None when it can (see ``name_problem``)."""
    return name_problem(name, source_ids(), ignore=ignore)


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
        art = replace(art, title=cap_title(title))
    if published is not ...:
        if published is not None and not isinstance(published, dt.date):
            return "The publication date is not a date."
        art = replace(art, published=published)
    items[index] = art
    _set(items)
    if art.source_id != source_id:
        _rename_choices(source_id, art.source_id)
    return None


def article(source_id: str) -> Article | None:
    """The loaded source named ``source_id``, or None."""
    return next((a for a in articles() if a.source_id == source_id), None)


def changes(art: Article, *, new_name: str, title: str, published: Any) -> dict[str, Any]:
    """The ``update`` arguments for what an edit form changed in ``art`` (nothing else is written, so a
    form drawn from an older state never overwrites a newer value with its old one)."""
    out: dict[str, Any] = {}
    if clean_name(new_name) != art.source_id:
        out["new_name"] = new_name
    if cap_title(title) != cap_title(art.title):
        out["title"] = title
    if published != art.published:
        out["published"] = published
    return out


def describe_changes(before: Article, after: Article) -> str:
    """A Markdown-escaped sentence saying what an edit changed ("Renamed “a” to “b”.")."""
    parts = []
    if before.source_id != after.source_id:
        parts.append(f"renamed “{md_escape(before.source_id)}” to “{md_escape(after.source_id)}”")
    if before.title != after.title:
        parts.append("set the headline")
    if before.published != after.published:
        date = after.published.isoformat() if after.published else None
        parts.append(f"set the publication date to {date}" if date else "cleared the publication date")
    if not parts:
        return f"Nothing changed in “{md_escape(after.source_id)}”."
    sentence = ", ".join(parts)
    if before.source_id == after.source_id:
        sentence += f" of “{md_escape(after.source_id)}”"
    return f"Saved: {sentence}."


def _rename_choices(old: str, new: str) -> None:
    """Keeps a renamed source chosen in the filters that had chosen it (on pages not shown now)."""
    for key in SOURCE_CHOICES:
        chosen = st.session_state.get(key)
        if isinstance(chosen, list) and old in chosen:
            st.session_state[key] = [new if s == old else s for s in chosen]
    for key in SOURCE_CHOICE:
        if st.session_state.get(key) == old:
            st.session_state[key] = new


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
