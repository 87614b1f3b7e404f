"""Plotly figures of the overview. Labels come from untrusted source names: HTML-escaped for Plotly."""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go

from core.model import Comparison
from ui.analysis import STATUS_LABELS, PairTables, Status, claim_overall, claim_status
from ui.render import STATUS_COLOURS
from ui.text import shorten

_FONT = {"family": "Source Sans Pro, sans-serif", "size": 13}


def _p(text: str) -> str:
    """Plotly renders a little HTML in labels; escape untrusted text for it."""
    return html.escape(text, quote=False)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font=_FONT,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    fig.update_xaxes(side="top", automargin=True)
    if fig.layout.xaxis.tickangle is None:  # slanted labels (set by ``_column_labels``) stay slanted
        fig.update_xaxes(tickangle=0)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def _labels(sources: tuple[str, ...], width: int = 12) -> list[str]:
    """Source names for axes: escaped, shortened, wrapped at about ``width`` characters per line."""
    out = []
    for s in sources:
        words = re.split(r"(?<=[_\-\s])", shorten(s, 36))
        lines, line = [], ""
        for w in words:
            if line and len(line) + len(w) > width:
                lines.append(line)
                line = ""
            line += w
        lines.append(line)
        out.append("<br>".join(_p(x.strip()) for x in lines if x.strip()))
    return out


# Rough pixel sizes of the 13 px font and of what surrounds a heatmap's cells (row labels, colour bar).
_CHAR_PX = 7.4
_FRAME_PX = 230


def cell_width(sources: tuple[str, ...], chart_px: int, frame_px: int = _FRAME_PX) -> float:
    """About how many pixels wide one heatmap column is in a chart ``chart_px`` wide."""
    return max(20.0, (chart_px - frame_px) / max(len(sources), 1))


def _column_labels(
    fig: go.Figure, sources: tuple[str, ...], chart_px: int, frame_px: int = _FRAME_PX
) -> list[str]:
    """Column labels that do not run into each other: wrapped to the column width when every piece
    fits (``000_`` / ``ec9a4c8f21367746``), else whole names at a slant."""
    per_col = max(4, int(cell_width(sources, chart_px, frame_px) / _CHAR_PX) - 1)
    wrapped = _labels(sources, per_col)
    if all(len(html.unescape(line)) <= per_col for lab in wrapped for line in lab.split("<br>")):
        return wrapped
    fig.update_xaxes(tickangle=-40)
    return [_p(shorten(s, 36)) for s in sources]


def shared_heatmap(t: PairTables, chart_px: int = 1000) -> go.Figure:
    """Share of claim groups two sources have in common (of those either carries).

    ``chart_px`` is about how wide the chart is drawn: it decides how labels wrap and how much fits in
    a cell.
    """
    n = len(t.sources)
    roomy = cell_width(t.sources, chart_px) >= 80
    text = [
        [
            (f"{t.shared[i][j]} claims" if roomy else f"{t.shared[i][j]}")
            if i == j
            else f"{t.share[i][j]:.0%}<br>({t.shared[i][j]}{' shared' if roomy else ''})"
            for j in range(n)
        ]
        for i in range(n)
    ]
    fig = go.Figure()
    names = _column_labels(fig, t.sources, chart_px)
    fig.add_trace(
        go.Heatmap(
            z=[[None if i == j else t.share[i][j] for j in range(n)] for i in range(n)],
            x=names,
            y=_labels(t.sources),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale="Blues",
            zmin=0,
            zmax=1,
            xgap=3,
            ygap=3,
            colorbar={"title": {"text": "shared"}, "tickformat": ".0%", "thickness": 12},
            hovertemplate="%{y} × %{x}<br>%{text}<extra></extra>",
        )
    )
    return _layout(fig, 110 + 60 * n)


