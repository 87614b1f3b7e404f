"""The interactive figures chart (plotly) from ``core.charts`` geometry; no Streamlit here.

One panel per number slot (claim x what is counted), each with its own x axis (log when the values span
more than two orders of magnitude), one row per source: an exact figure is a diamond, a range a bar,
"about X" a band with a tick at X, "nearly X" a band just below X, "over X" the soft reading as a band
and a ray with an arrow to the right edge, "up to X" the same to the left. The consensus is a green
band behind the rows. Segments are drawn as thick lines, which plotly draws the same on linear and log
axes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts import COLOURS, Bar, Panel, number_extent
from core.consensus import Shape
from ui.timeline import CHART_LAYOUT, hover_html, p, row_label

ROW_PX = 26
PANEL_EXTRA_PX = 24


def _segments(
    items: Sequence[tuple[float, float, float]],
) -> tuple[list[float | None], list[float | None]]:
    """Line segments (x0, x1, y) as one trace's coordinates, separated by gaps."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x0, x1, y in items:
        xs += [x0, x1, None]
        ys += [y, y, None]
    return xs, ys


@dataclass
class _Marks:
    """A panel's marks grouped by how they are drawn (one plotly trace per group)."""

    bands: dict[tuple[str, float], list[tuple[float, float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (role, opacity) -> (x0, x1, y)
    rays: dict[str, list[tuple[float, float, float]]] = field(default_factory=lambda: defaultdict(list))
    points: dict[tuple[str, str], list[tuple[Bar, float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (role, symbol) -> (bar, x, y)
    arrows: dict[tuple[str, str], list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def _panel_marks(panel: Panel, extent: tuple[float, float]) -> _Marks:
    """Where each bar of a panel is drawn: its band, ray, arrow and point, by the shape of its reading."""
    lo, hi = extent
    marks = _Marks()
    bands, rays, points, arrows = marks.bands, marks.rays, marks.points, marks.arrows
    for y, bar in enumerate(panel.bars):
        r = bar.reading
        fig_x = r.figure if math.isfinite(r.figure) else bar.low
        low, high = max(bar.low, lo), min(bar.high, hi)
        if r.shape == Shape.LOWER:
            bands[(bar.role, 0.28)].append((low, high, y))
            rays[bar.role].append((fig_x, hi, y))
            arrows[(bar.role, "triangle-right")].append((hi, y))
            points[(bar.role, "line-ns")].append((bar, fig_x, y))
        elif r.shape == Shape.UPPER:
            bands[(bar.role, 0.28)].append((low, high, y))
            rays[bar.role].append((lo, fig_x, y))
            arrows[(bar.role, "triangle-left")].append((lo, y))
            points[(bar.role, "line-ns")].append((bar, fig_x, y))
        elif r.shape in {Shape.APPROX, Shape.NEARLY, Shape.VAGUE}:
            bands[(bar.role, 0.18 if r.shape == Shape.VAGUE else 0.3)].append((low, high, y))
            points[(bar.role, "line-ns" if r.shape != Shape.VAGUE else "circle-open")].append(
                (bar, fig_x if r.shape != Shape.VAGUE else (low + high) / 2, y)
            )
        elif r.shape == Shape.RANGE:
            bands[(bar.role, 1.0)].append((low, high, y))
            points[(bar.role, "line-ns")].append((bar, (low + high) / 2, y))
        else:
            if high > low:
                bands[(bar.role, 0.35)].append((low, high, y))
            points[(bar.role, "diamond")].append((bar, fig_x, y))
    return marks


def _panel_traces(fig: go.Figure, panel: Panel, row: int, extent: tuple[float, float]) -> None:
    """Every mark of one panel into subplot ``row``."""
    marks = _panel_marks(panel, extent)
    # Bands are thick translucent lines, rays thin opaque ones: one trace per role and look.
    lines: list[tuple[tuple[str, int, float | None], list[tuple[float, float, float]]]] = [
        ((role, 13, opacity), items) for (role, opacity), items in marks.bands.items()
    ]
    lines += [((role, 3, None), items) for role, items in marks.rays.items()]
    for (role, width, opacity), items in lines:
        xs, ys = _segments(items)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": COLOURS[role], "width": width},
                opacity=opacity,
                hoverinfo="skip",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
    for (role, symbol), pts in marks.arrows.items():
        fig.add_trace(
            go.Scatter(
                x=[x for x, _ in pts],
                y=[y for _, y in pts],
                mode="markers",
                hoverinfo="skip",
                marker={"symbol": symbol, "size": 13, "color": COLOURS[role]},
                showlegend=False,
                cliponaxis=False,
            ),
            row=row,
            col=1,
        )
    for (role, symbol), found in marks.points.items():
        size = 18 if symbol == "line-ns" else 12
        tick = symbol == "line-ns"  # a tick is all outline; a diamond gets a white rim
        outline = {"color": COLOURS[role] if tick else "#ffffff", "width": 3 if tick else 1}
        fig.add_trace(
            go.Scatter(
                x=[x for _, x, _ in found],
                y=[y for _, _, y in found],
                mode="markers",
                marker={"symbol": symbol, "size": size, "color": COLOURS[role], "line": outline},
                hovertext=[hover_html(b) for b, _, _ in found],
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=[[b.fact.start, b.sources[0], panel.claim_id] for b, _, _ in found],
                showlegend=False,
            ),
            row=row,
            col=1,
        )


def _panel_title(pn: Panel) -> str:
    c = pn.consensus
    title = f"<b>{p(pn.title)}</b>"
    if c.declared:
        title += f"  ·  consensus: {p(c.value)} ({len(c.backers)} of {len(c.members)})"
    elif len(c.members) >= 3:
        title += f"  ·  {p(c.reason)}"
    return title


def _panel_axes(fig: go.Figure, pn: Panel, k: int, extent: tuple[float, float]) -> None:
    """Subplot ``k``'s axes (log when the panel says so, one row per bar) and its consensus band."""
    log = pn.scale == "log"
    axis_range = (
        [math.log10(max(extent[0], 1e-12)), math.log10(max(extent[1], 1e-12))] if log else list(extent)
    )
    fig.update_xaxes(
        type="log" if log else "linear",
        range=axis_range,
        row=k,
        col=1,
        showgrid=True,
        gridcolor="#e6e8ec",
        zeroline=False,
        title_text="log scale" if log else None,
        title_font={"size": 11},
        title_standoff=2,
    )
    fig.update_yaxes(
        range=[len(pn.bars) - 0.4, -0.6],
        tickvals=list(range(len(pn.bars))),
        ticktext=[row_label(b) for b in pn.bars],
        tickfont={"color": "#1f2430"},
        row=k,
        col=1,
        showgrid=False,
        zeroline=False,
        automargin=True,
        fixedrange=True,
    )
    if pn.band is not None:
        ref = "" if k == 1 else str(k)
        x0, x1 = max(pn.band[0], extent[0]), min(pn.band[1], extent[1])
        fig.add_shape(
            type="rect",
            layer="below",
            xref=f"x{ref}",
            yref=f"y{ref}",
            x0=x0,
            x1=x1 if x1 > x0 else x0,
            y0=-0.5,
            y1=len(pn.bars) - 0.5,
            fillcolor="rgba(46,157,91,0.10)",
            line={"color": "rgba(46,157,91,0.55)", "dash": "dot", "width": 1},
        )


def figures_figure(panels: Sequence[Panel]) -> go.Figure:
    """One subplot per number panel (see the module docstring)."""
    panels = [pn for pn in panels if pn.bars]
    if not panels:
        return go.Figure()
    heights = [len(pn.bars) * ROW_PX + PANEL_EXTRA_PX for pn in panels]
    total = sum(heights)
    gap_px = 64  # between panels: the x tick labels of one and the title of the next
    plot_px = total + gap_px * (len(panels) - 1)
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        row_heights=[h / total for h in heights],
        subplot_titles=[_panel_title(pn) for pn in panels],
        vertical_spacing=gap_px / plot_px,
    )
    for k, pn in enumerate(panels, start=1):
        extent = number_extent(pn)
        _panel_traces(fig, pn, k, extent)
        _panel_axes(fig, pn, k, extent)
    for ann in fig.layout.annotations:
        ann.update(x=0, xanchor="left", font={"size": 12, "color": "#1f2430"})
    fig.update_layout(
        height=int(plot_px + 80),
        margin={"l": 10, "r": 20, "t": 70, "b": 30},
        **CHART_LAYOUT,
    )
    return fig
