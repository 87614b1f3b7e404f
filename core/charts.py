"""What the timeline and the figures chart draw, and the same charts as static SVG. Pure, no UI.

The geometry is computed once here and drawn twice: as plotly figures by ``ui/timeline.py`` and
``ui/figures.py`` (interactive), and as SVG by ``timeline_svg`` / ``figures_svg`` for the HTML report
(no script needed to read it; a ``<title>`` on every mark is the hover text).

* **Timeline**: every date fact of every claim group is a bar over the days it covers (granularity is the
  bar's length: "late 2024" Sep 1 - Dec 31, "late August 2024" Aug 21-31), one row per source, grouped by
  claim and slot, on one date axis for the whole story. "since X" / "until X" continue as a fading ray to
  the axis edge; a year the text does not state (placed in the year the other sources give) is hatched.
* **Figures**: every number slot is a panel with its own axis (what it counts: deaths, EUR, percent);
  exact figures are points, ranges bars, "about X" a band, "nearly X" a band just below X, "over X" a
  ray with an arrow to the right, "up to X" a ray to the left. Log scale when the values span more than
  two orders of magnitude.

Colour is the source's role against the slot's consensus (``core.consensus``); without a consensus it is
the worst relation the fact has with another source. Conflicts show as bars that do not overlap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.consensus import (
    ROLE_LABELS,
    Consensus,
    Reading,
    Role,
    Shape,
    comparison_consensus,
    date_reading,
    fact_key,
    number_reading,
    unit_label,
)
from core.model import Comparison, Fact, FactKind, FactPair, Relation

# --------------------------------------------------------------------------------------------------
# Colours (shared by plotly and SVG; the relation colours of the side-by-side view)

COLOURS: dict[str, str] = {
    "agrees": "#2e9d5b",
    "more_specific": "#2155b8",
    "less_specific": "#8fb0e8",
    "compatible": "#e0a100",
    "outlier": "#d9463b",
    "unplaced": "#9aa1ab",
    "same": "#7cc59b",
    "differs": "#f2b84b",
    "conflict": "#d9463b",
    "only": "#8f6ad6",
}
LEGEND: dict[str, str] = {
    "agrees": "agrees with the consensus",
    "more_specific": "more specific (inside it)",
    "less_specific": "less specific (contains it)",
    "compatible": "compatible (overlaps it)",
    "outlier": "outlier (conflicts with it)",
    "same": "same as the others (no consensus: < 3 sources)",
    "differs": "differs from another source",
    "conflict": "conflicts with another source",
    "only": "stated by this source only",
    "unplaced": "cannot be placed",
}
# "outlier" and "conflict" share a colour on purpose (both are a conflict): one legend entry for both.
_CONFLICT_BOTH = "conflicts (with the consensus, or with another source where there is none)"


def legend_items(panels: Iterable[Panel]) -> list[tuple[str, str]]:
    """(colour, words) of every role drawn in ``panels``, in ``LEGEND`` order: a legend lists what the
    chart shows, and one colour is listed once."""
    used = {b.role for p in panels for b in (*p.bars, *p.unplaced)}
    items: list[tuple[str, str]] = []
    for role, words in LEGEND.items():
        if role not in used:
            continue
        if role == "conflict" and "outlier" in used:
            continue  # merged into the outlier entry
        both = role == "outlier" and "conflict" in used
        items.append((COLOURS[role], _CONFLICT_BOTH if both else words))
    return items


MAX_ROWS_PER_SLOT = 10  # past this many sources a slot shows one row per distinct value


@dataclass(frozen=True, slots=True)
class Bar:
    """One drawn value.

    Attributes:
        sources: The source(s) stating it (several when a crowded slot merges identical values).
        fact: The (first) source's fact.
        reading: Its reading (``core.consensus``).
        low, high: Drawn extent: dates as ordinal days, ``high`` exclusive (the day after the last);
            numbers as the soft reading (what relations are decided on).
        role: Colour key (``COLOURS``).
        note: What the colour means for this value, in words (hover text).
        passage: The sentence(s) the fact stands in.
    """

    sources: tuple[str, ...]
    fact: Fact
    reading: Reading
    low: float
    high: float
    role: str
    note: str
    passage: str

    @property
    def label(self) -> str:
        """Row label: the source, or "first +N" for merged rows."""
        first = self.sources[0]
        return first if len(self.sources) == 1 else f"{first} +{len(self.sources) - 1}"

    @property
    def value_label(self) -> str:
        """The value as the source states it, with an open end in words ("since late August 2024"):
        the bar's arrow alone would leave the row label saying less than the source did."""
        value = self.fact.value or self.fact.text
        if self.fact.kind == FactKind.DATE and self.reading.open_after:
            return f"since {value}"
        if self.fact.kind == FactKind.DATE and self.reading.open_before:
            return f"until {value}"
        return value

    @property
    def shape(self) -> Shape:
        return self.reading.shape

    @property
    def assumed(self) -> bool:
        """A date whose year the text does not state (drawn hatched)."""
        return self.fact.kind == FactKind.DATE and not self.reading.year_stated

    @property
    def hover(self) -> str:
        """Plain-text hover: who, what, how it relates, and the sentence."""
        who = ", ".join(self.sources[:8]) + (
            f" and {len(self.sources) - 8} more" if len(self.sources) > 8 else ""
        )
        extra = []
        if self.reading.open_after:
            extra.append("open-ended: from this date on")
        if self.reading.open_before:
            extra.append("open-ended: up to this date")
        if self.assumed and self.reading.placed:
            extra.append("year not stated: placed in the year the other sources give")
        lines = [
            f"{who}: {self.value_label}",
            self.note,
            *extra,
            f"“{_short(self.passage, 280)}”",
        ]
        return "\n".join(x for x in lines if x)


