"""Extraction of a passage into facts, and pairing + relations between two aligned passages."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

from core.facts import resources as R
from core.facts.dates import DateMention, DateValue, Span, scan_dates
from core.facts.names import (
    NameMention,
    Story,
    canonical,
    find_abbreviations,
    find_names,
    is_common_word,
    link_people,
)
from core.facts.numbers import NumberMention, NumberValue, find_numbers, fmt_number, measure_words
from core.facts.quotes import QuoteMention, find_quotes, similarity
from core.model import Fact, FactKind, FactPair, Passage, Relation

_PLACEHOLDER_YEAR = 2000
_CONTEXT_WORD = re.compile(r"[A-Za-z]{3,}")
_STOP_CONTEXT = frozenset(
    {"the", "and", "that", "with", "from", "have", "has", "had", "were", "was", "for", "this"}
)

M = TypeVar("M")


# ------------------------------------------------------------------------------------------------
# Extraction
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything extracted from one passage (offsets into ``passage.text``)."""

    passage: Passage
    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]
    names: tuple[NameMention, ...]
    quotes: tuple[QuoteMention, ...]
    aliases: tuple[tuple[str, str], ...]


@lru_cache(maxsize=2048)
def analyse(passage: Passage, published: dt.date | None = None, with_names: bool = True) -> Analysis:
    """Extract dates, numbers, names and quotes of one passage (cached per passage).

    Args:
        passage: The passage.
        published: Publication date of its article, for relative dates.
        with_names: Run spaCy NER (the only slow part).

    Returns:
        The passage's :class:`Analysis`.
    """
    text = passage.text
    dates, rejected = scan_dates(text, published=published)
    quotes = find_quotes(text)
    exclude = [(d.start, d.end) for d in dates] + rejected
    numbers = find_numbers(text, exclude=exclude)
    names = find_names(text) if with_names else []
    aliases = tuple(sorted(find_abbreviations(text).items()))
    return Analysis(passage, tuple(dates), tuple(numbers), tuple(names), tuple(quotes), aliases)


def _fact(kind: FactKind, p: Passage, span: tuple[int, int], fields: tuple[str, str, str]) -> Fact:
    """Build a Fact from passage-relative ``span`` and (value, norm, detail)."""
    start, end = span
    return Fact(kind, p.source_id, p.start + start, p.start + end, p.text[start:end], *fields)


def date_detail(v: DateValue) -> str:
    """Detail string of a date fact: granularity, mod, whether the year is stated."""
    if v.relative:
        year = "unresolved (no publication date)"
    elif not v.year_stated:
        year = "not stated" + (" (inferred from publication date)" if v.inferred else "")
    else:
        year = "stated" + (" (relative to publication date)" if v.inferred else "")
    return f"{v.granularity}; mod={v.mod or '-'}; year {year}"


def date_fact(m: DateMention, p: Passage) -> Fact:
    """Turn a date mention into a :class:`Fact` with article offsets."""
    span = m.value.span()
    norm = f"{span[0].isoformat()}/{span[1].isoformat()}" if span else m.value.timex
    return _fact(FactKind.DATE, p, (m.start, m.end), (m.value.label, norm, date_detail(m.value)))


def number_detail(v: NumberValue) -> str:
    """Detail string of a number fact: what it counts, qualifier and soft reading."""
    soft = f"[{fmt_number(v.soft_low)},{fmt_number(v.soft_high)}]"
    return f"{v.measure or '?'}; qualifier={v.qualifier_text or 'none'}; reading={soft}"


def number_fact(m: NumberMention, p: Passage) -> Fact:
    """Turn a number mention into a :class:`Fact` with article offsets."""
    v = m.value
    return _fact(FactKind.NUMBER, p, (m.start, m.end), (v.display, v.interval, number_detail(v)))


def name_fact(m: NameMention, p: Passage, aliases: dict[str, str], key: str | None = None) -> Fact:
    """Turn a name mention into a :class:`Fact`; norm is the canonical name (abbreviation if known)."""
    key = key or canonical(m.name, m.label, aliases)
    abbr = next((a for a in aliases if a.casefold() == key), None)
    if abbr:
        value, norm = f"{aliases[abbr]} ({abbr})", abbr
    else:
        value, norm = m.name, m.name
    return _fact(FactKind.NAME, p, (m.start, m.end), (value, norm, m.label))


