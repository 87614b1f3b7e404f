"""How two values of one kind relate, from source A's point of view, with a plain-words explanation.

Every ``*_relation`` takes the two values and the keyword-only source ids ``src_a``/``src_b`` that the
explanation names, and returns ``(Relation, explanation)``. Mirroring holds throughout:
``x_relation(b, a, src_a=B, src_b=A)[0] == mirror(x_relation(a, b, src_a=A, src_b=B)[0])``.
"""

from __future__ import annotations

import math
from dataclasses import replace

from core.facts import resources as R
from core.facts.dates import DateValue, Span
from core.facts.measures import convert, convertible
from core.facts.numbers import NumberValue, fmt_number, measure_words
from core.facts.quotes import QuoteMention, similarity
from core.model import Relation

_MIRROR = {
    Relation.MORE_SPECIFIC: Relation.LESS_SPECIFIC,
    Relation.LESS_SPECIFIC: Relation.MORE_SPECIFIC,
    Relation.ONLY_IN_A: Relation.ONLY_IN_B,
    Relation.ONLY_IN_B: Relation.ONLY_IN_A,
}


def mirror(r: Relation) -> Relation:
    """The relation seen from the other side."""
    return _MIRROR.get(r, r)


# ------------------------------------------------------------------------------------------------
# Day spans and dates
# ------------------------------------------------------------------------------------------------


def _interval_order(a: tuple[int, int], b: tuple[int, int]) -> Relation:
    """Relation of two closed integer intervals (inclusive at both ends)."""
    if a == b:
        return Relation.SAME
    if a[1] < b[0] or b[1] < a[0]:
        return Relation.CONFLICT
    if b[0] <= a[0] and a[1] <= b[1]:
        return Relation.MORE_SPECIFIC
    if a[0] <= b[0] and b[1] <= a[1]:
        return Relation.LESS_SPECIFIC
    return Relation.OVERLAP


def span_order(a: Span, b: Span) -> Relation:
    """Relation of two closed day spans: same, more/less specific (containment), overlap or conflict.

    Spans are inclusive at both ends, so spans that share an edge day overlap: "1 January 2025" lies
    within "January 2025".
    """
    return _interval_order((a[0].toordinal(), a[1].toordinal()), (b[0].toordinal(), b[1].toordinal()))


def _fmt_span(s: Span) -> str:
    return s[0].isoformat() if s[0] == s[1] else f"{s[0].isoformat()}..{s[1].isoformat()}"


def span_relation(
    a: Span,
    b: Span,
    *,
    src_a: str,
    src_b: str,
    labels: tuple[str, str] | None = None,
    note: str = "",
) -> tuple[Relation, str]:
    """Relation of two closed day spans with an explanation.

    Args:
        a, b: (first day, last day), inclusive.
        src_a, src_b: Source ids, for the explanation.
        labels: How the two values read ("late August 2024"); the ISO spans by default.
        note: Appended to the explanation (" (year stated in neither)").

    Returns:
        (relation, explanation).
    """
    la, lb = labels if labels is not None else (_fmt_span(a), _fmt_span(b))
    r = span_order(a, b)
    if r == Relation.SAME:
        return r, f"same date: {la}" + (f" / {lb}" if lb != la else "") + note
    if r == Relation.CONFLICT:
        return r, f"{la} vs {lb}: disjoint ({_fmt_span(a)} vs {_fmt_span(b)}){note}"
    if r == Relation.MORE_SPECIFIC:
        return r, f"{src_a} is more specific: {la} lies within {lb}{note}"
    if r == Relation.LESS_SPECIFIC:
        return r, f"{src_b} is more specific: {lb} lies within {la}{note}"
    return r, f"{la} vs {lb}: overlapping ({_fmt_span(a)} vs {_fmt_span(b)}){note}"