@dataclass(frozen=True, slots=True)
class Panel:
    """One slot drawn: its rows (one bar per row) and the consensus band.

    Attributes:
        consensus: The slot's consensus (``declared`` False when none).
        title: "Claim #3 · date" / "Claim #3 · passengers".
        bars: Placed values, one per row, in source order.
        unplaced: Values that cannot be drawn (an unresolved "last week").
        scale: "date", "linear" or "log".
        band: The consensus interval in drawn units (None without one).
    """

    consensus: Consensus
    title: str
    bars: tuple[Bar, ...]
    unplaced: tuple[Bar, ...]
    scale: str
    band: tuple[float, float] | None

    @property
    def claim_id(self) -> int:
        return self.consensus.slot.claim_id

    @property
    def has_conflict(self) -> bool:
        return any(b.role in {"outlier", "conflict"} for b in (*self.bars, *self.unplaced))


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------------
# Geometry

_SEVERITY = {"only": 0, "same": 1, "differs": 2, "conflict": 3}


def _pair_roles(pairs: Iterable[FactPair]) -> dict[tuple[str, int, int, str], str]:
    """Per fact, the worst relation it has with any other source ("only" when it is never paired)."""
    out: dict[tuple[str, int, int, str], str] = {}
    for fp in pairs:
        rel = Relation(fp.relation)
        role = {
            Relation.SAME: "same",
            Relation.CONFLICT: "conflict",
            Relation.ONLY_IN_A: "only",
            Relation.ONLY_IN_B: "only",
        }.get(rel, "differs")
        for f in (fp.a, fp.b):
            if f is not None:
                key = fact_key(f)
                if key not in out or _SEVERITY[role] > _SEVERITY[out[key]]:
                    out[key] = role
    return out


def _passages(cmp: Comparison) -> dict[tuple[int, str], str]:
    return {(c.claim_id, p.source_id): p.text for c in cmp.claims for p in c.passages}


def _bar(f: Fact, reading: Reading, role: str, note: str, passage: str) -> Bar:
    if f.kind == FactKind.DATE:
        low, high = reading.low, reading.high + 1  # the day after the last: a one-day bar has length 1
    else:
        low, high = reading.low, reading.high
    return Bar((f.source_id,), f, reading, low, high, role, note, passage)


def _role_note(c: Consensus, role: Role) -> str:
    if not c.declared:
        return ""
    label = ROLE_LABELS[role]
    return f"{label} — consensus: {c.value} ({len(c.backers)} of {len(c.members)} sources)"


