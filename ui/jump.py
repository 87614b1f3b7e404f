"""The "open a claim side by side" block shared by the Claims and Divergences pages: a choice of claim,
a button that jumps to the Side by side page, and a preview of the chosen claim."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.model import Comparison
from ui import page, state
from ui.render import claim_preview_html
from ui.text import shorten


def claim_jump(
    cmp: Comparison, options: Sequence[int], *, key: str, primary: bool = False, note: str = ""
) -> int:
    """Draws the block for ``options`` (claim ids) and returns the chosen claim.

    Args:
        cmp: The comparison shown.
        options: Claim ids to choose from, in the page's order.
        key: Session key of the choice (kept across page changes with ``persist_state``).
        primary: Whether the jump button is the page's primary action.
        note: Markdown (already escaped) shown between the choice and the preview.
    """
    first = {c.claim_id: c.passages[0].text for c in cmp.claims}
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    target = c1.selectbox(
        "Open a claim side by side",
        options,
        key=key,
        persist_state="session",
        format_func=lambda cid: f"#{cid} — {shorten(first.get(cid, ''), 100)}",
    )
    if c2.button(
        "Show side by side",
        type="primary" if primary else "secondary",
        icon=":material/view_column:",
        width="stretch",
        key=f"{key}_go",
    ):
        claim = next(c for c in cmp.claims if c.claim_id == int(target))
        state.focus_on(claim.claim_id, list(claim.sources))  # exactly the sources that carry it
        st.switch_page("views/side_by_side.py")
    if note:
        st.markdown(note)
    page.styles()
    st.html(claim_preview_html(cmp, int(target)))
    return int(target)