def date_relation(a: DateValue, b: DateValue, *, src_a: str, src_b: str) -> tuple[Relation, str]:
    """Relation of two dates (or two times of day) from A's point of view, with a plain-words explanation.

    A year that neither side states is never assumed to be the same placeholder on one side and an
    inferred year on the other: without a stated year on both sides only month and day are compared.
    Relative dates that no publication date resolves are compared only where that is sound (two
    different days of the week are different days; a weekday against a date); see
    :func:`dates_comparable`.

    Args:
        a, b: The two date values.
        src_a, src_b: Source ids, for the explanation.

    Returns:
        (relation, explanation).
    """
    la, lb = a.label, b.label
    if a.granularity == "time" or b.granularity == "time":
        return _time_relation(a, b, src_a=src_a, src_b=src_b)
    if a.relative or b.relative:
        verdict = _relative_verdict(a, b, src_a=src_a, src_b=src_b)
        if verdict is None:
            return Relation.OVERLAP, f"{la} vs {lb}: not comparable without a publication date"
        return verdict
    if a.year_stated and b.year_stated:  # (a decade states years but no single one)
        sa, sb = a.span(), b.span()
        if sa is None or sb is None:  # defensive: a value with a year always has a span
            return Relation.OVERLAP, f"{la} vs {lb}"
        return span_relation(sa, sb, src_a=src_a, src_b=src_b, labels=(la, lb))
    if not a.year_stated and not b.year_stated:
        return _neither_year(a, b, src_a=src_a, src_b=src_b)
    if a.year_stated:
        return _one_year_stated(a, b, src_stated=src_a, src_other=src_b, both=f"{la} vs {lb}")
    r, text = _one_year_stated(b, a, src_stated=src_b, src_other=src_a, both=f"{la} vs {lb}")
    return mirror(r), text


def dates_comparable(a: DateValue, b: DateValue) -> bool:
    """Whether two values can be compared at all. A time of day and a date cannot; times in different
    zones cannot; "today" and "4 August" cannot without a publication date (pairing them anyway would
    show noise). Pairing consumes such pairs silently rather than calling each "only in"."""
    if (a.granularity == "time") != (b.granularity == "time"):
        return False
    if a.granularity == "time":
        return a.zone == b.zone
    if a.relative or b.relative:
        return _relative_verdict(a, b, src_a="", src_b="") is not None
    return True


def _neither_year(a: DateValue, b: DateValue, *, src_a: str, src_b: str) -> tuple[Relation, str]:
    """Month and day compared with one assumed year on both sides; a year inferred from one side's
    publication date is not compared against a year the other side lacks."""
    la, lb = a.label, b.label
    na = replace(a, year=None, inferred=False)
    nb = replace(b, year=None, inferred=False)
    sa, sb = na.span(R.PLACEHOLDER_YEAR), nb.span(R.PLACEHOLDER_YEAR)
    note = " (year stated in neither)"
    if sa is None or sb is None:  # pragma: no cover - every year-less value has a span in a leap year
        return Relation.OVERLAP, f"{la} vs {lb}{note}"
    r = span_order(sa, sb)
    if r == Relation.SAME:
        return r, f"same date: {la}" + (f" / {lb}" if lb != la else "") + note
    if r == Relation.CONFLICT:
        unit = a.granularity if a.granularity == b.granularity else "dates"
        return r, f"{la} vs {lb}: different {unit}{note}"
    if r == Relation.MORE_SPECIFIC:
        return r, f"{src_a} is more specific: {la} lies within {lb}{note}"
    if r == Relation.LESS_SPECIFIC:
        return r, f"{src_b} is more specific: {lb} lies within {la}{note}"
    return r, f"{la} vs {lb}: overlapping{note}"


def _weekday_of(v: DateValue) -> int | None:
    """The day of the week of a day value: stated, or computed from its (stated or inferred) year."""
    if v.weekday is not None:
        return v.weekday
    if v.granularity != "day" or v.year is None or v.month is None or v.day is None:
        return None
    span = v.span()
    return span[0].weekday() if span else None