_Key = tuple[str, int, int, str]


def _panel_bars(
    c: Consensus, pair_role: dict[_Key, str], passages: dict[tuple[int, str], str], texts: dict[str, str]
) -> list[Bar]:
    slot = c.slot
    members = {fact_key(m.fact): m for m in c.members}
    readings = {fact_key(m.fact): m.reading for m in c.members}
    bars: list[Bar] = []
    for f in slot.facts:
        key = fact_key(f)
        reading = readings.get(key) or _reading(f, texts, c)
        passage = passages.get((slot.claim_id, f.source_id), "")
        if c.declared and key in members:
            role = members[key].role
            bars.append(_bar(f, reading, str(role), _role_note(c, role), passage))
            continue
        role_name = pair_role.get(key, "only")
        note = {
            "only": "no other source states this",
            "same": "the same as the other sources",
            "differs": "differs from another source (see the divergences)",
            "conflict": "conflicts with another source",
        }[role_name]
        if c.declared:  # a second fact of a source that has another one in this slot
            note = f"also stated by {f.source_id} in this claim"
            role_name = "compatible"
        bars.append(_bar(f, reading, role_name, note, passage))
    return bars


def _reading(f: Fact, texts: dict[str, str], c: Consensus) -> Reading:
    if f.kind == FactKind.DATE:
        year = None
        if c.declared and not math.isnan(c.low):
            year = dt.date.fromordinal(int(c.low)).year
        return date_reading(f, texts.get(f.source_id), assume_year=year)
    r = number_reading(f)
    if r is None:
        nan = math.nan
        return Reading(f, nan, nan, nan, nan, Shape.EXACT, nan, "")
    return r


def _merge_rows(bars: list[Bar]) -> list[Bar]:
    """One row per distinct value (and role) once a slot has too many sources to list one by one."""
    if len(bars) <= MAX_ROWS_PER_SLOT:
        return bars
    groups: dict[tuple[object, ...], list[Bar]] = defaultdict(list)
    for b in bars:
        groups[
            (b.low, b.high, b.shape, b.role, b.fact.value, b.reading.open_after, b.reading.open_before)
        ].append(b)
    merged = [dataclasses.replace(g[0], sources=tuple(x.sources[0] for x in g)) for g in groups.values()]
    merged.sort(key=lambda b: (-len(b.sources), b.low))
    return merged


def _scale(kind: FactKind, bars: Sequence[Bar]) -> str:
    if kind == FactKind.DATE:
        return "date"
    ends = [v for b in bars for v in (b.low, b.high, b.reading.figure) if math.isfinite(v) and v > 0]
    if ends and max(ends) / min(ends) > 100:
        return "log"
    return "linear"


def build_panels(
    cmp: Comparison, kind: FactKind, *, consensus: Sequence[Consensus] | None = None
) -> list[Panel]:
    """The panels of every date (``FactKind.DATE``) or number slot, in claim order.

    Args:
        cmp: The comparison.
        kind: Which slots.
        consensus: ``comparison_consensus(cmp)`` when already computed.
    """
    items = consensus if consensus is not None else comparison_consensus(cmp)
    pairs_by_claim: dict[int, list[FactPair]] = defaultdict(list)
    for fp in cmp.facts:
        if fp.kind == kind:
            pairs_by_claim[fp.claim_id].append(fp)
    passages = _passages(cmp)
    texts = {a.source_id: a.text for a in cmp.articles}
    panels: list[Panel] = []
    for c in items:
        if c.slot.kind != kind:
            continue
        pair_role = _pair_roles(pairs_by_claim.get(c.slot.claim_id, ()))
        bars = _panel_bars(c, pair_role, passages, texts)
        placed = _merge_rows([b for b in bars if b.reading.placed])
        unplaced = tuple(b for b in bars if not b.reading.placed)
        what = "date" if kind == FactKind.DATE else unit_label(c.slot.unit)
        title = f"Claim #{c.slot.claim_id} · {what}" + _nth(c, items)
        band = None
        if c.declared and not math.isnan(c.low):
            band = (c.low, c.high + 1) if kind == FactKind.DATE else (c.low, c.high)
        panels.append(Panel(c, title, tuple(placed), unplaced, _scale(kind, placed), band))
    return panels


