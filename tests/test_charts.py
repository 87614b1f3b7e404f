"""Timeline and figures: span geometry from the facts' own values, shapes of qualifiers, the plotly
figures and the report's SVG drawing the same thing, escaping, and the page itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.charts import (
    COLOURS,
    LEGEND,
    Panel,
    build_panels,
    date_ticks,
    figures_svg,
    legend_items,
    number_extent,
    number_ticks,
    timeline_svg,
)
from core.consensus import Role, Shape
from core.model import Article, Claim, Comparison, Fact, FactKind, FactPair, Passage, Relation
from tests.test_consensus import one_claim
from ui.factcharts import filter_panels, panels_of
from ui.figures import figures_figure
from ui.timeline import MS_PER_DAY, day, timeline_figure

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def bars_by_source(panel: Panel) -> dict[str, tuple[dt.date, dt.date]]:
    """Source -> (first day, day after the last) of its bar."""
    return {b.sources[0]: (day(b.low), day(b.high)) for b in panel.bars}


@pytest.fixture(scope="module")
def late_mid() -> list[Panel]:
    cmp = one_claim(
        [
            "The new line opened in late 2024, the operator said.",
            "The new line opened in late August 2024, the operator said.",
            "The new line opened in mid-2024, the operator said.",
        ]
    )
    return build_panels(cmp, FactKind.DATE)


def test_span_geometry_late_2024_late_august_mid_2024(late_mid: list[Panel]) -> None:
    (panel,) = late_mid
    spans = bars_by_source(panel)
    assert spans["s1"] == (dt.date(2024, 9, 1), dt.date(2025, 1, 1))  # late 2024: Sep-Dec
    assert spans["s2"] == (dt.date(2024, 8, 21), dt.date(2024, 9, 1))  # late August: 21-31
    assert spans["s3"] == (dt.date(2024, 5, 1), dt.date(2024, 9, 1))  # mid-2024: May-Aug
    lengths = {s: (b - a).days for s, (a, b) in spans.items()}
    assert lengths == {"s1": 122, "s2": 11, "s3": 123}  # granularity is the bar's length
    # late August ends the day before late 2024 starts: the bars touch, never overlap (a conflict)
    assert spans["s2"][1] <= spans["s1"][0]
    # late August lies inside mid-2024, which ends where late 2024 begins
    assert spans["s3"][0] <= spans["s2"][0] and spans["s2"][1] <= spans["s3"][1] == spans["s1"][0]


def test_roles_and_consensus_colour_the_bars(late_mid: list[Panel]) -> None:
    (panel,) = late_mid
    assert panel.consensus.value == "mid 2024"  # the facts module's label
    roles = {b.sources[0]: b.role for b in panel.bars}
    assert roles == {"s1": Role.OUTLIER, "s2": Role.MORE_SPECIFIC, "s3": Role.AGREES}
    assert panel.band is not None and (day(panel.band[0]), day(panel.band[1])) == (
        dt.date(2024, 5, 1),
        dt.date(2024, 9, 1),
    )


def test_plotly_timeline_draws_the_same_spans(late_mid: list[Panel]) -> None:
    fig = timeline_figure(late_mid)
    drawn = {}
    for trace in fig.data:
        if trace.type == "bar" and trace.customdata is not None:
            for base, length, data in zip(trace.base, trace.x, trace.customdata, strict=True):
                start = dt.date.fromisoformat(base)
                drawn[data[1]] = (start, start + dt.timedelta(days=length / MS_PER_DAY))
                assert data[2] == 1  # the claim id, for selection
    assert drawn == bars_by_source(late_mid[0])
    assert fig.layout.xaxis.type == "date"


def _marks(svg: str) -> dict[str, list[ET.Element]]:
    """Source -> the drawing elements of its mark (parsed: the SVG must be well-formed XML)."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "mark":
            title = g.find(f"{SVG}title")
            assert title is not None and title.text
            out[title.text.split(":", 1)[0]] = [e for e in g if e.tag != f"{SVG}title"]
    return out


def test_svg_timeline_bars_follow_the_spans(late_mid: list[Panel]) -> None:
    marks = _marks(timeline_svg(late_mid))
    rect = {s: next(e for e in es if e.tag == f"{SVG}rect") for s, es in marks.items()}
    x = {s: (float(r.get("x", 0)), float(r.get("x", 0)) + float(r.get("width", 0))) for s, r in rect.items()}
    assert x["s2"][1] <= x["s1"][0] + 0.2  # late August ends where late 2024 starts
    assert x["s3"][0] < x["s2"][0] and x["s2"][1] <= x["s3"][1] + 0.2
    width = {s: b - a for s, (a, b) in x.items()}
    assert width["s1"] / width["s2"] == pytest.approx(122 / 11, rel=0.03)


