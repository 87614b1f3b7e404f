"""Side by side: aligned passages on one row, the rest in reading order, facts highlighted by relation."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import page, state
from ui.analysis import Status, fact_marks, layout_rows, row_statuses
from ui.render import grid_html, legend_html

ROWS_PER_PAGE = 40
DIFF_KEY = "sbs_diff_ref"
PAGE_KEY = "sbs_page"
FILTERS = {
    "all": "All rows",
    "divergent": "Differing facts",
    "conflict": "Conflicts",
    "unique": "Unmatched passages",
}


def word_diff_choice(where: DeltaGenerator, sources: list[str]) -> str | None:
    """The source every other passage is word-diffed against, or None for no word diff."""
    options = ["", *sources]
    if st.session_state.get(DIFF_KEY) not in options:  # removed, or not shown any more
        st.session_state[DIFF_KEY] = ""
    choice = where.selectbox(
        "Word diff against",
        options,
        key=DIFF_KEY,
        persist_state="session",
        format_func=lambda s: s or "No word diff",
        help="Shows, under every other passage of a row, the words it adds (green) or leaves out (struck) "
        "compared with this source's passage. Words a paraphrase only moves stay unmarked.",
    )
    return choice or None


def rows_label(i: int, total: int) -> str:
    return f"{i * ROWS_PER_PAGE + 1}–{min(total, (i + 1) * ROWS_PER_PAGE)}"


def _turn(step: int, n_pages: int) -> None:
    st.session_state[PAGE_KEY] = min(max(st.session_state.get(PAGE_KEY, 0) + step, 0), n_pages - 1)


def bottom_pager(n_pages: int, total: int) -> None:
    """Previous / next rows under the grid, so a long page need not be scrolled back up to go on."""
    p = st.session_state.get(PAGE_KEY, 0)
    c1, c2, c3 = st.columns([1, 2, 1], vertical_alignment="center")
    c1.button(
        "Previous rows",
        icon=":material/arrow_back:",
        disabled=p <= 0,
        on_click=_turn,
        args=(-1, n_pages),
        key="sbs_prev",
        width="stretch",
    )
    c2.caption(f"Rows {rows_label(p, total)} of {total}", text_alignment="center")
    c3.button(
        "Next rows",
        icon=":material/arrow_forward:",
        disabled=p >= n_pages - 1,
        on_click=_turn,
        args=(1, n_pages),
        key="sbs_next",
        width="stretch",
    )


page.header(
    "Side by side",
    "Passages that say the same thing share a row; everything else stays in place, so each column reads "
    "in its source's order.",
)
page.styles()
cmp = page.comparison()
if cmp is not None:
    ids = list(cmp.source_ids)
    claims = {c.claim_id: c for c in cmp.claims}
    focus = st.session_state.get(state.FOCUS_CLAIM)
    if focus not in claims:
        focus = None

    # The selection survives renames and removals; a jump to a claim adds the sources that carry it.
    # Streamlit forgets a widget's value on pages that do not draw it: "sbs_keep" carries the choice over
    # (the other choices below use persist_state="session"; ui.state renames sources in both).
    jumped = state.take_focus_sources()
    kept = st.session_state.get("sbs_sources", st.session_state.get("sbs_keep", []))
    chosen = [s for s in kept if s in ids]
    if not chosen:
        chosen = ids if len(ids) <= 5 else ids[:4]
    if focus is not None and jumped is not None:  # a jump from Claims or Divergences: exactly its sources
        chosen = [s for s in ids if s in claims[focus].sources]
    elif focus is not None and sum(s in chosen for s in claims[focus].sources) < 2:
        chosen = [s for s in ids if s in chosen or s in claims[focus].sources]
    st.session_state["sbs_sources"] = chosen

    sources = st.multiselect("Sources to compare", ids, key="sbs_sources", placeholder="Choose two or more")
    st.session_state["sbs_keep"] = list(sources)
    c2, c3 = st.columns([3, 2], vertical_alignment="bottom")
    view = c2.segmented_control(
        "Show",
        list(FILTERS),
        format_func=FILTERS.__getitem__,
        key="sbs_filter",
        persist_state="session",
        default="all",
    )
    diff = word_diff_choice(c3, [s for s in ids if s in sources])
    st.html(legend_html())

    if len(sources) < 2:
        st.info("Choose at least two sources.", icon=":material/info:")
    else:
        sources = [s for s in ids if s in sources]  # always in the loaded order
        rows = layout_rows(cmp, sources)
        statuses = row_statuses(cmp, rows, sources)
        pairs = list(zip(rows, statuses, strict=True))
        if focus is not None:
            b1, b2 = st.columns([5, 1], vertical_alignment="center")
            b1.info(f"Showing claim #{focus} only.", icon=":material/filter_alt:")
            if b2.button("Show all rows", icon=":material/close:", width="stretch"):
                st.session_state[state.FOCUS_CLAIM] = None
                st.rerun()
            pairs = [(r, s) for r, s in pairs if r.claim_id == focus]
        elif view == "divergent":
            pairs = [(r, s) for r, s in pairs if s in (Status.DIFFERS, Status.CONFLICT)]
        elif view == "conflict":
            pairs = [(r, s) for r, s in pairs if s == Status.CONFLICT]
        elif view == "unique":
            pairs = [(r, s) for r, s in pairs if r.claim_id is None]

        aligned = sum(1 for r in rows if r.claim_id is not None)
        n_pages = max(1, -(-len(pairs) // ROWS_PER_PAGE))
        total = len(pairs)
        caption = f"{total} of {len(rows)} rows · {aligned} aligned claim rows"
        if n_pages > 1:
            if not 0 <= st.session_state.get(PAGE_KEY, 0) < n_pages:  # fewer rows since: back to the start
                st.session_state[PAGE_KEY] = 0
            p = st.selectbox(
                "Rows",
                range(n_pages),
                key=PAGE_KEY,
                persist_state="session",
                format_func=lambda i: rows_label(i, total),
            )
            pairs = pairs[p * ROWS_PER_PAGE : (p + 1) * ROWS_PER_PAGE]
        st.caption(caption)
        marks = {sid: fact_marks(cmp, sid, sources) for sid in sources}
        st.html(grid_html(cmp, [r for r, _ in pairs], [s for _, s in pairs], sources, marks, diff=diff))
        if n_pages > 1:
            bottom_pager(n_pages, total)