def quote_fact(m: QuoteMention, p: Passage) -> Fact:
    """Turn a quote mention into a :class:`Fact`."""
    return _fact(FactKind.QUOTE, p, (m.start, m.end), (m.inner, m.wording, "speech" if m.speech else "term"))


def facts_of(an: Analysis) -> tuple[Fact, ...]:
    """All facts of an analysis, in text order."""
    p = an.passage
    aliases = dict(an.aliases)
    facts = [number_fact(m, p) for m in an.numbers]
    facts += [date_fact(m, p) for m in an.dates]
    facts += [name_fact(m, p, aliases) for m in an.names]
    facts += [quote_fact(m, p) for m in an.quotes]
    facts.sort(key=lambda f: (f.start, f.end))
    return tuple(facts)


# ------------------------------------------------------------------------------------------------
# Relations
# ------------------------------------------------------------------------------------------------

_MIRROR = {
    Relation.MORE_SPECIFIC: Relation.LESS_SPECIFIC,
    Relation.LESS_SPECIFIC: Relation.MORE_SPECIFIC,
}


def mirror(r: Relation) -> Relation:
    """The relation seen from the other side."""
    return _MIRROR.get(r, r)


def span_relation(a: Span, b: Span) -> Relation:
    """Relation of two closed day spans: same, more/less specific (containment), overlap or conflict."""
    if a == b:
        return Relation.SAME
    if a[1] < b[0] or b[1] < a[0]:
        return Relation.CONFLICT
    if b[0] <= a[0] and a[1] <= b[1]:
        return Relation.MORE_SPECIFIC
    if a[0] <= b[0] and b[1] <= a[1]:
        return Relation.LESS_SPECIFIC
    return Relation.OVERLAP


def _fmt_span(s: Span) -> str:
    return s[0].isoformat() if s[0] == s[1] else f"{s[0].isoformat()}..{s[1].isoformat()}"


_FINE = frozenset({"day", "week", "month", "season"})


def date_relation(a: DateValue, b: DateValue, src_a: str = "A", src_b: str = "B") -> tuple[Relation, str]:
    """Relation of two dates from A's point of view, with a plain-words explanation.

    Args:
        a, b: The two date values.
        src_a, src_b: Source ids, for the explanation.

    Returns:
        (relation, explanation).
    """
    la, lb = a.label, b.label
    if a.relative or b.relative:
        if a.relative and a.relative == b.relative:
            return Relation.SAME, f"same relative date: {a.relative}"
        return (
            Relation.OVERLAP,
            f"{la} vs {lb}: a relative date cannot be resolved without a publication date",
        )
    a_has, b_has = a.year is not None, b.year is not None
    if a_has and b_has and a.year_stated == b.year_stated:
        sa, sb = a.span(), b.span()
        if sa is None or sb is None:  # defensive: a value with a year always has a span
            return Relation.OVERLAP, f"{la} vs {lb}"
        return _span_explained(span_relation(sa, sb), (sa, sb), (la, lb), (src_a, src_b))
    if a.year_stated and b.year_stated:  # a decade ("the 1960s") has years but no single one
        sa, sb = a.span(), b.span()
        if sa is None or sb is None:
            return Relation.OVERLAP, f"{la} vs {lb}"
        return _span_explained(span_relation(sa, sb), (sa, sb), (la, lb), (src_a, src_b))
    if not a.year_stated and not b.year_stated:
        sa, sb = a.span(_PLACEHOLDER_YEAR), b.span(_PLACEHOLDER_YEAR)
        if sa is None or sb is None:  # pragma: no cover
            return Relation.OVERLAP, f"{la} vs {lb}"
        r = span_relation(sa, sb)
        return _span_explained(r, (sa, sb), (la, lb), (src_a, src_b), " (year stated in neither)")
    # Exactly one side states the year: compare with that year assumed on the other side.
    stated, other, stated_is_a = (a, b, True) if a.year_stated else (b, a, False)
    src_stated, src_other = (src_a, src_b) if stated_is_a else (src_b, src_a)
    year = stated.year
    if year is None:
        # A decade ("the 1960s") states years but no single one to lend the other side ("December").
        return Relation.OVERLAP, f"{la} vs {lb}: no year in {src_other} to compare with {stated.label}"
    so = replace(other, year=year, year_stated=True, inferred=False).span()
    ss = stated.span()
    if ss is None or so is None:  # defensive: both have a year here
        return Relation.OVERLAP, f"{la} vs {lb}"
    r = span_relation(ss, so)  # from the stated side's point of view
    inferred_note = ""
    if other.inferred and other.year is not None and other.year != year:
        inferred_note = f"; {src_other}'s year inferred as {other.year} from its publication date"
    if r == Relation.SAME:
        rel = Relation.MORE_SPECIFIC
        text = f"year stated only in {src_stated}: {year}{inferred_note}"
    elif r == Relation.MORE_SPECIFIC:
        rel = Relation.MORE_SPECIFIC
        text = (
            f"{src_stated} is more specific: {stated.label} vs {other.label} (year not stated){inferred_note}"
        )
    elif r == Relation.CONFLICT and stated.granularity in _FINE and other.granularity in _FINE:
        rel = Relation.CONFLICT
        text = (
            f"{stated.label} vs {other.label}: different {'day' if stated.granularity == 'day' else 'month'}"
        )
        text += f" (year stated only in {src_stated}){inferred_note}"
    else:
        rel = Relation.OVERLAP
        text = f"{stated.label} vs {other.label}: year stated only in {src_stated}{inferred_note}"
    return (rel if stated_is_a else mirror(rel)), text