def divergence_heatmap(t: PairTables, chart_px: int = 1000) -> go.Figure:
    """Differences (facts both state, differently) per pair of sources, with the conflicts among them;
    omissions (facts only one of the two states) on a line of their own, not coloured."""
    n = len(t.sources)
    roomy = cell_width(t.sources, chart_px) >= 95
    differences = t.differences or t.divergences
    omissions = t.omissions or tuple(tuple(0 for _ in r) for r in t.divergences)

    def cell(i: int, j: int) -> str:
        if i == j:
            return ""
        k, o = t.conflicts[i][j], omissions[i][j]
        conflicts = f"({k}{' conflict' + 's' * (k != 1) if roomy else ' confl.'})"
        left_out = (
            f"<br><span style='font-size:10px'>+{o} {'omitted' if roomy else 'om.'}</span>" if o else ""
        )
        return f"{differences[i][j]} {conflicts}{left_out}"

    text = [[cell(i, j) for j in range(n)] for i in range(n)]
    top = max((max(r) for r in differences), default=0)
    fig = go.Figure()
    names = _column_labels(fig, t.sources, chart_px)
    fig.add_trace(
        go.Heatmap(
            z=[[None if i == j else differences[i][j] for j in range(n)] for i in range(n)],
            x=names,
            y=_labels(t.sources),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale="OrRd",
            zmin=0,
            zmax=max(top, 1),
            xgap=3,
            ygap=3,
            colorbar={"title": {"text": "differ"}, "thickness": 12},
            hovertemplate="%{y} × %{x}<br>%{text}<extra>differences (conflicts), omissions</extra>",
        )
    )
    return _layout(fig, 110 + 60 * n)


def coverage_matrix(cmp: Comparison, *, limit: int = 60, chart_px: int = 1000) -> tuple[go.Figure, int]:
    """Claims x sources: who carries which claim, coloured by agreement. Returns (figure, claims shown).

    Claims with conflicts come first, then those with differing facts, then the rest (each by size).
    """
    status = claim_status(cmp)
    overall = claim_overall(cmp)
    claims = sorted(cmp.claims, key=lambda c: (-overall[c.claim_id], -len(c.passages), c.claim_id))[:limit]
    ids = cmp.source_ids
    z: list[list[int]] = []
    hover: list[list[str]] = []
    labels: list[str] = []
    for c in claims:
        first = c.passages[0]
        labels.append(_p(f"#{c.claim_id} {shorten(first.text, 42)}"))
        row, hrow = [], []
        for sid in ids:
            st = status.get((c.claim_id, sid), Status.ABSENT)
            row.append(int(st))
            p = c.passage(sid)
            passage = _p(shorten(p.text, 160)) if p else "does not report this claim"
            hrow.append(f"<b>{_p(sid)}</b> · {STATUS_LABELS[st]}<br>{passage}")
        z.append(row)
        hover.append(hrow)
    # A discrete colour scale: one band per status.
    scale = []
    bands = len(Status)
    for k in range(bands):
        colour = STATUS_COLOURS[Status(k)]
        scale += [[k / bands, colour], [(k + 1) / bands, colour]]
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=_column_labels(fig, ids, chart_px, frame_px=330),
            y=labels,
            customdata=hover,
            colorscale=scale,
            zmin=-0.5,
            zmax=bands - 0.5,
            xgap=2,
            ygap=2,
            showscale=False,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    shown = {Status(v) for row in z for v in row}
    legend = [Status.SAME, Status.DIFFERS, Status.CONFLICT, Status.UNCOMPARED, Status.ABSENT]
    for k in [k for k in legend if k != Status.UNCOMPARED or k in shown]:  # a legend for the colours
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=STATUS_LABELS[k],
                marker={"size": 12, "symbol": "square", "color": STATUS_COLOURS[k]},
            )
        )
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "xanchor": "left", "x": 0, "title": None},
        showlegend=True,
    )
    _layout(fig, 150 + 26 * len(claims))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 40})
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(showgrid=False)
    return fig, len(claims)