def _nth(c: Consensus, items: Sequence[Consensus]) -> str:
    """A suffix like " (2nd)" when the claim states several dates (or several figures of one unit) that
    two or more sources share, so that their titles tell them apart; else ""."""
    slot = c.slot
    shared = [
        x
        for x in items
        if (x.slot.claim_id, x.slot.kind, x.slot.unit) == (slot.claim_id, slot.kind, slot.unit)
        and len(x.members) >= 2
    ]
    index = next((k for k, x in enumerate(shared) if x is c), None)
    if len(shared) < 2 or index is None:
        return ""
    n = index + 1
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n > 20 else n, "th")
    return f" ({n}{suffix})"


def date_extent(panels: Sequence[Panel]) -> tuple[float, float] | None:
    """The ordinal day range all placed date bars cover, padded by 4 % (at least 15 days) each side."""
    ends = [v for p in panels for b in p.bars for v in (b.low, b.high)]
    if not ends:
        return None
    lo, hi = min(ends), max(ends)
    pad = max(15.0, 0.04 * (hi - lo))
    return max(1.0, lo - pad), min(float(dt.date.max.toordinal()), hi + pad)


def number_extent(panel: Panel) -> tuple[float, float]:
    """The drawn range of a figures panel: every finite end and figure, padded (rays run to the edge)."""
    values = [v for b in panel.bars for v in (b.low, b.high, b.reading.figure) if math.isfinite(v)]
    if panel.band:
        values += [v for v in panel.band if math.isfinite(v)]
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    if panel.scale == "log":
        lo = min(v for v in values if v > 0)
        return lo / 1.6, hi * 1.6
    if lo == hi:
        pad = abs(lo) * 0.2 or 1.0
        return lo - pad, hi + pad
    pad = 0.12 * (hi - lo)
    has_ray = any(b.shape in {Shape.LOWER, Shape.UPPER} for b in panel.bars)
    low = lo - pad if lo - pad > 0 or lo < 0 else 0.0
    return low, hi + pad * (2.5 if has_ray else 1)


def ordinal_iso(value: float) -> str:
    """An ordinal day (possibly fractional or out of range) as an ISO date, clamped to 1..9999."""
    day = min(max(math.floor(value), 1), dt.date.max.toordinal())
    return dt.date.fromordinal(day).isoformat()


# --------------------------------------------------------------------------------------------------
# Axis ticks

_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_ticks(lo: float, hi: float, *, target: int = 8) -> list[tuple[float, str]]:
    """Tick positions (ordinal days) and labels for a date axis: days, months, quarters or years."""
    span = max(hi - lo, 1.0)
    a, b = dt.date.fromordinal(int(max(lo, 1))), dt.date.fromordinal(int(min(hi, dt.date.max.toordinal())))
    if span / 7 <= target * 1.5:
        step = max(1, round(span / target))
        out = []
        d = a
        while d <= b:
            out.append((float(d.toordinal()), f"{d.day} {_MONTH[d.month - 1]} {d.year}"))
            if d.toordinal() + step > dt.date.max.toordinal():
                break
            d = dt.date.fromordinal(d.toordinal() + step)
        return out
    for months in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000):
        if span / 30.44 / months <= target:
            break
    out = []
    m = (a.year * 12 + a.month - 1) // months * months + months  # first boundary after the start
    while True:
        year, month = divmod(m, 12)
        if year > 9999:
            break
        d = dt.date(max(year, 1), month + 1, 1)
        if d > b:
            break
        label = str(year) if months >= 12 else f"{_MONTH[month]} {year}"
        out.append((float(d.toordinal()), label))
        m += months
    return out