def _relative_verdict(a: DateValue, b: DateValue, *, src_a: str, src_b: str) -> tuple[Relation, str] | None:
    """Relation where at least one side is a relative date no publication date resolves; None when
    nothing anchors the two ("today" vs "4 August", "last year" vs "2024")."""
    la, lb = a.label, b.label
    if a.relative and b.relative:
        if a.relative == b.relative:
            return Relation.SAME, f"same relative date: {a.relative}"
        if a.weekday is None or b.weekday is None:
            return None
        if a.weekday == b.weekday:
            return Relation.SAME, f"same day of the week: {la} / {lb}"
        return Relation.CONFLICT, f"{la} vs {lb}: different days of the week"
    rel, day, src_day = (a, b, src_b) if a.relative else (b, a, src_a)
    if rel.weekday is None or day.granularity != "day":
        return None
    named = R.WEEKDAY_NAMES[rel.weekday]
    actual = _weekday_of(day)
    if actual is None:
        r = Relation.MORE_SPECIFIC
        why = f"{src_day} gives the date: {day.label} vs {rel.label} (no year to check the day of the week)"
    elif actual == rel.weekday:
        r, why = Relation.MORE_SPECIFIC, f"{src_day} gives the date: {day.label} is a {named}"
    else:
        r = Relation.CONFLICT
        why = f"{rel.label} vs {day.label}: {day.label} is a {R.WEEKDAY_NAMES[actual]}, not a {named}"
    return (r if day is a else mirror(r)), why


def _time_relation(a: DateValue, b: DateValue, *, src_a: str, src_b: str) -> tuple[Relation, str]:
    """Two times of day: the same stated time is the same (qualifiers noted); otherwise the minutes their
    words allow decide ("just before 1:30 am" is 1:20-1:30, "around 1 am" 0:50-1:10: different times)."""
    la, lb = a.label, b.label
    ma, mb = a.minutes, b.minutes
    if ma is None or mb is None:
        return Relation.OVERLAP, f"{la} vs {lb}: a time of day and a date"
    if a.zone != b.zone:
        return Relation.OVERLAP, f"{la} vs {lb}: different time zones"
    if (a.hour, a.minute) == (b.hour, b.minute):
        same = replace(a, qualifier="").label
        note = (
            "" if a.qualifier == b.qualifier else f" ({a.qualifier or 'exact'} vs {b.qualifier or 'exact'})"
        )
        return Relation.SAME, f"same time: {same}{note}"
    r = _interval_order(ma, mb)
    if r == Relation.CONFLICT:
        return r, f"{la} vs {lb}: different times"
    if r == Relation.MORE_SPECIFIC:
        return r, f"{src_a} is more precise: {la} lies within {lb}"
    if r == Relation.LESS_SPECIFIC:
        return r, f"{src_b} is more precise: {lb} lies within {la}"
    return Relation.OVERLAP, f"{la} vs {lb}: compatible but different times"