def _span_explained(
    r: Relation, spans: tuple[Span, Span], labels: tuple[str, str], sources: tuple[str, str], note: str = ""
) -> tuple[Relation, str]:
    (sa, sb), (la, lb), (src_a, src_b) = spans, labels, sources
    if r == Relation.SAME:
        return r, f"same date: {la}" + (f" / {lb}" if lb != la else "") + note
    if r == Relation.CONFLICT:
        return r, f"{la} vs {lb}: disjoint ({_fmt_span(sa)} vs {_fmt_span(sb)}){note}"
    if r == Relation.MORE_SPECIFIC:
        return r, f"{src_a} is more specific: {la} lies within {lb}{note}"
    if r == Relation.LESS_SPECIFIC:
        return r, f"{src_b} is more specific: {lb} lies within {la}{note}"
    return r, f"{la} vs {lb}: overlapping ({_fmt_span(sa)} vs {_fmt_span(sb)}){note}"


def _measure_label(a: NumberValue, b: NumberValue) -> str:
    if a.measure == b.measure or not b.measure:
        return a.measure
    if not a.measure:
        return b.measure
    return f"{a.measure}/{b.measure}"


def number_relation(a: NumberValue, b: NumberValue) -> tuple[Relation, str]:
    """Relation of two numbers from A's point of view, with a plain-words explanation.

    Same stated figure -> same (qualifier differences are noted, except a lower vs an upper bound,
    which conflict). Otherwise the soft readings decide: disjoint -> conflict, containment ->
    more/less specific, else overlap. See README ("How bounds compare").
    """
    count = None if a.vague else a.nominal
    unit = "/".join(measure_words(u, count) for u in _measure_label(a, b).split("/") if u)
    what = f" {unit}" if unit and unit != "percent" and not unit.startswith("money:") else ""
    la, lb = a.label, b.label
    if a.vague and b.vague and a.qualifier_text == b.qualifier_text:
        return Relation.SAME, f"same amount: {la}{what}"
    if not a.vague and not b.vague and a.nominal == b.nominal and a.nominal_high == b.nominal_high:
        if {a.qualifier, b.qualifier} == {R.LOWER, R.UPPER}:
            return Relation.CONFLICT, f"{la} vs {lb}{what}: one is a lower, the other an upper bound"
        note = (
            ""
            if a.qualifier == b.qualifier
            else f" (qualifier: {a.qualifier_text or 'none'} vs {b.qualifier_text or 'none'})"
        )
        return Relation.SAME, f"same figure: {fmt_number(a.nominal)}{what}{note}"
    disjoint = a.soft_high < b.soft_low or b.soft_high < a.soft_low
    if disjoint:
        hard_ok = not (a.high < b.low or b.high < a.low)
        text = f"{la} vs {lb}{what}: disjoint"
        if hard_ok:
            lo, hi = sorted((a.nominal, b.nominal))
            pct = (hi - lo) / lo * 100 if lo else math.inf
            text += f" (bounds are logically compatible, but the figures differ by {pct:.0f}%)"
        return Relation.CONFLICT, text
    if b.soft_low <= a.soft_low and a.soft_high <= b.soft_high:
        return Relation.MORE_SPECIFIC, f"{la}{what} lies within {lb}"
    if a.soft_low <= b.soft_low and b.soft_high <= a.soft_high:
        return Relation.LESS_SPECIFIC, f"{lb}{what} lies within {la}"
    return Relation.OVERLAP, f"{la} vs {lb}{what}: compatible but different figures"