def number_ticks(lo: float, hi: float, *, log: bool = False, target: int = 6) -> list[tuple[float, str]]:
    """Tick positions and compact labels ("1.5k", "2M") for a linear or log axis."""
    if log:
        first, last = math.floor(math.log10(max(lo, 1e-12))), math.ceil(math.log10(max(hi, 1e-12)))
        decades = range(first, last + 1)
        mults = (1, 2, 5) if len(decades) <= 3 else (1,)
        return [
            (m * 10.0**e, compact(m * 10.0**e)) for e in decades for m in mults if lo <= m * 10.0**e <= hi
        ]
    raw = (hi - lo) / target
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step) * step
    out = []
    v = start
    while v <= hi + 1e-9 * step:
        out.append((v, compact(v)))
        v += step
    return out


def compact(v: float) -> str:
    """1500 -> "1.5k", 2000000 -> "2M", 0.25 -> "0.25"."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= scale:
            return f"{v / scale:.3g}{suffix}"
    return f"{v:.3g}"


# --------------------------------------------------------------------------------------------------
# SVG

_ROW = 22
_HEAD = 26
_LABEL_W = 330  # source name, then the value it states, then the plot
_PAD_R = 24
_AXIS_H = 26


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _defs(uid: str) -> str:
    stripes = "".join(
        f'<pattern id="{uid}-hatch-{k}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{c}"/></pattern>'
        for k, c in COLOURS.items()
    )
    fades = "".join(
        f'<linearGradient id="{uid}-fade-{k}-{d}" x1="{0 if d == "r" else 1}" x2="{1 if d == "r" else 0}" '
        f'y1="0" y2="0"><stop offset="0" stop-color="{c}" stop-opacity=".55"/>'
        f'<stop offset="1" stop-color="{c}" stop-opacity=".05"/></linearGradient>'
        for k, c in COLOURS.items()
        for d in ("r", "l")
    )
    return f"<defs>{stripes}{fades}</defs>"


class _Axis:
    """Maps values to x pixels (linear or log)."""

    def __init__(self, lo: float, hi: float, x0: float, x1: float, *, log: bool = False) -> None:
        self.log = log
        self.lo, self.hi = (math.log10(lo), math.log10(hi)) if log else (lo, hi)
        self.x0, self.x1 = x0, x1

    def __call__(self, v: float) -> float:
        if self.log:
            v = math.log10(v) if v > 0 else self.lo - 1
        if v == math.inf:
            return self.x1
        if v == -math.inf:
            return self.x0
        span = self.hi - self.lo or 1.0
        return min(self.x1, max(self.x0, self.x0 + (v - self.lo) / span * (self.x1 - self.x0)))


def _ticks_svg(ticks: Sequence[tuple[float, str]], axis: _Axis, y0: float, y1: float) -> str:
    out = []
    for v, label in ticks:
        x = axis(v)
        out.append(f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="#e6e8ec"/>')
        out.append(
            f'<text x="{x:.1f}" y="{y1 + 14:.1f}" text-anchor="middle" class="tick">{_e(label)}</text>'
        )
    return "".join(out)


def _el(tag: str, inner: str = "", /, **attrs: object) -> str:
    """An SVG element; attribute names use ``_`` for ``-``; float values get one decimal."""
    text = " ".join(
        f'{k.rstrip("_").replace("_", "-")}="{v:.1f}"'
        if isinstance(v, float)
        else f'{k.rstrip("_").replace("_", "-")}="{v}"'
        for k, v in attrs.items()
    )
    return f"<{tag} {text}>{inner}</{tag}>" if inner else f"<{tag} {text}/>"


def _band(x0: float, x1: float, y: float, colour: str, **attrs: object) -> str:
    return _el("rect", x=x0, y=y - 6, width=max(x1 - x0, 2.0), height=12, rx=2, fill=colour, **attrs)


def _date_mark(bar: Bar, axis: _Axis, y: float, uid: str) -> list[str]:
    colour = COLOURS.get(bar.role, "#888")
    x0, x1 = axis(bar.low), axis(bar.high)
    parts: list[str] = []
    if bar.reading.open_after:
        parts.append(_band(x1, axis.x1, y, f"url(#{uid}-fade-{bar.role}-r)"))
        parts.append(_arrow(axis.x1, y, colour, right=True))
    if bar.reading.open_before:
        parts.append(_band(axis.x0, x0, y, f"url(#{uid}-fade-{bar.role}-l)"))
        parts.append(_arrow(axis.x0, y, colour, right=False))
    fill = f"url(#{uid}-hatch-{bar.role})" if bar.assumed else colour
    parts.append(_band(x0, x1, y, fill, stroke=colour, stroke_width=1))
    if x1 - x0 < 5:  # a day on a multi-year axis: a diamond so that it is seen
        parts.append(_diamond((x0 + x1) / 2, y, colour))
    return parts


def _number_mark(bar: Bar, axis: _Axis, y: float) -> list[str]:
    colour = COLOURS.get(bar.role, "#888")
    r = bar.reading
    x0, x1 = axis(bar.low), axis(bar.high)
    fig = axis(r.figure) if math.isfinite(r.figure) else x0
    line = {"stroke": colour, "stroke_width": 2.5}
    if r.shape == Shape.LOWER:  # "over X": the soft reading as a band, the ray to the edge
        return [
            _band(x0, x1, y, colour, fill_opacity=".28"),
            _el("line", x1=fig, y1=y, x2=axis.x1 - 6, y2=y, **line),
            _arrow(axis.x1, y, colour, right=True),
            _tick(fig, y, colour),
        ]
    if r.shape == Shape.UPPER:
        return [
            _band(x0, x1, y, colour, fill_opacity=".28"),
            _el("line", x1=axis.x0 + 6, y1=y, x2=fig, y2=y, **line),
            _arrow(axis.x0, y, colour, right=False),
            _tick(fig, y, colour),
        ]
    if r.shape in {Shape.APPROX, Shape.NEARLY, Shape.VAGUE}:
        opacity = ".18" if r.shape == Shape.VAGUE else ".28"
        parts = [_band(x0, x1, y, colour, fill_opacity=opacity, stroke=colour, stroke_dasharray="3 2")]
        return parts if r.shape == Shape.VAGUE else [*parts, _tick(fig, y, colour)]
    if r.shape == Shape.RANGE:
        return [_band(x0, x1, y, colour)]
    parts = []
    if x1 - x0 >= 3:  # an exact figure with a rounding tolerance ("1.2 million")
        parts.append(_el("rect", x=x0, y=y - 3, width=x1 - x0, height=6, fill=colour, fill_opacity=".35"))
    return [*parts, _diamond(fig, y, colour, size=6)]


def _mark_svg(bar: Bar, axis: _Axis, y: float, uid: str, *, kind: FactKind) -> str:
    """One bar, band, ray or point at row centre ``y``, with its hover title."""
    parts = _date_mark(bar, axis, y, uid) if kind == FactKind.DATE else _number_mark(bar, axis, y)
    return f'<g class="mark"><title>{_e(bar.hover)}</title>{"".join(parts)}</g>'


def _arrow(x: float, y: float, colour: str, *, right: bool) -> str:
    d = 7 if right else -7
    return _el(
        "polygon", points=f"{x:.1f},{y:.1f} {x - d:.1f},{y - 5:.1f} {x - d:.1f},{y + 5:.1f}", fill=colour
    )


def _diamond(x: float, y: float, colour: str, size: float = 5) -> str:
    s = size
    points = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
    return _el("polygon", points=points, fill=colour, stroke="#fff", stroke_width=1)


def _tick(x: float, y: float, colour: str) -> str:
    return _el("line", x1=x, y1=y - 8, x2=x, y2=y + 8, stroke=colour, stroke_width=2.5)


def _rows_svg(
    panel: Panel, axis: _Axis, top: float, width: float, *, uid: str, kind: FactKind
) -> tuple[str, float]:
    """A panel's title row, consensus band and one row per bar; returns (svg, height)."""
    out = [_el("text", _e(panel.title), x=6, y=top + 17, class_="ptitle")]
    c = panel.consensus
    if c.declared:
        words = f"consensus: {_e(c.value)} ({len(c.backers)} of {len(c.members)})"
        out.append(_el("text", words, x=width - _PAD_R, y=top + 17, text_anchor="end", class_="cons"))
    y = top + _HEAD
    rows = len(panel.bars) + (1 if panel.unplaced else 0)
    if panel.band is not None:
        bx0, bx1 = axis(panel.band[0]), axis(panel.band[1])
        out.append(
            _el("rect", f"<title>consensus: {_e(c.value)}</title>", x=bx0, y=y, width=max(bx1 - bx0, 2.0),
                height=float(rows * _ROW), fill="#2e9d5b", fill_opacity=".10", stroke="#2e9d5b",
                stroke_opacity=".5", stroke_dasharray="4 3")
        )  # fmt: skip
    for bar in panel.bars:
        cy = y + _ROW / 2
        value = _e(_short(bar.value_label, 30))
        out.append(_el("text", _e(_short(bar.label, 24)), x=6, y=cy + 4, class_="src"))
        out.append(_el("text", value, x=_LABEL_W - 8, y=cy + 4, text_anchor="end", class_="val"))
        out.append(_mark_svg(bar, axis, cy, uid, kind=kind))
        y += _ROW
    if panel.unplaced:
        names = _short(", ".join(f"{b.fact.source_id}: {b.fact.value}" for b in panel.unplaced), 140)
        out.append(_el("text", f"not placeable: {_e(names)}", x=6, y=y + 15, class_="note"))
        y += _ROW
    return "".join(out), y - top


