"""The sources a user loaded, kept in ``st.session_state`` so they survive reruns and page changes.

Every change goes through a function here that validates first and never drops what was loaded: a
function returns an error message for the user (or None on success) instead of raising.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import streamlit as st

from core.config import DEFAULT_LIMITS, Limits
from core.demo import demo_articles
from core.model import Article

ARTICLES = "articles"
FLASH = "flash"
FOCUS_CLAIM = "focus_claim"
MAX_NAME_CHARS = 80


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


def _set(items: list[Article]) -> None:
    st.session_state[ARTICLES] = items
    st.session_state[FOCUS_CLAIM] = None


def is_demo() -> bool:
    """Whether the loaded set is exactly the untouched demo set."""
    return articles() == _demo_set()


def source_ids() -> list[str]:
    return [a.source_id for a in articles()]


def clean_name(name: str) -> str:
    """A source name as stored: single spaces, no control characters, trimmed."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    return " ".join(name.split())


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
    _set([a for a in articles() if a.source_id != source_id])


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
    return None


def load_demo() -> None:
    _set(list(_demo_set()))


def clear() -> None:
    _set([])


def unique_name(base: str) -> str:
    """``base`` itself when free, else ``base-2``, ``base-3``, ..."""
    base = clean_name(base)[:MAX_NAME_CHARS] or "source"
    taken = set(source_ids())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def flash(level: str, message: str) -> None:
    """Queues a message to show on the next run (after ``st.rerun``)."""
    st.session_state.setdefault(FLASH, []).append((level, message))


def pop_flash() -> list[tuple[str, str]]:
    messages = list(st.session_state.get(FLASH, []))
    st.session_state[FLASH] = []
    return messages
