"""Overview: headline numbers, source x source heatmaps, the claim coverage matrix, top divergences."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.model import FactPair
from ui import charts, page
from ui.analysis import DIFFERENCE, OMISSION, Summary, pair_tables, ranked_divergences, summarise
from ui.render import facts_table_html, kinds_table_html


def headline_metrics(counts: Summary) -> None:
    """The story in numbers: what is shared, then facts stated differently apart from facts left out."""
    story = [
        ("Sources", counts.sources, None),
        ("Claim groups", counts.claims, "Passages that two or more sources share."),
        ("Shared by all", counts.shared_by_all, "Claim groups every source carries."),
        ("Unique passages", counts.unique, "Sentences only one source has."),
    ]
    for col, (label, value, help_text) in zip(st.columns(4), story, strict=True):
        col.metric(label, value, help=help_text, border=True)
    differ = (
        "Facts two sources both state, differently: conflicting, one more specific, or worded differently."
    )
    facts = [
        ("Differences", counts.differences, differ),
        ("Conflicts", counts.conflicts, "Differences whose values cannot both be right."),
        ("Omissions", counts.omissions, "Facts one source states and another leaves out."),
    ]
    cols = st.columns([1, 1, 1, 2])
    for col, (label, value, help_text) in zip(cols, facts, strict=False):
        col.metric(label, value, help=help_text, border=True)
    with cols[3]:
        st.html(kinds_table_html(counts))


page.header(
    "Overview",
    "Which outlets report the same things, where their figures, dates, names and quotes disagree, "
    "and what only one of them reports.",
)
page.demo_banner()
cmp = page.comparison()


def most_important(facts: Sequence[FactPair]) -> None:
    """The differences a fact-checker acts on first, then the omissions, each in full words."""
    st.subheader("Most important differences", anchor=False)
    differences = ranked_divergences(facts, only=DIFFERENCE)
    omissions = ranked_divergences(facts, only=OMISSION)
    page.styles()
    if differences:
        st.caption(
            "Conflicts first, then the same fact worded or bounded differently, then one source more "
            "specific than the other."
        )
        st.html(facts_table_html(differences[:12]))  # explanations wrap: a table cell would cut them off
        all_of(DIFFERENCE, len(differences), 12, "differences")
    else:
        st.success("The sources state every shared fact alike.", icon=":material/check_circle:")
    st.subheader("Stated by one source only", anchor=False)
    if omissions:
        st.caption(
            "Omissions: a number, date, name or quote one source states and another leaves out. Worth a "
            "look; rarely an error."
        )
        st.html(facts_table_html(omissions[:6]))
        all_of(OMISSION, len(omissions), 6, "omissions")
    else:
        st.caption("No source states a fact the others leave out.")


def all_of(which: str, total: int, shown: int, label: str) -> None:
    """A link to the Divergences page filtered to one category, when more than ``shown`` exist."""
    if total > shown and st.button(
        f"All {total} {label}", icon=":material/arrow_forward:", type="tertiary", key=f"all_{which}"
    ):
        st.session_state["div_category"] = [which]
        st.switch_page("views/divergences.py")


if cmp is not None:
    counts = summarise(cmp)
    n_src = counts.sources

    headline_metrics(counts)

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
        st.subheader("Differences per pair", anchor=False)
        st.caption(
            "Facts both sources state, differently; in brackets, how many of them conflict. Below, facts "
            "only one of the two states (omissions)."
        )
        st.plotly_chart(
            charts.divergence_heatmap(tables, chart_px),
            key="divergence_heatmap",
            config={"displayModeBar": False},
        )

    most_important(cmp.facts)

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
