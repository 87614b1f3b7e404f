"""Consensus per claim: slots built from the fact comparison, values read from ``Fact.norm``, and the
majority rule (docs/consensus.md). The facts are real: short texts written for these tests
go through ``core.facts``."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import pytest

from core.consensus import (
    CONSENSUS_COLUMNS,
    Basis,
    Role,
    Shape,
    comparison_consensus,
    consensus_rows,
    date_reading,
    iso_span,
    number_reading,
    summary,
)
from core.ingest import article_from_text
from core.model import Claim, Comparison, Fact, FactKind, Passage
from core.pipeline import compare_facts, segment_all


def one_claim(
    texts: Sequence[str], *, published: dt.date | None = None, names: Sequence[str] | None = None
) -> Comparison:
    """A comparison whose only claim group holds the first sentence of every text (one source each,
    named s1, s2, ... unless ``names`` are given)."""
    ids = list(names) if names is not None else [f"s{i + 1}" for i in range(len(texts))]
    arts = [
        article_from_text(sid, t, title=f"Report {i + 1}", published=published)
        for i, (sid, t) in enumerate(zip(ids, texts, strict=True))
    ]
    sentences = segment_all(arts)
    passages = []
    for a in arts:
        s = sentences[a.source_id][0]
        passages.append(Passage(a.source_id, s.index, s.index, s.start, s.end, s.text))
    claims = (Claim(1, tuple(passages)),)
    facts = compare_facts(arts, claims)
    return Comparison(tuple(arts), sentences, claims, (), (), facts)


def roles(c: object) -> dict[str, Role]:
    return {m.source_id: m.role for m in c.members}  # type: ignore[attr-defined]


def test_five_sources_three_agree_one_more_specific_one_conflict() -> None:
    cmp = one_claim(
        [
            "The bridge reopened in late 2024, the council said.",
            "The council said the bridge reopened in late 2024.",
            "The bridge reopened to traffic in late 2024, officials said.",
            "The bridge reopened in November 2024, the council said.",
            "The bridge reopened in late August 2024, the council said.",
        ]
    )
    (c,) = [c for c in comparison_consensus(cmp) if c.slot.kind == FactKind.DATE]
    assert c.declared and c.basis == Basis.STATED
    assert c.value == "late 2024"
    assert (dt.date.fromordinal(int(c.low)), dt.date.fromordinal(int(c.high))) == (
        dt.date(2024, 9, 1),
        dt.date(2024, 12, 31),
    )
    assert roles(c) == {
        "s1": Role.AGREES,
        "s2": Role.AGREES,
        "s3": Role.AGREES,
        "s4": Role.MORE_SPECIFIC,
        "s5": Role.OUTLIER,
    }
    assert c.backers == ("s1", "s2", "s3", "s4")  # November 2024 lies inside late 2024: it backs it
    assert summary(c) == "late 2024 · 4 of 5 · outlier: s5"


def test_five_sources_numbers_three_agree_one_more_specific_one_conflict() -> None:
    cmp = one_claim(
        [
            "About 1,200 passengers were stranded at the station.",
            "Around 1,200 passengers were stranded at the station overnight.",
            "Roughly 1,200 passengers were stranded at the station.",
            "Exactly 1,150 passengers were stranded at the station.",
            "Some 900 passengers were stranded at the station, police said.",
        ]
    )
    (c,) = comparison_consensus(cmp)
    assert c.slot.unit == "passenger"
    assert c.value == "~ 1,200 passengers"
    assert (c.low, c.high) == (1080, 1320)  # the soft reading of "about 1,200"
    assert roles(c) == {
        "s1": Role.AGREES,
        "s2": Role.AGREES,
        "s3": Role.AGREES,
        "s4": Role.MORE_SPECIFIC,
        "s5": Role.OUTLIER,
    }


def test_a_vote_on_wording_would_pick_the_outliers_value() -> None:
    """Interval backing, not a string vote: three different wordings inside one span outvote two
    identical strings that conflict with it."""
    cmp = one_claim(
        [
            "The storm hit the coast in late August 2024.",
            "The storm hit the coast in late August 2024, officials said.",
            "The storm hit the coast on 25 August 2024.",
            "The storm hit the coast on 28 August 2024, officials said.",
            "The storm hit the coast in late 2024.",
            "Officials said the storm hit the coast in late 2024 again.",
            "The storm hit the coast on 30 August 2024.",
        ]
    )
    (c,) = comparison_consensus(cmp)
    assert c.value == "late August 2024"
    assert set(c.sources_with(Role.OUTLIER)) == {"s5", "s6"}
    assert set(c.sources_with(Role.MORE_SPECIFIC)) == {"s3", "s4", "s7"}


def test_same_figure_with_other_qualifiers_agrees() -> None:
    """The facts module calls "over 1,200" and "around 1,200" the same figure; consensus follows it."""
    cmp = one_claim(
        [
            "More than 1,200 passengers were stranded at the station.",
            "Around 1,200 passengers were stranded at the station overnight.",
            "Over 1,200 passengers were stranded at the station.",
            "Nearly 900 passengers were stranded at the station, police said.",
        ]
    )
    (c,) = comparison_consensus(cmp)
    assert c.value == "> 1,200 passengers"  # the wording two of the three use
    assert roles(c) == {"s1": Role.AGREES, "s2": Role.AGREES, "s3": Role.AGREES, "s4": Role.OUTLIER}
    assert len(c.backers) == 3


def test_common_range_when_no_stated_value_has_a_majority() -> None:
    cmp = one_claim(
        [
            "Over 300,000 soldiers have deserted, the report said.",
            "About 310,000 soldiers have deserted, the report said.",
            "Exactly 320,000 soldiers have deserted, the report said.",
            "Over 50,000 soldiers have deserted, the report said.",
        ]
    )
    (c,) = comparison_consensus(cmp)
    assert c.basis == Basis.COMMON_RANGE
    assert (c.low, c.high) == (320_000, 320_000)
    assert c.value == "320,000 desertions"  # "soldiers have deserted" counts desertions
    assert roles(c)["s4"] == Role.OUTLIER
    assert set(c.backers) == {"s1", "s2", "s3"}


def test_no_majority_declares_nothing() -> None:
    cmp = one_claim(
        [
            "The plant closed in March 2023, the union said.",
            "The plant closed in March 2023.",
            "The plant closed in June 2021, the union said.",
            "The plant closed in June 2021.",
        ]
    )
    (c,) = comparison_consensus(cmp)
    assert not c.declared and c.reason == "no majority"
    assert math.isnan(c.low)
    rows = consensus_rows([c])
    assert {r["status"] for r in rows} == {"no majority"}
    assert {r["role"] for r in rows} == {""}


def test_two_sources_are_not_a_consensus() -> None:
    cmp = one_claim(["The plant closed in March 2023.", "The plant closed in June 2021, the union said."])
    (c,) = comparison_consensus(cmp)
    assert not c.declared and c.reason == "fewer than 3 sources"
    assert consensus_rows([c]) == []


def test_year_less_date_is_less_specific_not_the_consensus() -> None:
    cmp = one_claim(
        [
            "Work starts on 14 March 2025, the mayor said.",
            "Work starts in March 2025, the mayor said.",
            "Work starts in March, the mayor said.",
            "Work starts in March 2025.",
        ]
    )
    (c,) = comparison_consensus(cmp)
    assert c.value == "March 2025"
    assert roles(c) == {
        "s1": Role.MORE_SPECIFIC,
        "s2": Role.AGREES,
        "s3": Role.LESS_SPECIFIC,
        "s4": Role.AGREES,
    }


def test_consensus_rows_columns_and_values() -> None:
    cmp = one_claim(
        [
            "The bridge reopened in late 2024, the council said.",
            "The council said the bridge reopened in late 2024.",
            "The bridge reopened in late August 2024, the council said.",
        ]
    )
    rows = consensus_rows(comparison_consensus(cmp))
    assert [list(r) for r in rows] == [list(CONSENSUS_COLUMNS)] * 3
    assert [(r["source"], r["role"]) for r in rows] == [
        ("s1", "agrees"),
        ("s2", "agrees"),
        ("s3", "outlier"),
    ]
    assert rows[0]["consensus_low"] == "2024-09-01" and rows[0]["consensus_high"] == "2024-12-31"
    assert rows[0]["backing"] == "2 of 3"
    text = {a.source_id: a.text for a in cmp.articles}
    for r in rows:
        assert text[str(r["source"])][int(r["start"]) : int(r["end"])] == r["text"]  # type: ignore[call-overload]


# --------------------------------------------------------------------------------------------------
# Reading values out of facts


def fact(kind: FactKind, value: str, norm: str, detail: str, text: str = "x", *, start: int = 0) -> Fact:
    return Fact(kind, "a", start, start + len(text), text, value, norm, detail)


def test_iso_span() -> None:
    assert iso_span("2024-09-01/2024-12-31") == (dt.date(2024, 9, 1), dt.date(2024, 12, 31))
    assert iso_span("XXXX-03") is None
    assert iso_span("2024-02-30/2024-03-01") is None


READINGS = [
    ("[300000,inf)", "soldiers; qualifier=over; reading=[300,000,450,000]", (3e5, 4.5e5), Shape.LOWER, 3e5),
    ("[1080,1320]", "passenger; qualifier=around; reading=[1,080,1,320]", (1080, 1320), Shape.APPROX, 1200),
    ("[810,900]", "passenger; qualifier=nearly; reading=[810,900]", (810, 900), Shape.NEARLY, 900),
    ("[0,40]", "percent; qualifier=up to; reading=[26.6667,40]", (26.6667, 40), Shape.UPPER, 40),
    ("[1200000,1200000]", "dead; qualifier=none; reading=[1.15 million,1.25 million]", (1.15e6, 1.25e6),
     Shape.EXACT, 1.2e6),
    ("[12600000,1.54e+07]", "money:EUR; qualifier=an estimated; reading=[12.6 million,1.54e+07]",
     (12.6e6, 1.54e7), Shape.APPROX, 14e6),
    ("[10,15]", "days; qualifier=none; reading=[10,15]", (10, 15), Shape.RANGE, 10),
    ("[2000,9999]", "people; qualifier=thousands; reading=[2,000,9,999]", (2000, 9999), Shape.VAGUE, 2000),
    ("[0,0]", "?; qualifier=none; reading=[0,0]", (0, 0), Shape.EXACT, 0),
]  # fmt: skip


@pytest.mark.parametrize(("norm", "detail", "soft", "shape", "figure"), READINGS)
def test_number_reading(
    norm: str, detail: str, soft: tuple[float, float], shape: Shape, figure: float
) -> None:
    r = number_reading(fact(FactKind.NUMBER, "v", norm, detail))
    assert r is not None
    assert (r.low, r.high) == pytest.approx(soft)
    assert r.shape == shape
    assert r.figure == pytest.approx(figure)


def test_number_reading_without_a_reading_falls_back_to_the_readme_rule() -> None:
    r = number_reading(fact(FactKind.NUMBER, "v", "[200,inf)", "garbled"))
    assert r is not None and (r.low, r.high) == (200, 300) and r.hard_high == math.inf
    assert number_reading(fact(FactKind.NUMBER, "v", "not an interval", "")) is None


def test_date_reading_open_ends_and_assumed_year() -> None:
    text = "Prices have risen since March 2024 and will rise until 2026, from May to June."
    since = text.index("March 2024")
    f = fact(
        FactKind.DATE,
        "March 2024",
        "2024-03-01/2024-03-31",
        "month; mod=-; year stated",
        "March 2024",
        start=since,
    )
    r = date_reading(f, text)
    assert r.open_after and not r.open_before
    until = text.index("2026")
    f2 = fact(FactKind.DATE, "2026", "2026-01-01/2026-12-31", "year; mod=-; year stated", "2026", start=until)
    assert date_reading(f2, text).open_before
    may = text.index("May")
    f3 = fact(FactKind.DATE, "May (no year)", "XXXX-05", "month; mod=-; year not stated", "May", start=may)
    r3 = date_reading(f3, text)
    assert not r3.placed and not (r3.open_after or r3.open_before)  # "from May to June" is a range
    r4 = date_reading(f3, text, assume_year=2024)
    assert r4.placed and not r4.year_stated
    assert dt.date.fromordinal(int(r4.low)) == dt.date(2024, 5, 1)
    late = fact(FactKind.DATE, "late March", "XXXX-03", "month; mod=END; year not stated")
    r5 = date_reading(late, assume_year=2025)
    assert (dt.date.fromordinal(int(r5.low)), dt.date.fromordinal(int(r5.high))) == (
        dt.date(2025, 3, 21),
        dt.date(2025, 3, 31),
    )