# ------------------------------------------------------------------------------------------------
# Pairing
# ------------------------------------------------------------------------------------------------


def _greedy(
    left: Sequence[M], right: Sequence[M], score: Callable[[M, M], float | None]
) -> tuple[list[tuple[int, int]], set[int], set[int]]:
    """Pair items greedily by descending score (None = may not pair)."""
    cands: list[tuple[float, int, int]] = []
    for i, x in enumerate(left):
        for j, y in enumerate(right):
            s = score(x, y)
            if s is not None:
                cands.append((s, -i, -j))
    cands.sort(reverse=True)
    used_l: set[int] = set()
    used_r: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, ni, nj in cands:
        i, j = -ni, -nj
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        pairs.append((i, j))
    return pairs, set(range(len(left))) - used_l, set(range(len(right))) - used_r


def _generic_persons(m: str) -> bool:
    return m in {"soldiers", "people"}


def _number_score(a: NumberMention, b: NumberMention, rel_a: float, rel_b: float) -> float | None:
    va, vb = a.value, b.value
    ma, mb = va.measure, vb.measure
    x, y = max(va.nominal, 1e-9), max(vb.nominal, 1e-9)
    dist = abs(math.log10(x / y))
    closeness = 1.0 / (1.0 + dist)
    equal = va.nominal == vb.nominal
    if ma and ma == mb:
        base = 3.0
    elif (
        ma in R.PERSON_MEASURES and mb in R.PERSON_MEASURES and (_generic_persons(ma) or _generic_persons(mb))
    ):
        if dist > 0.5 and not equal:
            return None
        base = 1.0
    elif not ma and not mb and equal:
        base = 1.0
    elif (not ma or not mb) and equal and not (ma.startswith("ordinal") or mb.startswith("ordinal")):
        base = 0.5
    else:
        return None
    return base + closeness + 0.3 * (1 - abs(rel_a - rel_b))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around a mention (a passage may hold two or three sentences)."""
    left = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    right_cands = [k for k in (text.find(". ", end), text.find("? ", end), text.find("! ", end)) if k >= 0]
    return left + 1, (min(right_cands) if right_cands else len(text))


def _context(text: str, start: int, end: int) -> set[str]:
    """Content words of the sentence around a mention."""
    left, right = _sentence_bounds(text, start, end)
    words = _CONTEXT_WORD.findall(text[left:start]) + _CONTEXT_WORD.findall(text[end:right])
    return {w.lower() for w in words} - _STOP_CONTEXT


def _measures_near(an: Analysis, start: int, end: int) -> set[str]:
    """What the numbers in the same sentence count: a date that qualifies a figure shares its role."""
    left, right = _sentence_bounds(an.passage.text, start, end)
    return {m.value.measure for m in an.numbers if left <= m.start < right and m.value.measure}


def _pos(text: str, m: DateMention | NumberMention) -> float:
    return m.start / max(1, len(text))


def _pair_dates(a: Analysis, b: Analysis) -> tuple[list[tuple[int, int, Relation, str]], set[int], set[int]]:
    ta, tb = a.passage.text, b.passage.text
    rels: dict[tuple[int, int], tuple[Relation, str]] = {}
    for i, x in enumerate(a.dates):
        for j, y in enumerate(b.dates):
            rels[(i, j)] = date_relation(x.value, y.value, a.passage.source_id, b.passage.source_id)
    ctx_a = [_context(ta, m.start, m.end) for m in a.dates]
    ctx_b = [_context(tb, m.start, m.end) for m in b.dates]

    meas_a = [_measures_near(a, m.start, m.end) for m in a.dates]
    meas_b = [_measures_near(b, m.start, m.end) for m in b.dates]

    def closeness(i: int, j: int) -> float:
        union = ctx_a[i] | ctx_b[j]
        jac = len(ctx_a[i] & ctx_b[j]) / len(union) if union else 0.0
        shared_role = 1.0 if meas_a[i] & meas_b[j] else 0.0
        return 2 * jac + shared_role + (1 - abs(_pos(ta, a.dates[i]) - _pos(tb, b.dates[j])))

    # One greedy pass: the sentence context decides which mention answers which (a UN report's date
    # pairs with the other outlet's UN report date, not with a conviction year in the next sentence);
    # agreeing values break ties; a conflicting pair needs a clearly shared context or no alternative.
    single = len(a.dates) == 1 and len(b.dates) == 1

    def score(x: int, y: int) -> float | None:
        r = rels[(x, y)][0]
        c = closeness(x, y)
        if r == Relation.CONFLICT:
            return c if single or c >= 1.2 else None
        return {Relation.SAME: 1.0, Relation.OVERLAP: 0.3}.get(r, 0.6) + c

    pairs, left_a, left_b = _greedy(list(range(len(a.dates))), list(range(len(b.dates))), score)
    return [(i, j, *rels[(i, j)]) for i, j in pairs], left_a, left_b


def _pair_numbers(a: Analysis, b: Analysis) -> tuple[list[tuple[int, int]], set[int], set[int]]:
    ta, tb = a.passage.text, b.passage.text
    return _greedy(a.numbers, b.numbers, lambda x, y: _number_score(x, y, _pos(ta, x), _pos(tb, y)))


def _pair_quotes(a: Analysis, b: Analysis) -> tuple[list[tuple[int, int]], set[int], set[int]]:
    def score(x: QuoteMention, y: QuoteMention) -> float | None:
        s = similarity(x.wording, y.wording)
        contained = (
            len(x.wording) >= 8 and len(y.wording) >= 8 and (x.wording in y.wording or y.wording in x.wording)
        )
        return s if s >= R.QUOTE_MATCH_RATIO or contained else None

    return _greedy(a.quotes, b.quotes, score)


def quote_relation(a: QuoteMention, b: QuoteMention) -> tuple[Relation, str]:
    """Relation of two matched quotes: same wording, an excerpt of the other, or reworded."""
    if a.wording == b.wording:
        return Relation.SAME, "same wording"
    if a.wording in b.wording:
        return Relation.LESS_SPECIFIC, f"shorter excerpt in A: “{a.inner}” vs “{b.inner}”"
    if b.wording in a.wording:
        return Relation.MORE_SPECIFIC, f"shorter excerpt in B: “{a.inner}” vs “{b.inner}”"
    return (
        Relation.OVERLAP,
        f"wording differs (similarity {similarity(a.wording, b.wording):.2f}): “{a.inner}” vs “{b.inner}”",
    )


def _story_names(an: Analysis, story: Story | None) -> tuple[NameMention, ...]:
    if story is None:
        return an.names
    return tuple(m for m in an.names if not is_common_word(m, an.passage.text, story))


def _names(
    names: Sequence[NameMention], aliases: dict[str, str], people: dict[str, str]
) -> dict[str, NameMention]:
    out: dict[str, NameMention] = {}
    for m in names:
        key = canonical(m.name, m.label, aliases)
        key = people.get(key, key)
        prev = out.get(key)
        if prev is None or (len(m.name) > len(prev.name) and prev.label == m.label):
            out[key] = m if prev is None else replace(m, start=prev.start, end=prev.end, text=prev.text)
    return out


def _find_name(text: str, m: NameMention, key: str, aliases: dict[str, str]) -> NameMention | None:
    """Find a name (or its surname / other abbreviation form) in the other side's text."""
    forms = [m.name]
    if m.label == "PERSON" and " " in m.name:
        forms.append(m.name.rsplit(" ", 1)[1])
    for abbr, long in aliases.items():
        if abbr.casefold() == key:
            forms += [abbr, long]
    for form in forms:
        if len(form) < 2:
            continue
        hit = re.search(rf"(?<![\w]){re.escape(form)}(?![\w])", text)
        if hit:
            return NameMention(hit.start(), hit.end(), hit.group(0), m.label, form)
    return None


