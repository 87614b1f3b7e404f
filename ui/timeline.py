"""The interactive timeline of dates (plotly) from ``core.charts`` geometry; no Streamlit here.

One row per source and slot on one shared date axis, grouped under a header per claim and slot; a bar per
date fact (its length is the granularity), hatched where the year is not stated, continued by a fading
bar and an arrow where the text says "since" or "until". Every hover is the value, its relation to the
consensus and the sentence; ``customdata`` carries (claim id, source id) for selection.
Source names and article text are untrusted: escaped for plotly's little HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections import defaultdict
from collections.abc import Sequence

import plotly.graph_objects as go

from core.charts import COLOURS, LEGEND, Bar, Panel, date_extent, ordinal_iso

FONT = {"family": "Source Sans Pro, sans-serif", "size": 13}
# What the timeline and the figures chart share: the page's font, no backgrounds of their own, no legend
# (the page draws one legend for both charts), left-aligned hover boxes, and selecting a mark.
CHART_LAYOUT = {
    "font": FONT,
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "showlegend": False,
    "hoverlabel": {"align": "left", "bgcolor": "#ffffff", "font": {"size": 12}},
    "clickmode": "event+select",
}
ROW_PX = 24
HEAD_PX = 30
MS_PER_DAY = 86_400_000


def p(text: str) -> str:
    """Plotly renders a little HTML in labels and hovers: escape untrusted text for it."""
    return html.escape(text, quote=False)


def row_label(bar: Bar) -> str:
    """Tick label of a row: the source and, in grey, the value it states."""
    value = bar.value_label
    value = value if len(value) <= 28 else value[:27] + "…"
    label = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
    return f"{p(label)}  <span style='color:#8a909a'>{p(value)}</span>"


def hover_html(bar: Bar) -> str:
    """The bar's hover text, escaped, wrapped at ~70 characters a line."""
    lines: list[str] = []
    for k, line in enumerate(bar.hover.split("\n")):
        wrapped = textwrap.wrap(line, 70) or [""]
        lines += [f"<b>{p(w)}</b>" if k == 0 else p(w) for w in wrapped]
    return "<br>".join(lines)


def _rows(panels: Sequence[Panel]) -> tuple[list[tuple[Panel, float]], list[tuple[Bar, float]], float]:
    """y of every panel header and bar (downwards, in rows); the total height in rows."""
    heads: list[tuple[Panel, float]] = []
    bars: list[tuple[Bar, float]] = []
    y = 0.0
    for panel in panels:
        heads.append((panel, y))
        y += 1
        for bar in panel.bars:
            bars.append((bar, y))
            y += 1
        y += 0.4
    return heads, bars, y


def timeline_figure(panels: Sequence[Panel]) -> go.Figure:
    """The timeline of every date panel (see the module docstring)."""
    panels = [pn for pn in panels if pn.bars]
    fig = go.Figure()
    extent = date_extent(panels)
    if extent is None:
        return fig
    lo, hi = extent
    heads, bars, total = _rows(panels)
    claim_of = {id(b): pn.claim_id for pn in panels for b in pn.bars}
    by_role: dict[str, list[tuple[Bar, float]]] = defaultdict(list)
    for bar, y in bars:
        by_role[bar.role].append((bar, y))
    for role, items in by_role.items():
        colour = COLOURS[role]
        fig.add_trace(
            go.Bar(
                orientation="h",
                base=[ordinal_iso(b.low) for b, _ in items],
                x=[(b.high - b.low) * MS_PER_DAY for b, _ in items],
                y=[y for _, y in items],
                width=0.62,
                marker={
                    "color": colour,
                    "line": {"color": colour, "width": 1},
                    "pattern": {
                        "shape": ["/" if b.assumed else "" for b, _ in items],
                        "fgcolor": colour,
                        "bgcolor": "#ffffff",
                        "solidity": 0.45,
                    },
                },
                hovertext=[hover_html(b) for b, _ in items],
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=[[b.fact.start, b.sources[0], claim_of[id(b)]] for b, _ in items],
                name=LEGEND[role],
                legendgroup=role,
                showlegend=False,
            )
        )
    _open_ends(fig, bars, lo, hi)
    _small_marks(fig, bars, lo, hi)
    _headers(fig, heads, bars, lo, hi)
    height = int(HEAD_PX + 70 + total * ROW_PX)
    fig.update_layout(
        height=height,
        barmode="overlay",
        bargap=0.3,
        margin={"l": 10, "r": 20, "t": 60, "b": 30},
        dragmode="zoom",
        **CHART_LAYOUT,
    )
    fig.update_xaxes(
        type="date",
        range=[ordinal_iso(lo), ordinal_iso(hi)],
        side="top",
        showgrid=True,
        gridcolor="#e6e8ec",
        showspikes=True,
        spikemode="across",
        spikethickness=1,
        spikecolor="#9aa1ab",
    )
    fig.update_yaxes(
        range=[total, -1.2],
        tickvals=[y for _, y in bars],
        ticktext=[row_label(b) for b, _ in bars],
        tickfont={"color": "#1f2430"},
        showgrid=False,
        zeroline=False,
        automargin=True,
        fixedrange=True,
    )
    return fig