def _one_year_stated(
    stated: DateValue, other: DateValue, *, src_stated: str, src_other: str, both: str
) -> tuple[Relation, str]:
    """Exactly one side states the year: compare with that year assumed on the other side.

    Args:
        stated, other: The value that states its year and the one that does not.
        src_stated, src_other: Their source ids.
        both: "A-label vs B-label", for the cases that cannot be compared.

    Returns:
        (relation from the stated side's point of view, explanation).
    """
    year = stated.year
    if year is None:
        # A decade ("the 1960s") states years but no single one to lend the other side ("December").
        return (
            Relation.OVERLAP,
            f"{both}: no year in {src_other} to compare with {stated.label}",
        )
    so = replace(other, year=year, year_stated=True, inferred=False).span()
    ss = stated.span()
    if so is None and ss is not None:  # "29 February" (no year) cannot lie in 2023
        return Relation.OVERLAP, f"{both}: {other.label} does not exist in {year}"
    if ss is None or so is None:  # defensive: both have a year here
        return Relation.OVERLAP, both
    r = span_order(ss, so)
    inferred_note = ""
    if other.inferred and other.year is not None and other.year != year:
        inferred_note = f"; {src_other}'s year inferred as {other.year} from its publication date"
    if r == Relation.SAME:
        return Relation.MORE_SPECIFIC, f"year stated only in {src_stated}: {year}{inferred_note}"
    if r == Relation.MORE_SPECIFIC:
        text = f"{src_stated} is more specific: {stated.label} vs {other.label} (year not stated)"
        return Relation.MORE_SPECIFIC, text + inferred_note
    if (
        r == Relation.CONFLICT
        and stated.granularity in R.FINE_GRANULARITIES
        and (other.granularity in R.FINE_GRANULARITIES)
    ):
        unit = "day" if stated.granularity == "day" else "month"
        text = f"{stated.label} vs {other.label}: different {unit}"
        return Relation.CONFLICT, text + f" (year stated only in {src_stated}){inferred_note}"
    return (
        Relation.OVERLAP,
        f"{stated.label} vs {other.label}: year stated only in {src_stated}{inferred_note}",
    )


# ------------------------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------------------------


def _measure_label(a: NumberValue, b: NumberValue) -> str:
    if a.measure == b.measure or not b.measure:
        return a.measure
    if not a.measure:
        return b.measure
    return f"{a.measure}/{b.measure}"


def _counted(a: NumberValue, b: NumberValue) -> str:
    """What the two figures count, as words after a figure (" passengers"), or "" for % and money."""
    count = None if a.vague else a.nominal
    unit = "/".join(measure_words(u, count) for u in _measure_label(a, b).split("/") if u)
    return f" {unit}" if unit and unit != "percent" and not unit.startswith("money:") else ""


def _disjoint_text(a: NumberValue, b: NumberValue, what: str) -> str:
    text = f"{a.label} vs {b.label}{what}: disjoint"
    if not (a.high < b.low or b.high < a.low):
        lo, hi = sorted((a.nominal, b.nominal))
        pct = (hi - lo) / lo * 100 if lo else math.inf
        text += f" (bounds are logically compatible, but the figures differ by {pct:.0f}%)"
    return text


def number_relation(a: NumberValue, b: NumberValue, *, src_a: str, src_b: str) -> tuple[Relation, str]:
    """Relation of two numbers from A's point of view, with a plain-words explanation.

    Same stated figure -> same (qualifier differences are noted, except a lower vs an upper bound,
    which conflict). Otherwise the soft readings decide: disjoint -> conflict, containment ->
    more/less specific, else overlap. See docs/facts.md ("How bounds compare").

    Args:
        a, b: The two number values.
        src_a, src_b: Source ids (the explanation names figures, not sources, today).

    Returns:
        (relation, explanation).
    """
    del src_a, src_b  # uniform signature; a number explanation reads "1,200+ vs nearly 900"
    if a.tally or b.tally:
        return _tally_relation(a, b)
    if convertible(a.measure, b.measure):
        return _converted_relation(a, b)
    what = _counted(a, b)
    la, lb = a.label, b.label
    if a.vague and b.vague and a.qualifier_text == b.qualifier_text:
        return Relation.SAME, f"same amount: {la}{what}"
    if not a.vague and not b.vague and a.nominal == b.nominal and a.nominal_high == b.nominal_high:
        if {a.qualifier, b.qualifier} == {R.LOWER, R.UPPER}:
            return Relation.CONFLICT, f"{la} vs {lb}{what}: one is a lower, the other an upper bound"
        if a.parts and b.parts and sorted(a.parts) != sorted(b.parts):
            breakdown = f"{' and '.join(a.parts)} vs {' and '.join(b.parts)}"
            return (
                Relation.OVERLAP,
                f"same total {fmt_number(a.nominal)}{what}, different breakdown: {breakdown}",
            )
        note = (
            ""
            if a.qualifier == b.qualifier
            else f" (qualifier: {a.qualifier_text or 'none'} vs {b.qualifier_text or 'none'})"
        )
        return Relation.SAME, f"same figure: {fmt_number(a.nominal)}{what}{note}"
    if a.soft_high < b.soft_low or b.soft_high < a.soft_low:
        return Relation.CONFLICT, _disjoint_text(a, b, what)
    if b.soft_low <= a.soft_low and a.soft_high <= b.soft_high:
        return Relation.MORE_SPECIFIC, f"{la}{what} lies within {lb}"
    if a.soft_low <= b.soft_low and b.soft_high <= a.soft_high:
        return Relation.LESS_SPECIFIC, f"{lb}{what} lies within {la}"
    return Relation.OVERLAP, f"{la} vs {lb}{what}: compatible but different figures"