def compare_analyses(
    claim_id: int, a: Analysis, b: Analysis, story: Story | None = None
) -> tuple[FactPair, ...]:
    """Pair the facts of two analysed passages and label each pair with a relation.

    Args:
        claim_id: The claim group id copied into each pair.
        a, b: The analysed passages.
        story: Story-wide abbreviations and lower-case vocabulary (see ``names.Story``), when known.

    Returns:
        FactPairs for every fact of both sides (see ``compare_passages``).
    """
    pa, pb = a.passage, b.passage
    sa, sb = pa.source_id, pb.source_id
    out: list[tuple[int, FactPair]] = []

    def pair(kind: FactKind, rel: Relation, fa: Fact | None, fb: Fact | None, why: str) -> None:
        order = fa.start - pa.start if fa is not None else (fb.start - pb.start if fb is not None else 0)
        out.append((order, FactPair(claim_id, sa, sb, kind, rel, fa, fb, why)))

    # numbers
    pairs, left_a, left_b = _pair_numbers(a, b)
    for i, j in pairs:
        r, why = number_relation(a.numbers[i].value, b.numbers[j].value)
        pair(FactKind.NUMBER, r, number_fact(a.numbers[i], pa), number_fact(b.numbers[j], pb), why)
    for i in sorted(left_a):
        f = number_fact(a.numbers[i], pa)
        pair(FactKind.NUMBER, Relation.ONLY_IN_A, f, None, f"only in {sa}: {f.value}")
    for j in sorted(left_b):
        f = number_fact(b.numbers[j], pb)
        pair(FactKind.NUMBER, Relation.ONLY_IN_B, None, f, f"only in {sb}: {f.value}")

    # dates
    dpairs, dleft_a, dleft_b = _pair_dates(a, b)
    for i, j, r, why in dpairs:
        pair(FactKind.DATE, r, date_fact(a.dates[i], pa), date_fact(b.dates[j], pb), why)
    for i in sorted(dleft_a):
        f = date_fact(a.dates[i], pa)
        pair(FactKind.DATE, Relation.ONLY_IN_A, f, None, f"only in {sa}: {f.value}")
    for j in sorted(dleft_b):
        f = date_fact(b.dates[j], pb)
        pair(FactKind.DATE, Relation.ONLY_IN_B, None, f, f"only in {sb}: {f.value}")

    # names
    aliases = (dict(story.aliases) if story else {}) | dict(a.aliases) | dict(b.aliases)
    names_a, names_b = _story_names(a, story), _story_names(b, story)
    keys = [(canonical(m.name, m.label, aliases), m.label) for m in (*names_a, *names_b)]
    people = link_people(keys)
    na, nb = _names(names_a, aliases, people), _names(names_b, aliases, people)
    # NER recall differs between two wordings of the same sentence: before calling a name "only in"
    # one side, look for it (or a person's surname, or the abbreviation's other form) in the other text.
    for key, ma in list(na.items()):
        if key not in nb:
            found = _find_name(pb.text, ma, key, aliases)
            if found is not None:
                nb[key] = found
    for key, mb in list(nb.items()):
        if key not in na:
            found = _find_name(pa.text, mb, key, aliases)
            if found is not None:
                na[key] = found
    for key, ma in sorted(na.items(), key=lambda kv: kv[1].start):
        fa = name_fact(ma, pa, aliases, key)
        if key in nb:
            fb = name_fact(nb[key], pb, aliases, key)
            why = "same entity" if ma.name == nb[key].name else f"same entity: {ma.name} / {nb[key].name}"
            pair(FactKind.NAME, Relation.SAME, fa, fb, why)
        elif ma.label in R.ONLY_IN_NAME_LABELS:
            pair(FactKind.NAME, Relation.ONLY_IN_A, fa, None, f"{ma.label} named only in {sa}: {fa.value}")
    for key, mb in nb.items():
        if key not in na and mb.label in R.ONLY_IN_NAME_LABELS:
            fb = name_fact(mb, pb, aliases, key)
            pair(FactKind.NAME, Relation.ONLY_IN_B, None, fb, f"{mb.label} named only in {sb}: {fb.value}")

    # quotes
    qpairs, qleft_a, qleft_b = _pair_quotes(a, b)
    for i, j in qpairs:
        r, why = quote_relation(a.quotes[i], b.quotes[j])
        why = why.replace(" in A:", f" in {sa}:").replace(" in B:", f" in {sb}:")
        pair(FactKind.QUOTE, r, quote_fact(a.quotes[i], pa), quote_fact(b.quotes[j], pb), why)
    for i in sorted(qleft_a):
        if a.quotes[i].speech:
            pair(
                FactKind.QUOTE, Relation.ONLY_IN_A, quote_fact(a.quotes[i], pa), None, f"quoted only in {sa}"
            )
    for j in sorted(qleft_b):
        if b.quotes[j].speech:
            pair(
                FactKind.QUOTE, Relation.ONLY_IN_B, None, quote_fact(b.quotes[j], pb), f"quoted only in {sb}"
            )

    kind_order = {FactKind.NUMBER: 0, FactKind.DATE: 1, FactKind.NAME: 2, FactKind.QUOTE: 3}
    out.sort(key=lambda t: (kind_order[t[1].kind], t[0]))
    return tuple(fp for _, fp in out)