def test_open_ended_and_year_less_dates() -> None:
    cmp = one_claim(
        [
            "Cracks have been monitored since late August 2024, engineers said.",
            "Cracks were first seen in late August 2024, engineers said.",
            "Cracks were first seen in late August, engineers said.",
        ]
    )
    (panel,) = build_panels(cmp, FactKind.DATE)
    by = {b.sources[0]: b for b in panel.bars}
    assert by["s1"].reading.open_after and not by["s2"].reading.open_after
    assert by["s3"].assumed and (day(by["s3"].low), day(by["s3"].high)) == (
        dt.date(2024, 8, 21),
        dt.date(2024, 9, 1),
    )
    assert "year not stated" in by["s3"].hover
    # the row label says what the source says, open end included, not only the arrow
    assert by["s1"].value_label == "since late August 2024" and by["s2"].value_label == "late August 2024"
    assert "since late August 2024" in timeline_svg([panel]) and "since late August 2024" in by["s1"].hover
    svg = timeline_svg([panel])
    assert 'fill="url(#tl-fade-' in svg and 'fill="url(#tl-hatch-' in svg
    fig = timeline_figure([panel])
    assert any(t.type == "scatter" and t.marker.symbol == "triangle-right" for t in fig.data)


def test_figures_shapes_rays_and_log_scale() -> None:
    cmp = one_claim(
        [
            "Over 300,000 soldiers have deserted, the report said.",
            "About 310,000 soldiers have deserted, the report said.",
            "Up to 320,000 soldiers have deserted, the report said.",
            "Some 50 soldiers have deserted, the report said.",
        ]
    )
    (panel,) = build_panels(cmp, FactKind.NUMBER)
    shapes = {b.sources[0]: b.shape for b in panel.bars}
    assert shapes == {"s1": Shape.LOWER, "s2": Shape.APPROX, "s3": Shape.UPPER, "s4": Shape.APPROX}
    assert panel.scale == "log"  # 45 to 450,000
    lo, hi = number_extent(panel)
    assert lo < 45 and hi > 450_000
    fig = figures_figure([panel])
    assert fig.layout.xaxis.type == "log"
    symbols = {t.marker.symbol for t in fig.data if t.type == "scatter" and t.mode == "markers"}
    assert {"triangle-right", "triangle-left", "line-ns"} <= symbols
    marks = _marks(figures_svg([panel]))
    arrows = {s: sum(1 for e in es if e.tag == f"{SVG}polygon") for s, es in marks.items()}
    assert arrows["s1"] == 1 and arrows["s3"] == 1 and arrows["s2"] == 0


def test_svg_escapes_source_names_and_values() -> None:
    names = [f'<img src=x onerror="alert({k})">' for k in range(3)]
    cmp = one_claim(
        [
            "The bridge reopened in late 2024, the council said.",
            "The council said the bridge reopened in late 2024.",
            "The bridge reopened in late August 2024 </text><script>alert(1)</script>.",
        ],
        names=names,
    )
    svg = timeline_svg(build_panels(cmp, FactKind.DATE))
    ET.fromstring(svg)  # well-formed: nothing from the text opened or closed an element
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;img src=x onerror=&quot;alert(0)&quot;&gt;" in svg and "&lt;/text&gt;&lt;script&gt;" in svg
    fig = timeline_figure(build_panels(cmp, FactKind.DATE))
    ticks = " ".join(fig.layout.yaxis.ticktext)
    assert "<img" not in ticks and "&lt;img" in ticks


def test_legend_lists_the_colours_drawn_each_once(late_mid: list[Panel]) -> None:
    (panel,) = late_mid
    items = legend_items([panel])
    assert [w for _, w in items] == [LEGEND["agrees"], LEGEND["more_specific"], LEGEND["outlier"]]
    no_consensus = dataclasses.replace(
        panel, bars=tuple(dataclasses.replace(b, role="conflict") for b in panel.bars)
    )
    both = legend_items([panel, no_consensus])
    colours = [c for c, _ in both]
    assert len(colours) == len(set(colours))  # outlier and conflict share a colour: one entry
    assert any("with another source" in w and "consensus" in w for _, w in both)
    assert legend_items([no_consensus]) == [(COLOURS["conflict"], LEGEND["conflict"])]


def test_ticks() -> None:
    lo, hi = dt.date(2022, 11, 20).toordinal(), dt.date(2025, 2, 3).toordinal()
    labels = [t for _, t in date_ticks(lo, hi)]
    assert 4 <= len(labels) <= 9 and all(t[:3] in {"Jan", "Apr", "Jul", "Oct"} or t.isdigit() for t in labels)
    assert next(
        t for _, t in date_ticks(dt.date(2024, 8, 1).toordinal(), dt.date(2024, 8, 20).toordinal())
    ) == ("1 Aug 2024")
    assert [t for _, t in number_ticks(0, 1000)] == ["0", "200", "400", "600", "800", "1k"]
    assert [t for _, t in number_ticks(30, 400_000, log=True)] == ["100", "1k", "10k", "100k"]
    assert date_ticks(1, 3) and date_ticks(dt.date(9999, 1, 1).toordinal(), dt.date(9999, 12, 31).toordinal())


