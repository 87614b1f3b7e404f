"""Overview: headline numbers, source x source heatmaps, the claim coverage matrix, top divergences."""

from __future__ import annotations

import streamlit as st

from ui import charts, page
from ui.analysis import pair_tables, ranked_divergences, summarise
from ui.render import facts_table_html

page.header(
    "Overview",
    "Which outlets report the same things, where their figures, dates, names and quotes disagree, "
    "and what only one of them reports.",
)
page.demo_banner()
cmp = page.comparison()
if cmp is not None:
    counts = summarise(cmp)
    n_src = counts.sources

    first_row = [
        ("Sources", counts.sources, None),
        ("Claim groups", counts.claims, "Passages that two or more sources share."),
        ("Shared by all", counts.shared_by_all, "Claim groups every source carries."),
        ("Unique passages", counts.unique, "Sentences only one source has."),
        ("Divergences", counts.divergences, "Compared facts that are not the same."),
    ]
    for col, (label, value, help_text) in zip(st.columns(5), first_row, strict=True):
        col.metric(label, value, help=help_text, border=True)
    cols = st.columns(5)
    cols[0].metric("Conflicts", counts.conflicts, help="Facts that contradict each other.", border=True)
    for col, (kind, label) in zip(
        cols[1:],
        [("number", "Numbers"), ("date", "Dates"), ("name", "Names"), ("quote", "Quotes")],
        strict=True,
    ):
        col.metric(f"{label} differing", counts.by_kind.get(kind, 0), border=True)

    tables = pair_tables(cmp)
    # Two or three sources: the two heatmaps side by side; more: one above the other, at full width,
    # so that long source names and the numbers in the cells stay readable.
    side = n_src <= 3
    left, right = st.columns(2) if side else (st.container(), st.container())
    chart_px = 480 if side else 1000
    with left:
        st.subheader("Claims in common", anchor=False)
        st.caption("Share of the claim groups either source carries that both carry.")
        st.plotly_chart(
            charts.shared_heatmap(tables, chart_px), key="shared_heatmap", config={"displayModeBar": False}
        )
    with right:
        st.subheader("Differing facts per pair", anchor=False)
        st.caption("Compared facts that are not the same; in brackets, how many of them conflict.")
        st.plotly_chart(
            charts.divergence_heatmap(tables, chart_px),
            key="divergence_heatmap",
            config={"displayModeBar": False},
        )

    st.subheader("Most important divergences", anchor=False)
    top = ranked_divergences(cmp.facts)
    if top:
        st.caption("Conflicts first, then facts only one source states, then differences in detail.")
        page.styles()
        st.html(facts_table_html(top[:12]))  # explanations wrap: a table cell would cut them off
        if len(top) > 12:
            st.page_link(
                "views/divergences.py", label=f"All {len(top)} divergences", icon=":material/arrow_forward:"
            )
    else:
        st.success("No compared facts differ between the sources.", icon=":material/check_circle:")

    st.subheader("Claim coverage", anchor=False)
    if cmp.claims:
        fig, shown = charts.coverage_matrix(cmp)
        st.caption(
            "One row per claim group, one column per source: who carries which claim and whether its facts "
            "agree. Hover a cell for the passage."
            + (
                f" Showing the {shown} most divergent of {len(cmp.claims)} claims."
                if shown < len(cmp.claims)
                else ""
            )
        )
        st.plotly_chart(fig, key="coverage", config={"displayModeBar": False})
    else:
        st.info("No passage is shared by two sources with the current settings.", icon=":material/info:")