def _tally_relation(a: NumberValue, b: NumberValue) -> tuple[Relation, str]:
    if not (a.tally and b.tally):  # pairing never offers this; kept total for any caller
        return Relation.OVERLAP, f"{a.label} vs {b.label}: a tally and a single figure"
    if (a.nominal, a.nominal_high) == (b.nominal, b.nominal_high):
        return Relation.SAME, f"same {a.measure}: {a.label}"
    return Relation.CONFLICT, f"{a.label} vs {b.label}: different {a.measure}"


def _in_units(v: NumberValue, unit: str) -> NumberValue:
    """``v`` converted into ``unit`` (the same dimension), its precision with it."""

    def c(x: float) -> float:
        return x if math.isinf(x) else convert(x, v.measure, unit)

    scale = abs(convert(1.0, v.measure, unit) - convert(0.0, v.measure, unit))
    return replace(
        v,
        nominal=c(v.nominal),
        nominal_high=c(v.nominal_high),
        low=c(v.low),
        high=c(v.high),
        soft_low=c(v.soft_low),
        soft_high=c(v.soft_high),
        measure=unit,
        precision=v.precision * scale,
    )


def _converted_relation(a: NumberValue, b: NumberValue) -> tuple[Relation, str]:
    """Figures in two units of one dimension ("72 km" vs "45 miles"): B is converted into A's unit.

    A stated figure stands for anything that rounds to it ("45 miles" is 44.5-45.5 miles, 71.6-73.2 km),
    so two exact figures whose rounding ranges meet are the same figure in other units.
    """
    bc = _in_units(b, a.measure)
    shown = (
        f"{b.label} {measure_words(b.measure, b.nominal)} = {fmt_number(round(bc.nominal, 1))} {a.measure}"
    )
    exact = a.qualifier == b.qualifier == R.EXACT and not (a.vague or b.vague)
    if exact and abs(a.nominal - bc.nominal) <= (a.precision + bc.precision) / 2:
        return Relation.SAME, f"same figure in other units: {a.label} {a.measure} / {shown}"
    r, why = number_relation(a, bc, src_a="", src_b="")
    return r, f"{why} ({shown})"


# ------------------------------------------------------------------------------------------------
# Quotes
# ------------------------------------------------------------------------------------------------


def quote_relation(a: QuoteMention, b: QuoteMention, *, src_a: str, src_b: str) -> tuple[Relation, str]:
    """Relation of two matched quotes: same wording, an excerpt of the other, or reworded.

    Args:
        a, b: The two quotations.
        src_a, src_b: Source ids, for the explanation.

    Returns:
        (relation, explanation).
    """
    if a.wording == b.wording:
        return Relation.SAME, "same wording"
    if a.wording in b.wording:
        return Relation.LESS_SPECIFIC, f"shorter excerpt in {src_a}: “{a.inner}” vs “{b.inner}”"
    if b.wording in a.wording:
        return Relation.MORE_SPECIFIC, f"shorter excerpt in {src_b}: “{a.inner}” vs “{b.inner}”"
    return (
        Relation.OVERLAP,
        f"wording differs (similarity {similarity(a.wording, b.wording):.2f}): “{a.inner}” vs “{b.inner}”",
    )
