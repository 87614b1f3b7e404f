"""Pairing: which fact of one passage answers which fact of the aligned passage, and the FactPairs out.

Extraction lives in ``extract``, the relation of two values in ``relations``; this module only decides
the pairs (greedy by score, per kind) and emits one ``FactPair`` per pair and per unpaired fact.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise
from typing import TypeVar

from core.facts import resources as R
from core.facts.dates import DateMention, DateValue
from core.facts.extract import Analysis, analyse, date_fact, name_fact, number_fact, quote_fact
from core.facts.measures import convert, convertible, is_generic_person, is_person
from core.facts.names import (
    NameMention,
    Story,
    canonical,
    is_common_word,
    link_people,
    names_for,
    spelt_alike,
    story_context,
)
from core.facts.numbers import NumberMention
from core.facts.quotes import QuoteMention, content_overlap, similarity
from core.facts.relations import (
    date_relation,
    dates_comparable,
    mirror,
    number_relation,
    quote_relation,
)
from core.model import Article, Claim, Fact, FactKind, FactPair, Passage, Relation

log = logging.getLogger(__name__)

M = TypeVar("M")
V = TypeVar("V")
# (relation, fact of A or None, fact of B or None, explanation), in the order they are emitted.
Row = tuple[Relation, Fact | None, Fact | None, str]

_KIND_ORDER = {FactKind.NUMBER: 0, FactKind.DATE: 1, FactKind.NAME: 2, FactKind.QUOTE: 3}


NOT_COMPARED = "not compared: comparing these two values failed (logged)"


def _relate(
    relation: Callable[..., tuple[Relation, str]], a: V, b: V, *, src_a: str, src_b: str
) -> tuple[Relation, str]:
    """``relation(a, b, src_a=, src_b=)``; an exception costs this one pair, never the comparison: the pair
    is logged and marked (overlap, "not compared: ...") so the reader still sees both values."""
    try:
        return relation(a, b, src_a=src_a, src_b=src_b)
    except Exception:  # any bug in one pair must not take the comparison down
        log.exception("%s failed on %r vs %r", getattr(relation, "__name__", relation), a, b)
        return Relation.OVERLAP, NOT_COMPARED


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


# ------------------------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------------------------


def _number_score(a: NumberMention, b: NumberMention, rel_a: float, rel_b: float) -> float | None:
    """How well two figures answer each other (None: they may not pair). Same measure first; person
    counts of different kinds pair only when their figures are close; units of one dimension convert."""
    va, vb = a.value, b.value
    if va.tally or vb.tally:  # a tally answers only a tally
        if not (va.tally and vb.tally):
            return None
        return 4.0 if (va.nominal, va.nominal_high) == (vb.nominal, vb.nominal_high) else 3.0
    ma, mb = va.measure, vb.measure
    y_nominal = convert(vb.nominal, mb, ma) if convertible(ma, mb) else vb.nominal
    x, y = max(va.nominal, 1e-9), max(y_nominal, 1e-9)
    dist = abs(math.log10(x / y))
    closeness = 1.0 / (1.0 + dist)
    equal = va.nominal == vb.nominal
    if (ma and ma == mb) or convertible(ma, mb):
        base = 3.0
    elif is_person(ma) and is_person(mb) and (is_generic_person(ma) or is_generic_person(mb)):
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


def _pos(text: str, m: DateMention | NumberMention) -> float:
    return m.start / max(1, len(text))


def _parts(text: str, numbers: Sequence[NumberMention]) -> list[bool]:
    """Per figure: whether it counts part of the figure just before it, of the same measure ("672
    injured, including 205 in critical condition"). A part of another measure is that measure's figure
    ("1.2 million casualties, including 325,000 deaths" is the count of deaths)."""
    out = [False] * len(numbers)
    for k in range(1, len(numbers)):
        m, prev = numbers[k], numbers[k - 1]
        if prev.value.measure == m.value.measure and R.PART_BEFORE.search(
            text[max(0, m.start - 25) : m.start]
        ):
            out[k] = True
    return out


def _pair_numbers(a: Analysis, b: Analysis) -> tuple[list[tuple[int, int]], set[int], set[int]]:
    ta, tb = a.passage.text, b.passage.text
    part_a, part_b = _parts(ta, a.numbers), _parts(tb, b.numbers)
    index_a = {id(m): i for i, m in enumerate(a.numbers)}
    index_b = {id(m): j for j, m in enumerate(b.numbers)}

    def score(x: NumberMention, y: NumberMention) -> float | None:
        s = _number_score(x, y, _pos(ta, x), _pos(tb, y))
        # A part answers a part and a total a total first: the closest figures are not always the ones
        # that count the same thing (672 vs 329 injured, not the 205 in critical condition among the 672).
        if s is not None and part_a[index_a[id(x)]] != part_b[index_b[id(y)]]:
            s -= R.PART_PENALTY
        return s

    return _greedy(a.numbers, b.numbers, score)


def _number_rows(a: Analysis, b: Analysis) -> list[Row]:
    pa, pb = a.passage, b.passage
    pairs, left_a, left_b = _pair_numbers(a, b)
    matched: list[Row] = []
    for i, j in pairs:
        r, why = _relate(
            number_relation, a.numbers[i].value, b.numbers[j].value, src_a=pa.source_id, src_b=pb.source_id
        )
        matched.append((r, number_fact(a.numbers[i], pa), number_fact(b.numbers[j], pb), why))
    only_a = [number_fact(a.numbers[i], pa) for i in sorted(left_a)]
    only_b = [number_fact(b.numbers[j], pb) for j in sorted(left_b)]
    return _with_leftovers(matched, only_a, only_b, _only_value, src_a=pa.source_id, src_b=pb.source_id)


# ------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around a mention (a passage may hold two or three sentences), at most
    ``CONTEXT_CHARS`` either side: a text with no sentence end must not cost a scan of all of it for
    every mention."""
    lo, hi = max(0, start - R.CONTEXT_CHARS), min(len(text), end + R.CONTEXT_CHARS)
    left = max(text.rfind(". ", lo, start), text.rfind("? ", lo, start), text.rfind("! ", lo, start))
    ends = [
        k for k in (text.find(". ", end, hi), text.find("? ", end, hi), text.find("! ", end, hi)) if k >= 0
    ]
    return (left + 1 if left >= 0 else lo), (min(ends) if ends else hi)


def _context(text: str, start: int, end: int) -> set[str]:
    """Content words of the sentence around a mention."""
    left, right = _sentence_bounds(text, start, end)
    words = R.CONTEXT_WORD.findall(text[left:start]) + R.CONTEXT_WORD.findall(text[end:right])
    return {w.lower() for w in words} - R.STOP_CONTEXT


def _measures_near(an: Analysis, start: int, end: int) -> set[str]:
    """What the numbers in the same sentence count: a date that qualifies a figure shares its role."""
    left, right = _sentence_bounds(an.passage.text, start, end)
    return {m.value.measure for m in an.numbers if left <= m.start < right and m.value.measure}


def _pair_dates(a: Analysis, b: Analysis) -> tuple[list[tuple[int, int, Relation, str]], set[int], set[int]]:
    ta, tb = a.passage.text, b.passage.text
    src_a, src_b = a.passage.source_id, b.passage.source_id
    rels: dict[tuple[int, int], tuple[Relation, str]] = {}

    def rel(i: int, j: int) -> tuple[Relation, str]:  # only for pairs that may pair at all
        if (i, j) not in rels:
            rels[(i, j)] = _relate(
                date_relation, a.dates[i].value, b.dates[j].value, src_a=src_a, src_b=src_b
            )
        return rels[(i, j)]

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
    def sort(v: DateValue) -> tuple[bool, str]:
        return v.granularity == "time", v.zone  # a time of day never answers a date, nor another zone's time

    sorts_a = Counter(sort(m.value) for m in a.dates)
    sorts_b = Counter(sort(m.value) for m in b.dates)

    def score(x: int, y: int) -> float | None:
        va, vb = a.dates[x].value, b.dates[y].value
        if sort(va) != sort(vb):
            return None
        single = sorts_a[sort(va)] == 1 and sorts_b[sort(vb)] == 1
        c = closeness(x, y)
        if not dates_comparable(va, vb):
            return 0.05 + c  # "yesterday" vs "on Monday": consumed, shown as neither conflict nor "only in"
        r = rel(x, y)[0]
        if r == Relation.CONFLICT:
            return c if single or c >= 1.2 else None
        return {Relation.SAME: 1.0, Relation.OVERLAP: 0.3}.get(r, 0.6) + c

    pairs, left_a, left_b = _greedy(list(range(len(a.dates))), list(range(len(b.dates))), score)
    return [(i, j, *rel(i, j)) for i, j in pairs], left_a, left_b


def _date_rows(a: Analysis, b: Analysis) -> list[Row]:
    pa, pb = a.passage, b.passage
    pairs, left_a, left_b = _pair_dates(a, b)
    matched: list[Row] = [
        (r, date_fact(a.dates[i], pa), date_fact(b.dates[j], pb), why)
        for i, j, r, why in pairs
        if dates_comparable(a.dates[i].value, b.dates[j].value)
    ]
    only_a = [date_fact(a.dates[i], pa) for i in sorted(left_a)]
    only_b = [date_fact(b.dates[j], pb) for j in sorted(left_b)]
    return _with_leftovers(matched, only_a, only_b, _only_value, src_a=pa.source_id, src_b=pb.source_id)


# ------------------------------------------------------------------------------------------------
# Quotes
# ------------------------------------------------------------------------------------------------


def _pair_quotes(a: Analysis, b: Analysis) -> tuple[list[tuple[int, int]], set[int], set[int]]:
    def score(x: QuoteMention, y: QuoteMention) -> float | None:
        s = similarity(x.wording, y.wording)
        contained = (
            len(x.wording) >= 8 and len(y.wording) >= 8 and (x.wording in y.wording or y.wording in x.wording)
        )
        if s >= R.QUOTE_MATCH_RATIO or contained:
            return s
        # A statement reworded between outlets: both quoted speech, sharing most content words.
        overlap = content_overlap(x.wording, y.wording) if x.speech and y.speech else 0.0
        return 0.5 * overlap if overlap >= R.QUOTE_CONTENT_OVERLAP else None

    return _greedy(a.quotes, b.quotes, score)


def _quote_rows(a: Analysis, b: Analysis) -> list[Row]:
    pa, pb = a.passage, b.passage
    pairs, left_a, left_b = _pair_quotes(a, b)
    matched: list[Row] = []
    for i, j in pairs:
        r, why = _relate(quote_relation, a.quotes[i], b.quotes[j], src_a=pa.source_id, src_b=pb.source_id)
        matched.append((r, quote_fact(a.quotes[i], pa), quote_fact(b.quotes[j], pb), why))
    # Only quoted speech is worth an "only in": a quoted term ("so-called") is compared when matched.
    only_a = [quote_fact(a.quotes[i], pa) for i in sorted(left_a) if a.quotes[i].speech]
    only_b = [quote_fact(b.quotes[j], pb) for j in sorted(left_b) if b.quotes[j].speech]
    return _with_leftovers(matched, only_a, only_b, _only_quoted, src_a=pa.source_id, src_b=pb.source_id)


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------


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
    """Find a name (or its surname / other abbreviation form) in the other side's text; failing that, a
    near spelling of it ("Gilreat" for "Gilreath")."""
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
    for form in forms[:2]:
        near = _near_spelling(text, replace(m, name=form))
        if near is not None:
            s, e = near
            return NameMention(s, e, text[s:e], m.label, text[s:e])
    return None


_CAPITALISED = re.compile(r"[A-Z][\w'’-]+")


@lru_cache(maxsize=1024)
def _capitalised(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the capitalised words of a passage (each passage is searched for many names)."""
    return tuple((w.start(), w.end()) for w in _CAPITALISED.finditer(text))


def _near_spelling(text: str, m: NameMention) -> tuple[int, int] | None:
    """Span of a run of capitalised words in ``text`` that spells ``m.name`` slightly differently (see
    :func:`_spelt_differently`)."""
    k = len(m.name.split())
    if k == 0:  # a name form with no word left (only punctuation or spaces) spells nothing
        return None
    first = m.name[:1].casefold()
    words = _capitalised(text)
    for i in range(len(words) - k + 1):
        run = words[i : i + k]
        s, e = run[0][0], run[-1][1]
        # Cheap tests first: same initial, about the same length, single spaces between the words.
        if text[s].casefold() != first or abs((e - s) - len(m.name)) > R.SPELLING_EDITS_LONG * k:
            continue
        if any(text[x[1] : y[0]] != " " for x, y in pairwise(run)):
            continue
        if _spelt_differently(m, replace(m, name=text[s:e])):
            return s, e
    return None


def _spelt_differently(a: NameMention, b: NameMention) -> bool:
    """One name written two ways. People: the names, or their last words, are near spellings
    ("Gilreat" / "Gilreath"). Places and organisations only by a letter or two swapped for others in
    a name of the same length, as transliterations do ("Marrakesh" / "Marrakech"): a letter more or
    less usually makes another entity ("Angeles" / "Angels")."""
    if a.label == b.label == "PERSON":
        return spelt_alike(a.name, b.name) or spelt_alike(
            a.name.rsplit(" ", 1)[-1], b.name.rsplit(" ", 1)[-1]
        )
    x, y = a.name.casefold(), b.name.casefold()
    return (
        len(x) == len(y) >= R.SPELLING_TRANSLITERATION_MIN
        and " " not in x
        and x[-1] == y[-1]  # "Somalia" / "Somalis" is a country and its people
        and spelt_alike(x, y)
    )


def _link_spellings(na: dict[str, NameMention], nb: dict[str, NameMention]) -> None:
    """Give a name that only one side's NER spelt one way the key of the other side's spelling."""
    for key_a, ma in list(na.items()):
        if key_a in nb:
            continue
        last_a = ma.name.rsplit(" ", 1)[-1][:1].casefold()
        for key_b, mb in list(nb.items()):
            if key_b in na or mb.name.rsplit(" ", 1)[-1][:1].casefold() != last_a:
                continue  # a near spelling keeps the (last) word's initial
            if _spelt_differently(ma, mb):
                nb[key_a] = nb.pop(key_b)
                break


def _name_rows(a: Analysis, b: Analysis, story: Story | None) -> list[Row]:
    pa, pb = a.passage, b.passage
    sa, sb = pa.source_id, pb.source_id
    aliases = (dict(story.aliases) if story else {}) | dict(a.aliases) | dict(b.aliases)
    names_a, names_b = _story_names(a, story), _story_names(b, story)
    keys = [(canonical(m.name, m.label, aliases), m.label) for m in (*names_a, *names_b)]
    people = link_people(keys)
    na, nb = _names(names_a, aliases, people), _names(names_b, aliases, people)
    _link_spellings(na, nb)
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
    rows: list[Row] = []
    for key, ma in sorted(na.items(), key=lambda kv: kv[1].start):
        fa = name_fact(ma, pa, aliases, key)
        if key in nb:
            mb = nb[key]
            fb = name_fact(mb, pb, aliases, key)
            if _spelt_differently(ma, mb):
                rows.append((Relation.OVERLAP, fa, fb, f"same name spelt differently: {ma.name} / {mb.name}"))
                continue
            why = "same entity" if ma.name == mb.name else f"same entity: {ma.name} / {mb.name}"
            rows.append((Relation.SAME, fa, fb, why))
        elif ma.label in R.ONLY_IN_NAME_LABELS:
            rows.append((Relation.ONLY_IN_A, fa, None, f"{ma.label} named only in {sa}: {fa.value}"))
    for key, mb in nb.items():
        if key not in na and mb.label in R.ONLY_IN_NAME_LABELS:
            fb = name_fact(mb, pb, aliases, key)
            rows.append((Relation.ONLY_IN_B, None, fb, f"{mb.label} named only in {sb}: {fb.value}"))
    return rows


# ------------------------------------------------------------------------------------------------
# Emitting pairs
# ------------------------------------------------------------------------------------------------


def _only_value(src: str, f: Fact) -> str:
    return f"only in {src}: {f.value}"


def _only_quoted(src: str, f: Fact) -> str:
    del f
    return f"quoted only in {src}"


def _with_leftovers(
    matched: Iterable[Row],
    only_a: Iterable[Fact],
    only_b: Iterable[Fact],
    why_only: Callable[[str, Fact], str],
    *,
    src_a: str,
    src_b: str,
) -> list[Row]:
    """Matched rows, then one ``only_in_a`` row per unpaired fact of A, then one per unpaired fact of B."""
    rows = list(matched)
    rows += [(Relation.ONLY_IN_A, f, None, why_only(src_a, f)) for f in only_a]
    rows += [(Relation.ONLY_IN_B, None, f, why_only(src_b, f)) for f in only_b]
    return rows


def _emit(
    claim_id: int, pa: Passage, pb: Passage, kinds: Iterable[tuple[FactKind, list[Row]]]
) -> tuple[FactPair, ...]:
    """FactPairs of all rows, ordered by kind, then by the position of the fact in its passage."""
    out: list[tuple[int, int, FactPair]] = []
    for kind, rows in kinds:
        for rel, fa, fb, why in rows:
            order = fa.start - pa.start if fa is not None else (fb.start - pb.start if fb is not None else 0)
            pair = FactPair(claim_id, pa.source_id, pb.source_id, kind, rel, fa, fb, why)
            out.append((_KIND_ORDER[kind], order, pair))
    out.sort(key=lambda t: (t[0], t[1]))
    return tuple(fp for _, _, fp in out)


# ------------------------------------------------------------------------------------------------
# Omissions checked against the whole other article
# ------------------------------------------------------------------------------------------------


def whole_article(article: Article) -> Analysis:
    """Dates, numbers and quotes of a whole article (no NER: names are looked up by their text), offsets
    into ``article.text``; cached like any passage."""
    text = article.text
    return analyse(Passage(article.source_id, 0, 0, 0, len(text), text), article.published, False)


def _outside(m: DateMention | NumberMention | QuoteMention, p: Passage) -> bool:
    return m.end <= p.start or m.start >= p.end


def _one_toll(an: Analysis, measure: str) -> list[NumberMention]:
    """The mentions of a casualty toll in ``an``, when they all state it one way (else []). A part of
    a toll ("672 injured, including 205 in critical condition") is no other toll."""
    parts = _parts(an.passage.text, an.numbers)
    tolls = [y for y, part in zip(an.numbers, parts, strict=True) if y.value.measure == measure and not part]
    for x, y in pairwise(tolls):
        if number_relation(x.value, y.value, src_a="", src_b="")[0] != Relation.SAME:
            return []
    return tolls


def _number_elsewhere(
    m: NumberMention, mine: Analysis, whole: Analysis, other: Analysis, whole_mine: Analysis | None
) -> tuple[NumberMention, Relation, str] | None:
    """The figure ``m`` of ``mine`` in the other article outside its passage ``other``.

    The same figure of the same measure anywhere there (a bare figure with nothing counted is never
    looked up: "2" elsewhere is a coincidence, not the same fact). Failing that, a toll that changed
    between versions: when the other passage has no figure of that casualty kind, and each article
    states that kind one way (every mention agreeing), the two tolls are compared ("nearly 300 deaths"
    vs "at least 820 killed" in another sentence). An article that gives two different tolls of a kind
    (a current and an earlier one, "dozens" then "5,000") is ambiguous and left alone.
    """
    p, measure = other.passage, m.value.measure
    if not measure:
        return None
    # A small count of people ("one man", "two people") recurs in an article for many reasons: only a
    # figure of its own measure ("3 deaths" = "3 killed") is evidence from another passage.
    small = m.value.nominal < R.ELSEWHERE_SMALL
    for y in whole.numbers:
        if not (y.value.measure and _outside(y, p)) or _number_score(m, y, 0.0, 0.0) is None:
            continue
        if small and (y.value.measure != measure or is_generic_person(measure)):
            continue
        r, why = number_relation(m.value, y.value, src_a="", src_b="")
        if r == Relation.SAME:
            return y, r, why
    if measure not in R.TOLL_MEASURES:
        return None
    if any(y.value.measure == measure for y in other.numbers):
        return None
    if not _one_toll(whole_mine or mine, measure):
        return None
    tolls = _one_toll(whole, measure)
    if not tolls:
        return None
    r, why = number_relation(m.value, tolls[0].value, src_a="", src_b="")
    return tolls[0], r, why


def _date_elsewhere(m: DateMention, whole: Analysis, p: Passage) -> tuple[DateMention, Relation, str] | None:
    for y in whole.dates:
        if not _outside(y, p) or not dates_comparable(m.value, y.value):
            continue
        if (m.value.granularity == "time") != (y.value.granularity == "time"):
            continue
        r, why = date_relation(m.value, y.value, src_a="", src_b="")
        if r == Relation.SAME:
            return y, r, why
    return None


def _quote_elsewhere(
    m: QuoteMention, whole: Analysis, p: Passage
) -> tuple[QuoteMention, Relation, str] | None:
    for y in whole.quotes:
        if _outside(y, p) and y.speech and m.wording == y.wording:
            return y, Relation.SAME, "same wording"
    return None


def _name_elsewhere(f: Fact, whole: Analysis, p: Passage) -> tuple[NameMention, Relation, str] | None:
    """The name as written (or a person's surname) in the other article outside passage ``p``."""
    text = whole.passage.text
    forms = [f.text] + ([f.text.rsplit(" ", 1)[1]] if f.detail == "PERSON" and " " in f.text else [])
    for form in forms:
        if len(form) < 2:
            continue
        for hit in re.finditer(rf"(?<![\w]){re.escape(form)}(?![\w])", text):
            if hit.end() <= p.start or hit.start() >= p.end:
                return (
                    NameMention(hit.start(), hit.end(), hit.group(0), f.detail, form),
                    Relation.SAME,
                    "same entity",
                )
    return None


def _elsewhere(
    kind: FactKind, f: Fact, mine: Analysis, whole: Analysis, other: Analysis, *, whole_mine: Analysis | None
) -> tuple[Fact, Relation, str] | None:
    """The fact ``f`` of ``mine`` as the other article (``whole``) states it outside its passage
    ``other``: (that fact, relation from ``f``'s side, why), or None. ``whole_mine`` is the whole
    article of ``f`` when known."""
    span = (f.start - mine.passage.start, f.end - mine.passage.start)
    wp, p = whole.passage, other.passage
    if kind == FactKind.NAME:
        hit = _name_elsewhere(f, whole, p)
        return None if hit is None else (name_fact(hit[0], wp, {}), hit[1], hit[2])
    if kind == FactKind.NUMBER:
        n = next((m for m in mine.numbers if (m.start, m.end) == span), None)
        found = None if n is None else _number_elsewhere(n, mine, whole, other, whole_mine)
        return None if found is None else (number_fact(found[0], wp), found[1], found[2])
    if kind == FactKind.DATE:
        d = next((m for m in mine.dates if (m.start, m.end) == span), None)
        got = None if d is None else _date_elsewhere(d, whole, p)
        return None if got is None else (date_fact(got[0], wp), got[1], got[2])
    q = next((m for m in mine.quotes if (m.start, m.end) == span), None)
    said = None if q is None else _quote_elsewhere(q, whole, p)
    return None if said is None else (quote_fact(said[0], wp), said[1], said[2])


def _omissions_checked(
    kind: FactKind,
    rows: list[Row],
    a: Analysis,
    b: Analysis,
    *,
    whole_a: Analysis | None,
    whole_b: Analysis | None,
) -> list[Row]:
    """An "only in A" row is an omission by B only when B's whole article never states that fact. Two
    outlets often put one figure in different sentences (the aligner pairs each sentence with its best
    partner, so "300,000 left homeless" may sit in another claim group than the other's "displaced
    300,000"): calling it "only in A" would be a false flag. Such a row becomes ``same``, with B's fact
    from its other passage and an explanation that says so. A different value elsewhere is taken only
    for a casualty toll stated one way in the rest of B (see :func:`_number_elsewhere`): anything else
    in another passage may be about something else."""
    out: list[Row] = []
    for rel, fa, fb, why in rows:
        found: tuple[Fact, Relation, str] | None = None
        try:
            if rel == Relation.ONLY_IN_A and fa is not None and whole_b is not None:
                found = _elsewhere(kind, fa, a, whole_b, b, whole_mine=whole_a)
            elif rel == Relation.ONLY_IN_B and fb is not None and whole_a is not None:
                found = _elsewhere(kind, fb, b, whole_a, a, whole_mine=whole_b)
        except Exception:  # the check is a refinement: a failure leaves the omission as it was
            log.exception("omission check of %r failed", fa or fb)
            found = None
        if found is None:
            out.append((rel, fa, fb, why))
        elif rel == Relation.ONLY_IN_A:
            other, r, reason = found
            out.append((r, fa, other, f"{reason}; {b.passage.source_id} states it in another passage"))
        else:
            other, r, reason = found
            out.append(
                (mirror(r), other, fb, f"{reason}; {a.passage.source_id} states it in another passage")
            )
    return out


def _rows_of_kind(kind: FactKind, build: Callable[[], list[Row]], a: Analysis, b: Analysis) -> list[Row]:
    """``build()``; an exception costs the facts of this kind in this passage pair (logged), never the
    other kinds nor the comparison."""
    try:
        return build()
    except Exception:  # a bug in pairing one kind must not take the other kinds down
        log.exception("%s facts of %s vs %s not compared", kind, a.passage.source_id, b.passage.source_id)
        return []


def compare_analyses(
    claim_id: int,
    a: Analysis,
    b: Analysis,
    story: Story | None = None,
    *,
    whole_a: Analysis | None = None,
    whole_b: Analysis | None = None,
) -> tuple[FactPair, ...]:
    """Pair the facts of two analysed passages and label each pair with a relation.

    Args:
        claim_id: The claim group id copied into each pair.
        a, b: The analysed passages.
        story: Story-wide abbreviations and lower-case vocabulary (see ``names.Story``), when known.
        whole_a, whole_b: The whole articles of A and B (:func:`whole_article`), when known: a fact
            that one passage states and the other omits is "only in" only when the other article does
            not state the same value anywhere else.

    Returns:
        FactPairs for every fact of both sides (see ``core.facts.compare_passages``).
    """
    builders: list[tuple[FactKind, Callable[[], list[Row]]]] = [
        (FactKind.NUMBER, lambda: _number_rows(a, b)),
        (FactKind.DATE, lambda: _date_rows(a, b)),
        (FactKind.NAME, lambda: _name_rows(a, b, story)),
        (FactKind.QUOTE, lambda: _quote_rows(a, b)),
    ]
    kinds = [(kind, _rows_of_kind(kind, build, a, b)) for kind, build in builders]
    if whole_a is not None or whole_b is not None:
        kinds = [
            (k, _omissions_checked(k, rows, a, b, whole_a=whole_a, whole_b=whole_b)) for k, rows in kinds
        ]
    return _emit(claim_id, a.passage, b.passage, kinds)


def compare_passages(
    claim_id: int,
    a: Passage,
    b: Passage,
    *,
    published_a: dt.date | None = None,
    published_b: dt.date | None = None,
    story: Story | None = None,
    article_a: Article | None = None,
    article_b: Article | None = None,
) -> tuple[FactPair, ...]:
    """Compare the facts of two aligned passages.

    Args:
        claim_id: Claim group id copied into every pair.
        a, b: The two passages (source A and source B).
        published_a, published_b: Publication dates of their articles, when known.
        story: Story-wide context from ``story_context(article texts)``: abbreviations defined in any
            article, and words the story writes in lower case (a sentence-initial "Commuters" is no name).
        article_a, article_b: The articles the passages come from, when known: a fact one passage
            omits is looked up in the rest of its article before it is called "only in" the other
            (found elsewhere, the pair is ``same`` with that other fact). Their publication dates
            stand in for ``published_a`` / ``published_b`` when those are not given.

    Returns:
        One FactPair per matched pair of facts (``same`` included) and one ``only_in_a`` /
        ``only_in_b`` pair per fact that is unmatched (names only for PERSON/ORG, quotes only for
        quoted speech) and not stated elsewhere in the other article, ordered by kind then position.
    """
    if article_a is not None and published_a is None:
        published_a = article_a.published
    if article_b is not None and published_b is None:
        published_b = article_b.published
    return compare_analyses(
        claim_id,
        analyse(a, published_a),
        analyse(b, published_b),
        story,
        whole_a=whole_article(article_a) if article_a is not None else None,
        whole_b=whole_article(article_b) if article_b is not None else None,
    )


def compare_facts(articles: Sequence[Article], claims: Sequence[Claim]) -> tuple[FactPair, ...]:
    """Compared facts of every pair of passages within each claim group.

    Args:
        articles: The compared articles (their titles and texts give the story context, their
            publication dates resolve relative dates).
        claims: The claim groups whose facts are compared (passages in source order).

    Returns:
        The fact pairs of every passage pair (``same`` included), claim by claim, passage pairs in
        source order. A passage pair whose extraction fails is logged and left out; a fact pair whose
        relation fails is logged and marked (see ``_relate``): neither stops the comparison.
    """
    # NER (the costly part) runs once, batched, on exactly the passages compared here: those of claim
    # groups that two sources or more carry.
    compared = [c for c in claims if len({p.source_id for p in c.passages}) > 1]
    with names_for(p.text for claim in compared for p in claim.passages):
        return _compare_claims(articles, compared)


def _compare_claims(articles: Sequence[Article], claims: Sequence[Claim]) -> tuple[FactPair, ...]:
    published = {a.source_id: a.published for a in articles}
    by_id = {a.source_id: a for a in articles}
    story = story_context(f"{a.title}\n{a.text}" for a in articles)
    out: list[FactPair] = []
    for claim in claims:
        ps = claim.passages
        for x in range(len(ps)):
            for y in range(x + 1, len(ps)):
                try:
                    pairs = compare_passages(
                        claim.claim_id,
                        ps[x],
                        ps[y],
                        published_a=published.get(ps[x].source_id),
                        published_b=published.get(ps[y].source_id),
                        story=story,
                        article_a=by_id.get(ps[x].source_id),
                        article_b=by_id.get(ps[y].source_id),
                    )
                except Exception:  # one failing passage pair costs only its own facts
                    log.exception(
                        "facts of claim %d (%s vs %s) not compared",
                        claim.claim_id,
                        ps[x].source_id,
                        ps[y].source_id,
                    )
                    continue
                out.extend(pairs)
    return tuple(out)
