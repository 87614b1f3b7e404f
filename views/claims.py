"""Claims: the N-way table, one row per claim group and one column per source, with a jump to the row.

The filters and the chosen claim use ``persist_state="session"``: Streamlit would otherwise forget them
when the user opens another page; a source that is no longer loaded drops out of a filter by itself.
"""

from __future__ import annotations

import streamlit as st

from ui import page
from ui.analysis import STATUS_LABELS, Status
from ui.consensus import consensus_column
from ui.jump import claim_jump
from ui.tables import claims_table, source_columns

page.header(
    "Claims",
    "Every claim group: which sources carry it, in their own words, and whether their facts agree. "
    "Sort by clicking a column header; select a row to open it side by side.",
)
cmp = page.comparison()
if cmp is not None:
    if not cmp.claims:
        st.info("No passage is shared by two sources with the current settings.", icon=":material/info:")
    else:
        frame = consensus_column(claims_table(cmp), cmp)
        ids = list(cmp.source_ids)
        column = source_columns(ids)  # source id -> its column (never one of the fixed columns)
        c1, c2, c3 = st.columns([3, 3, 2])
        query = c1.text_input(
            "Search the passages", key="claims_query", persist_state="session", placeholder="word or number"
        )
        must = c2.multiselect(
            "Carried by", ids, key="claims_sources", persist_state="session", placeholder="any source"
        )
        agreement = c3.multiselect(
            "Agreement",
            ["conflict", "differing facts", "all same"]
            + ([STATUS_LABELS[Status.UNCOMPARED]] if cmp.compared_claims is not None else []),
            key="claims_agreement",
            persist_state="session",
            placeholder="any",
        )
        shown = frame
        if query.strip():
            q = query.strip().lower()
            hit = shown[list(column.values())].apply(lambda col: col.str.lower().str.contains(q, regex=False))
            shown = shown[hit.any(axis=1)]
        for sid in must:
            shown = shown[shown[column[sid]] != ""]
        if agreement:
            shown = shown[shown["agreement"].isin(agreement)]
        st.caption(f"{len(shown)} of {len(frame)} claim groups")
        event = st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            height=min(640, 38 + 35 * max(len(shown), 3)),
            on_select="rerun",
            selection_mode="single-row",
            key="claims_table",
            column_config={
                "claim": st.column_config.NumberColumn("claim", format="#%d", width="small", pinned=True),
                "sources": st.column_config.NumberColumn("sources", width="small"),
                "differing facts": st.column_config.NumberColumn("differing", width="small"),
                "conflicts": st.column_config.NumberColumn("conflicts", width="small"),
                **{col: st.column_config.TextColumn(col, width="medium") for col in column.values()},
            },
        )
        options = [int(c) for c in shown["claim"]]
        selected = [r for r in (event.selection.rows if event is not None else []) if r < len(options)]
        if selected != st.session_state.get("claims_selected"):  # only a new selection moves the choice
            st.session_state["claims_selected"] = selected
            if selected:
                st.session_state["claims_jump"] = options[selected[0]]
        if options:
            claim_jump(cmp, options, key="claims_jump", primary=True)