def _open_ends(fig: go.Figure, bars: Sequence[tuple[Bar, float]], lo: float, hi: float) -> None:
    """ "since X" continues to the right edge, "until X" from the left one: a faint bar and an arrow."""
    for bar, y in bars:
        colour = COLOURS[bar.role]
        spans = []
        if bar.reading.open_after:
            spans.append((bar.high, hi, "triangle-right", hi))
        if bar.reading.open_before:
            spans.append((lo, bar.low, "triangle-left", lo))
        for start, end, symbol, tip in spans:
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    base=[ordinal_iso(start)],
                    x=[(end - start) * MS_PER_DAY],
                    y=[y],
                    width=0.62,
                    marker={"color": colour, "opacity": 0.22},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=[ordinal_iso(tip)],
                    y=[y],
                    mode="markers",
                    marker={"symbol": symbol, "size": 13, "color": colour},
                    hoverinfo="skip",
                    showlegend=False,
                    cliponaxis=False,
                )
            )


def _small_marks(fig: go.Figure, bars: Sequence[tuple[Bar, float]], lo: float, hi: float) -> None:
    """A diamond on bars too short to see on the whole axis (a day on a multi-year timeline)."""
    short = [(b, y) for b, y in bars if (b.high - b.low) < 0.006 * (hi - lo)]
    if not short:
        return
    fig.add_trace(
        go.Scatter(
            x=[ordinal_iso((b.low + b.high) / 2) for b, _ in short],
            y=[y for _, y in short],
            mode="markers",
            marker={
                "symbol": "diamond",
                "size": 10,
                "color": [COLOURS[b.role] for b, _ in short],
                "line": {"color": "#ffffff", "width": 1},
            },
            hovertext=[hover_html(b) for b, _ in short],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )


def _headers(
    fig: go.Figure,
    heads: Sequence[tuple[Panel, float]],
    bars: Sequence[tuple[Bar, float]],
    lo: float,
    hi: float,
) -> None:
    """Per panel: a separator line, its title and consensus, and the consensus band behind its rows."""
    rows_of: dict[int, list[float]] = defaultdict(list)
    for k, (panel, _) in enumerate(heads):
        for bar in panel.bars:
            rows_of[k].extend(y for b, y in bars if b is bar)
    for k, (panel, y) in enumerate(heads):
        c = panel.consensus
        title = f"<b>{p(panel.title)}</b>"
        if c.declared:
            title += f"  ·  consensus: {p(c.value)} ({len(c.backers)} of {len(c.members)})"
        elif len(c.members) >= 3:
            title += f"  ·  {p(c.reason)}"
        fig.add_annotation(
            x=0,
            xref="paper",
            y=y,
            yref="y",
            text=title,
            showarrow=False,
            xanchor="left",
            align="left",
            font={"size": 12, "color": "#1f2430"},
        )
        fig.add_shape(
            type="line", xref="paper", x0=0, x1=1, y0=y - 0.5, y1=y - 0.5, line={"color": "#d5d9e0"}
        )
        if panel.band is not None and rows_of[k]:
            fig.add_shape(
                type="rect",
                layer="below",
                x0=ordinal_iso(panel.band[0]),
                x1=ordinal_iso(panel.band[1]),
                y0=min(rows_of[k]) - 0.45,
                y1=max(rows_of[k]) + 0.45,
                fillcolor="rgba(46,157,91,0.10)",
                line={"color": "rgba(46,157,91,0.55)", "dash": "dot", "width": 1},
            )


def selected_claim(points: Sequence[dict[str, object]]) -> tuple[int, str] | None:
    """(claim id, source id) of the first selected bar (``customdata`` = [start, source, claim])."""
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) >= 3:
            try:
                return int(str(data[2])), str(data[1])
            except ValueError:
                continue
    return None


def day(value: float) -> dt.date:
    """An ordinal day as a date (for tests and captions)."""
    return dt.date.fromisoformat(ordinal_iso(value))
