"""Dates and figures: every date of every claim on one timeline, every figure as a range per claim, with
the consensus of each; select a mark to read its passage side by side."""

from __future__ import annotations

import functools

import streamlit as st

from ui import page, state
from ui.factcharts import Panel, filter_panels, legend_items, panels_of
from ui.figures import figures_figure
from ui.render import claim_preview_html
from ui.text import esc, md_escape
from ui.timeline import selected_claim, timeline_figure

PAGE_PANELS = {"date": 30, "number": 16}


def legend_html(panels: list[Panel]) -> str:
    """The colours both charts use for these panels (each value's role against the consensus of its
    slot, or its relation where there is none), each colour once, and the consensus band."""
    items = "".join(
        '<span style="display:inline-flex;align-items:center;gap:.3rem;margin-right:1rem">'
        f'<span style="width:.8rem;height:.8rem;border-radius:2px;background:{colour}"></span>'
        f"{esc(words)}</span>"
        for colour, words in legend_items(panels)
    )
    band = (
        '<span style="display:inline-flex;align-items:center;gap:.3rem">'
        '<span style="width:1.4rem;height:.8rem;background:rgba(46,157,91,.12);border:1px dashed #2e9d5b">'
        "</span>consensus</span>"
    )
    return f'<div style="font-size:.85rem;color:#1f2430;line-height:1.9">{items}{band}</div>'


def page_label(k: int, *, size: int, total: int) -> str:
    return f"slots {k * size + 1}-{min((k + 1) * size, total)} of {total}"


page.header(
    "Dates and figures",
    "Every date and figure the sources state, claim by claim: a date is a bar over the days it covers, a "
    "figure a point, range, band or ray. Bars that do not overlap disagree. The green band is the "
    "consensus: the most specific value more than half of the sources state or refine.",
)
cmp = page.comparison()
if cmp is not None:
    dates, numbers = panels_of(cmp)
    c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
    chosen = c1.multiselect(
        "Sources", list(cmp.source_ids), key="tl_sources", persist_state="session", placeholder="all sources"
    )
    differing = c2.toggle("Only where sources differ", key="tl_differing", persist_state="session")
    singles = c3.toggle("Facts one source states alone", key="tl_singles", persist_state="session")
    if cmp.compared_claims is not None:
        st.caption(
            f":material/warning: Facts were compared for claims #1-#{cmp.compared_claims} only "
            "(the passage-pair limit); later claims have no dates or figures here."
        )
    st.html(legend_html([*dates, *numbers]))
    tab_dates, tab_numbers = st.tabs(
        [":material/timeline: Timeline of dates", ":material/straighten: Figures"]
    )
    selections = []
    for tab, kind, panels in ((tab_dates, "date", dates), (tab_numbers, "number", numbers)):
        with tab:
            shown = filter_panels(panels, sources=chosen, differing=differing, singles=singles)
            if not shown:
                st.info(
                    "No "
                    + ("dates" if kind == "date" else "figures")
                    + " to show"
                    + (" with these filters." if panels else ": the aligned passages state none."),
                    icon=":material/info:",
                )
                continue
            size = PAGE_PANELS[kind]
            pages = (len(shown) + size - 1) // size
            first = 0
            if pages > 1:
                n = st.selectbox(
                    "Page",
                    range(pages),
                    key=f"tl_page_{kind}",
                    format_func=functools.partial(page_label, size=size, total=len(shown)),
                )
                first = int(n or 0) * size
            window = shown[first : first + size]
            fig = timeline_figure(window) if kind == "date" else figures_figure(window)
            if kind == "number":
                st.caption(
                    "◆ exact figure · ▬ range · band with a tick: “about X” (around X) or “nearly X” "
                    "(just below X) · band and ray ➝: “over X” (the band is how a reader takes it, the ray "
                    "what the words allow) · ⟵ ray: “up to X” · log scale where values span orders of "
                    "magnitude."
                )
            else:
                st.caption(
                    "Bar length is what the words cover (a day, a month, “late 2024” = Sep-Dec). Hatched: "
                    "the year is not stated (placed in the year the others give). A fading bar with an "
                    "arrow: “since …” or “until …”."
                )
            event = st.plotly_chart(
                fig,
                key=f"tl_chart_{kind}",
                on_select="rerun",
                selection_mode="points",
                config={"displayModeBar": False, "scrollZoom": False},
                width="stretch",
            )
            points = list(event.selection.points) if event is not None else []
            selections.append(selected_claim(points))
    picked = next((s for s in selections if s is not None), None)
    page.styles()
    if picked is not None and any(c.claim_id == picked[0] for c in cmp.claims):
        claim_id, source = picked
        st.subheader(f"Claim #{claim_id}", anchor=False)
        st.caption(f"Selected: {md_escape(source)} · the claim's passages with their facts highlighted.")
        st.html(claim_preview_html(cmp, claim_id))
        if st.button("Show side by side", type="primary", icon=":material/view_column:", key="tl_sbs"):
            claim = next(c for c in cmp.claims if c.claim_id == claim_id)
            state.focus_on(claim_id, list(claim.sources))  # exactly the sources that carry it
            st.switch_page("views/side_by_side.py")
    else:
        st.caption("Select a bar or a mark to read its claim here.")
