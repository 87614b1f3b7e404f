"""Dates at the ends of the calendar (years 1 and 9999), impossible days, and failures that must cost one
pair only. Hypothesis covers every publication date ``datetime.date`` can hold."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.facts import compare as compare_mod
from core.facts import compare_facts, compare_passages, extract_facts
from core.facts.dates import scan_dates
from core.facts.extract import date_fact
from core.facts.numbers import find_numbers
from core.facts.quotes import find_quotes
from core.facts.relations import (
    date_relation,
    mirror,
    number_relation,
    quote_relation,
    span_order,
    span_relation,
)
from core.model import Article, Claim, FactKind, Passage, Relation


def _p(src: str, text: str) -> Passage:
    return Passage(src, 0, 0, 0, len(text), text)


# ------------------------------------------------------------------ regressions (issue 15 items 1, 3b)

RELATIVE = "It opened last year and closes next year; a vote came yesterday, another is due tomorrow."


@pytest.mark.parametrize("published", [dt.date(9999, 12, 31), dt.date(9999, 12, 27), dt.date(1, 1, 1)])
def test_publication_date_at_calendar_end_with_relative_dates_does_not_raise(published: dt.date) -> None:
    text = RELATIVE + " It runs next week, last week, next winter, last December and three years ago."
    facts = extract_facts(_p("a", text), published=published)
    dates = [f for f in facts if f.kind == FactKind.DATE]
    assert len(dates) >= 9
    # What falls outside the calendar stays a relative phrase, not a made-up date.
    if published.year == 9999:
        assert next(f for f in dates if f.text == "next year").value == "next year"
    else:
        assert next(f for f in dates if f.text == "last year").value == "last year"
    pairs = compare_passages(1, _p("a", text), _p("b", text), published_a=published, published_b=published)
    assert {p.relation for p in pairs if p.kind == FactKind.DATE} == {Relation.SAME}


def test_published_in_year_9999_resolves_what_fits() -> None:
    (tomorrow,) = scan_dates("due tomorrow", published=dt.date(9999, 12, 30))[0]
    assert tomorrow.value.span() == (dt.date(9999, 12, 31), dt.date(9999, 12, 31))
    (winter,) = scan_dates("this winter", published=dt.date(9999, 12, 30))[0]
    assert winter.value.span() == (dt.date(9999, 12, 1), dt.date.max)  # clamped, not raised


def test_yearless_february_29_against_a_non_leap_year_does_not_raise() -> None:
    a = _p("a", "The vote was held on February 29.")
    for other in ("The vote was held on 28 February 2023.", "The vote was held in February 2023."):
        pairs = compare_passages(1, a, _p("b", other))
        (d,) = [p for p in pairs if p.kind == FactKind.DATE]
        assert d.relation == Relation.OVERLAP
        assert "does not exist in 2023" in d.explanation


def test_yearless_february_29_published_in_a_non_leap_year_keeps_no_year() -> None:
    (fact,) = extract_facts(_p("a", "The vote was held on February 29."), published=dt.date(2023, 5, 1))
    assert fact.value == "29 February (no year)"
    pairs = compare_passages(
        1,
        _p("a", "The vote was held on February 29."),
        _p("b", "The vote was held on 1 March 2023."),
        published_a=dt.date(2023, 5, 1),
    )
    assert [p.relation for p in pairs if p.kind == FactKind.DATE] == [Relation.OVERLAP]


def test_failing_relation_costs_one_pair_not_the_comparison(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = compare_mod.number_relation

    def broken(a, b, *, src_a, src_b):  # fails on one figure only
        if a.nominal == 7:
            raise ValueError("planted bug")
        return real(a, b, src_a=src_a, src_b=src_b)

    monkeypatch.setattr(compare_mod, "number_relation", broken)
    a = _p("a", "Officials said 7 people died and 40 people were hurt on 3 May 2024.")
    b = _p("b", "Officials said 7 people died and 41 people were hurt on 3 May 2024.")
    with caplog.at_level(logging.ERROR, logger="core.facts.compare"):
        pairs = compare_passages(1, a, b)
    marked = [p for p in pairs if p.explanation == compare_mod.NOT_COMPARED]
    assert len(marked) == 1 and marked[0].a is not None and marked[0].a.text.startswith("7")
    assert any(p.kind == FactKind.DATE and p.relation == Relation.SAME for p in pairs)
    assert any(p.kind == FactKind.NUMBER and p.relation == Relation.CONFLICT for p in pairs)  # 40 vs 41
    assert "planted bug" in caplog.text


def test_failing_passage_pair_costs_its_facts_not_the_comparison(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = compare_mod.compare_passages

    def broken(claim_id, a, b, **kw):
        if claim_id == 1:
            raise RuntimeError("planted bug")
        return real(claim_id, a, b, **kw)

    monkeypatch.setattr(compare_mod, "compare_passages", broken)
    arts = [Article("a", "", "x"), Article("b", "", "x")]
    claims = [
        Claim(1, (_p("a", "12 people were hurt."), _p("b", "13 people were hurt."))),
        Claim(2, (_p("a", "30 buses ran."), _p("b", "31 buses ran."))),
    ]
    with caplog.at_level(logging.ERROR, logger="core.facts.compare"):
        pairs = compare_facts(arts, claims)
    assert {p.claim_id for p in pairs} == {2}
    assert "claim 1" in caplog.text


# ------------------------------------------------------------------ properties over the whole calendar

# One phrase per alternative of the date grammar, and some that must resolve near the calendar's ends.
PHRASES = [
    "on 29 February",
    "February 29",
    "on 31 December",
    "in December",
    "in January",
    "late August",
    "in winter",
    "early spring",
    "last year",
    "next year",
    "this year",
    "last month",
    "next month",
    "last week",
    "next week",
    "this weekend",
    "last winter",
    "next winter",
    "last December",
    "next January",
    "next Monday",
    "last Sunday",
    "this Friday",
    "on Tuesday",
    "yesterday",
    "today",
    "tomorrow",
    "three days ago",
    "two weeks ago",
    "a month ago",
    "a decade ago",
    "earlier this year",
    "later this month",
    "later this week",
]
STATED = [
    "on 29 February {y}",
    "29 February {y}",
    "{y}-02-28",
    "December {y}",
    "late {y}",
    "mid-{y}",
    "winter {y}",
    "Q4 {y}",
    "the second half of {y}",
    "in {y}",
    "the {d}s",
    "{y}-{y2}",
]

calendar_dates = st.dates(min_value=dt.date.min, max_value=dt.date.max)
stated_years = st.integers(min_value=1800, max_value=2099)  # what the grammar reads as a stated year


@st.composite
def phrases(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(PHRASES))
    y = draw(stated_years)
    return draw(st.sampled_from(STATED)).format(y=y, y2=str(y + 1)[-2:], d=y // 10 * 10)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrases(), st.one_of(st.none(), calendar_dates), st.integers(min_value=1, max_value=9999))
def test_every_date_reads_without_raising(phrase: str, published: dt.date | None, year: int) -> None:
    passage = _p("a", f"The plant closed {phrase}.")
    for m in scan_dates(passage.text, published=published)[0]:
        v = m.value
        assert v.label and v.timex
        span = v.span()
        if span is not None:
            assert span[0] <= span[1]
        assumed = v.span(year)  # the year another source states
        assert assumed is None or assumed[0] <= assumed[1]
        date_fact(m, passage)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrases(), phrases(), st.one_of(st.none(), calendar_dates), st.one_of(st.none(), calendar_dates))
def test_every_date_relation_is_defined_and_mirrors(
    a: str, b: str, pub_a: dt.date | None, pub_b: dt.date | None
) -> None:
    da = scan_dates(f"It closed {a}.", published=pub_a)[0]
    db = scan_dates(f"It closed {b}.", published=pub_b)[0]
    for x in da:
        for y in db:
            r, why = date_relation(x.value, y.value, src_a="a", src_b="b")
            assert r in Relation and why
            assert date_relation(y.value, x.value, src_a="b", src_b="a")[0] == mirror(r)
    pairs = compare_passages(
        1, _p("a", f"It closed {a}."), _p("b", f"It closed {b}."), published_a=pub_a, published_b=pub_b
    )
    assert all(p.explanation != compare_mod.NOT_COMPARED for p in pairs)


@given(calendar_dates, calendar_dates, calendar_dates, calendar_dates)
def test_span_relation_over_the_whole_calendar(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> None:
    a, b = (min(a0, a1), max(a0, a1)), (min(b0, b1), max(b0, b1))
    r, why = span_relation(a, b, src_a="a", src_b="b")
    assert r == span_order(a, b) and why
    assert span_order(b, a) == mirror(r)
    disjoint = a[1] < b[0] or b[1] < a[0]
    assert (r == Relation.CONFLICT) == disjoint


QUALIFIERS = ["", "over ", "about ", "nearly ", "at least ", "up to ", "fewer than "]
NOUNS = ["people", "deaths", "km", "percent", "days", "buses"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(QUALIFIERS),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(QUALIFIERS),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(NOUNS),
)
def test_every_number_relation_is_defined_and_mirrors(q1: str, n1: int, q2: str, n2: int, noun: str) -> None:
    (a,) = find_numbers(f"{q1}{n1:,} {noun}")
    (b,) = find_numbers(f"{q2}{n2:,} {noun}")
    r, why = number_relation(a.value, b.value, src_a="a", src_b="b")
    assert r in Relation and why
    assert number_relation(b.value, a.value, src_a="b", src_b="a")[0] == mirror(r)


words = st.text(alphabet=st.sampled_from("abcde fgh’'-"), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_every_quote_relation_is_defined_and_mirrors(x: str, y: str) -> None:
    qa, qb = find_quotes(f"“{x}z”"), find_quotes(f"“{y}z”")
    if not (qa and qb):
        return
    r, why = quote_relation(qa[0], qb[0], src_a="a", src_b="b")
    assert r in Relation and why
    assert quote_relation(qb[0], qa[0], src_a="b", src_b="a")[0] == mirror(r)


def test_failing_pairing_of_one_kind_costs_that_kind_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(a, b):
        raise ValueError("planted bug")

    monkeypatch.setattr(compare_mod, "_pair_dates", broken)
    a = _p("a", "Officials said 40 people were hurt on 3 May 2024.")
    b = _p("b", "Officials said 41 people were hurt on 3 May 2024.")
    with caplog.at_level(logging.ERROR, logger="core.facts.compare"):
        pairs = compare_passages(1, a, b)
    assert [p.relation for p in pairs if p.kind == FactKind.NUMBER] == [Relation.CONFLICT]
    assert not [p for p in pairs if p.kind == FactKind.DATE]
    assert "planted bug" in caplog.text
