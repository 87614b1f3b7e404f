"""Divergences: every compared fact, filterable by kind, relation and source.

The filters and the chosen claim use ``persist_state="session"``: Streamlit would otherwise forget them
when the user opens another page; a source that is no longer loaded drops out of a filter by itself.
"""

from __future__ import annotations

import streamlit as st

from ui import page
from ui.analysis import DIFFERENCE, OMISSION, ranked_divergences
from ui.jump import claim_jump
from ui.tables import FACT_DISPLAY_ORDER, RELATION_LABELS, fact_column_config, facts_frame
from ui.text import md_escape

page.header(
    "Divergences",
    "Every number, date, name and quote compared between two aligned passages. A is the source on the "
    "left of the pair: “A more specific” means A states more detail than B.",
)
cmp = page.comparison()
if cmp is not None:
    if not cmp.facts:
        st.info(
            "No facts were compared: no aligned passages hold numbers, dates, names or quotes.",
            icon=":material/info:",
        )
    else:
        ids = list(cmp.source_ids)
        c0, c1, c2, c3, c4 = st.columns([2, 2, 3, 3, 2], vertical_alignment="bottom")
        categories = c0.multiselect(
            "Category",
            [DIFFERENCE, OMISSION],
            key="div_category",
            persist_state="session",
            placeholder="differences and omissions",
            format_func=lambda c: "differences" if c == DIFFERENCE else "omissions (one source only)",
            help="Differences: both sources state the fact, differently. Omissions: only one states it.",
        )
        kinds = c1.multiselect(
            "Kind",
            ["number", "date", "name", "quote"],
            key="div_kinds",
            persist_state="session",
            placeholder="all",
        )
        labels = [v for k, v in RELATION_LABELS.items() if k != "same"]
        relations = c2.multiselect(
            "Relation", labels, key="div_relations", persist_state="session", placeholder="all differing"
        )
        sources = c3.multiselect(
            "Sources", ids, key="div_sources", persist_state="session", placeholder="any source"
        )
        include_same = c4.toggle(
            "Include same",
            key="div_same",
            persist_state="session",
            help="Also list facts both sources state alike.",
        )
        facts = list(cmp.facts) if include_same else ranked_divergences(cmp.facts)
        frame = facts_frame(facts)
        if categories:
            frame = frame[frame["category"].isin([*categories, "same"])]
        if kinds:
            frame = frame[frame["kind"].isin(kinds)]
        if relations:
            keep = set(relations) | ({"same"} if include_same else set())
            frame = frame[frame["relation"].isin(keep)]
        if sources:
            frame = frame[frame["source A"].isin(sources) | frame["source B"].isin(sources)]
        st.caption(f"{len(frame)} compared facts · select a row to read both passages")
        event = st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            height=min(700, 38 + 35 * max(len(frame), 3)),
            key="div_table",
            on_select="rerun",
            selection_mode="single-row",
            column_order=FACT_DISPLAY_ORDER,
            column_config=fact_column_config(),
        )
        if len(frame):
            claims = sorted({int(c) for c in frame["claim"]})
            selected = [r for r in (event.selection.rows if event is not None else []) if r < len(frame)]
            if selected != st.session_state.get("div_selected"):  # a new row selected: open its claim
                st.session_state["div_selected"] = selected
                if selected:
                    st.session_state["div_jump"] = int(frame["claim"].iloc[selected[0]])
            if st.session_state.get("div_jump") not in claims:
                # Until a row is chosen, preview the claim of the table's first (most important) row.
                st.session_state["div_jump"] = int(frame["claim"].iloc[0])
            note = ""
            if selected:
                row = frame.iloc[selected[0]]
                a, b = md_escape(row["source A"]), md_escape(row["source B"])
                kind, relation = md_escape(row["kind"]), md_escape(row["relation"])
                note = f"**{a}** vs **{b}** · {kind} · {relation}: {md_escape(row['what differs'])}"
            claim_jump(cmp, claims, key="div_jump", note=note)
        else:
            st.info("No compared fact matches these filters.", icon=":material/filter_alt_off:")
