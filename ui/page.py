"""What every page does first: its title, queued messages, and the comparison of the loaded sources."""

from __future__ import annotations

import streamlit as st

from core.model import Comparison
from ui import controls, state
from ui.compute import current_comparison
from ui.render import CSS
from ui.text import md_escape

_ICONS = {
    "success": ":material/check_circle:",
    "info": ":material/info:",
    "warning": ":material/warning:",
    "error": ":material/error:",
    "toast": ":material/undo:",  # a toast is seen wherever the page is scrolled to
}


def show_flash() -> None:
    """Shows the messages queued before the last ``st.rerun`` (already Markdown-escaped); level is an
    alert (success, info, warning, error) or "toast"."""
    for level, message in state.pop_flash():
        getattr(st, level, st.info)(message, icon=_ICONS.get(level))


def header(title: str, caption: str) -> None:
    st.title(title)
    st.caption(caption)
    show_flash()
    lost_notice()


def lost_notice() -> None:
    """Says that the sources of an earlier session are gone (server restart or expiry), until the user
    loads sources again or dismisses it."""
    n = state.lost_sources()
    if n is None:
        return
    what = f"the {n} sources you had loaded are" if n > 1 else "the source you had loaded is"
    st.warning(
        f"**Your sources are gone.** The server restarted or this session expired, and {what} no longer "
        "here: sources are kept in the server's memory only, never stored. Add them again on the Sources "
        "page, or load the demo set to look around.",
        icon=":material/cloud_off:",
    )
    c1, c2, c3, _ = st.columns([1.2, 1.2, 1, 2])
    if c1.button("Go to Sources", icon=":material/library_books:", key="lost_sources_go", width="stretch"):
        st.switch_page("views/sources.py")
    if c2.button("Load the demo set", icon=":material/science:", key="lost_demo", width="stretch"):
        state.load_demo()
        st.rerun()
    if c3.button("Dismiss", icon=":material/close:", key="lost_dismiss", width="stretch"):
        state.dismiss_lost()
        st.rerun()


def comparison() -> Comparison | None:
    """The cached comparison of the loaded sources with the sidebar settings (None after a message)."""
    cmp = current_comparison(state.articles(), controls.current_config(), controls.current_backend())
    if cmp is not None:
        for w in cmp.warnings:
            st.caption(":material/warning: " + md_escape(w))
    return cmp


def styles() -> None:
    """Injects the shared CSS of highlighted text (a style-only ``st.html`` takes no space)."""
    st.html(CSS)


def demo_banner() -> None:
    if state.is_demo():
        st.info(
            "You are looking at the bundled **demo set**: four invented reports of one invented story. "
            "Load your own articles on the Sources page.",
            icon=":material/science:",
        )