def test_filters(late_mid: list[Panel]) -> None:
    assert filter_panels(late_mid, sources=["s2"])[0].bars[0].sources == ("s2",)
    assert filter_panels(late_mid, sources=["nobody"]) == []
    assert filter_panels(late_mid, differing=True) == late_mid  # it has an outlier
    agreeing = one_claim(
        ["It opened in May 2024.", "It opened in May 2024, they said.", "In May 2024 it opened."]
    )
    dates, _ = panels_of(agreeing)
    assert filter_panels(dates) and filter_panels(dates, differing=True) == []


def test_crowded_slot_merges_identical_values_into_one_row() -> None:
    texts = [f"The line reopened in late August 2024, report {k} said." for k in range(12)]
    texts += ["The line reopened in late 2024, a report said."]
    (panel,) = build_panels(one_claim(texts), FactKind.DATE)
    assert len(panel.bars) == 2
    assert len(panel.bars[0].sources) == 12 and panel.bars[0].label == "s1 +11"


# --------------------------------------------------------------------------------------------------
# The page


@pytest.fixture(autouse=False)
def hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCOMPARE_BACKEND", "hashing")


def test_dates_and_figures_page_renders_and_filters(hashing: None) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/timeline.py").run()
    assert not at.exception, at.exception
    assert len(at.tabs) == 2
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    at.toggle(key="tl_singles").set_value(True).run()
    at.multiselect(key="tl_sources").set_value(["metro_daily"]).run()
    at.toggle(key="tl_differing").set_value(True).run()
    assert not at.exception, at.exception


def test_dates_and_figures_page_without_facts(hashing: None) -> None:
    from core.ingest import article_from_text

    arts = [article_from_text(n, "Residents welcomed the decision. The council agreed.") for n in ("a", "b")]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["articles"] = arts
    at.run()
    at.switch_page("views/timeline.py").run()
    assert not at.exception, at.exception
    assert any("No dates to show" in str(i.value) for i in at.info)


# --------------------------------------------------------------------------------------------------
# Any calendar date, year 1 to 9999

_DAYS = st.integers(min_value=1, max_value=dt.date.max.toordinal())


def _date_fact(source: str, first: int, last: int) -> Fact:
    a, b = dt.date.fromordinal(first), dt.date.fromordinal(last)
    norm = f"{a.isoformat()}/{b.isoformat()}"
    return Fact(FactKind.DATE, source, 0, 4, "date", f"{a} to {b}", norm, "day; mod=-; year stated")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_DAYS, st.integers(min_value=0, max_value=4000)), min_size=1, max_size=5))
def test_any_date_spans_draw_with_their_length(spans: list[tuple[int, int]]) -> None:
    spans = [(a, min(a + n, dt.date.max.toordinal())) for a, n in spans]
    sources = [f"s{k}" for k in range(len(spans))]
    facts = [_date_fact(s, a, b) for s, (a, b) in zip(sources, spans, strict=True)]
    pairs = tuple(
        FactPair(
            1, facts[i].source_id, facts[j].source_id, FactKind.DATE, Relation.OVERLAP, facts[i], facts[j]
        )
        for i in range(len(facts))
        for j in range(i + 1, len(facts))
    ) or (FactPair(1, "s0", "", FactKind.DATE, Relation.ONLY_IN_A, facts[0], None),)
    passages = tuple(Passage(s, 0, 0, 0, 4, "date") for s in sources)
    arts = tuple(Article(s, "", "date") for s in sources)
    cmp = Comparison(arts, dict.fromkeys(sources, ()), (Claim(1, passages),), (), (), pairs)
    (panel,) = build_panels(cmp, FactKind.DATE)
    for bar in panel.bars:
        a, b = next(sp for f, sp in zip(facts, spans, strict=True) if f.source_id == bar.sources[0])
        assert (bar.low, bar.high) == (a, b + 1)
    svg = timeline_svg([panel])
    ET.fromstring(svg)
    timeline_figure([panel])


@settings(max_examples=200, deadline=None)
@given(_DAYS, _DAYS)
def test_date_ticks_stay_in_range_and_in_order(a: int, b: int) -> None:
    lo, hi = min(a, b), max(a, b)
    ticks = date_ticks(lo, hi)
    values = [v for v, _ in ticks]
    assert values == sorted(values) and all(lo <= v <= hi for v in values)
    assert len(ticks) <= 40