def _svg(body: str, width: float, height: float, uid: str, label: str) -> str:
    style = (
        "<style>.tick{font:11px sans-serif;fill:#5f6570}.src{font:12px sans-serif;fill:#1f2430}"
        ".ptitle{font:600 12px sans-serif;fill:#1f2430}.cons{font:12px sans-serif;fill:#2e6b46}"
        ".note{font:italic 11px sans-serif;fill:#5f6570}"
        ".val{font:11px sans-serif;fill:#5f6570}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{_e(label)}">'
        f"{style}{_defs(uid)}{body}</svg>"
    )


def timeline_svg(panels: Sequence[Panel], *, width: int = 960, uid: str = "tl") -> str:
    """All date panels on one shared date axis, as a static SVG ("" when there is no date to draw)."""
    extent = date_extent(panels)
    drawn = [p for p in panels if p.bars or p.unplaced]
    if extent is None or not drawn:
        return ""
    axis = _Axis(extent[0], extent[1], _LABEL_W, width - _PAD_R)
    body: list[str] = []
    y = float(_AXIS_H)
    for p in drawn:
        svg, h = _rows_svg(p, axis, y, width, uid=uid, kind=FactKind.DATE)
        body.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5d9e0"/>' + svg)
        y += h + 6
    ticks = date_ticks(extent[0], extent[1])
    grid = _ticks_svg(ticks, axis, _AXIS_H - 4, y)
    top_labels = "".join(
        f'<text x="{axis(v):.1f}" y="{_AXIS_H - 10}" text-anchor="middle" class="tick">{_e(t)}</text>'
        for v, t in ticks
    )
    return _svg(
        grid + top_labels + "".join(body), width, y + 22, uid, "Timeline of the dates each source states"
    )


def figures_svg(panels: Sequence[Panel], *, width: int = 960, uid: str = "fg") -> str:
    """Every number panel with its own axis, stacked, as a static SVG ("" when there is none)."""
    drawn = [p for p in panels if p.bars]
    if not drawn:
        return ""
    body: list[str] = []
    y = 4.0
    for k, p in enumerate(drawn):
        lo, hi = number_extent(p)
        log = p.scale == "log"
        axis = _Axis(lo, hi, _LABEL_W, width - _PAD_R, log=log)
        svg, h = _rows_svg(p, axis, y, width, uid=f"{uid}{k}", kind=FactKind.NUMBER)
        ticks = number_ticks(lo, hi, log=log)
        body.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5d9e0"/>')
        body.append(_ticks_svg(ticks, axis, y + _HEAD - 4, y + h) + svg)
        if log:
            body.append(f'<text x="{width - _PAD_R:.1f}" y="{y + h + 26:.1f}" text-anchor="end" class="note">'
                        "log scale</text>")  # fmt: skip
        y += h + 34
    defs = "".join(_defs(f"{uid}{k}") for k in range(len(drawn)))
    svg = _svg("".join(body), width, y, uid, "Figures each source states, per claim")
    return svg.replace(_defs(uid), defs, 1)
