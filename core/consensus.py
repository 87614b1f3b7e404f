"""Fact slots of a claim group and the value most of its sources agree with. Pure, typed, no UI.

A **slot** is one thing several sources state in one claim group: the date of an event, a death toll.
The fact comparison (``core.facts``) pairs the facts of every two aligned passages; a slot is a connected
set of number (or date) facts of one claim joined by those pairs, so "over 1,200 passengers" in A,
"around 1,200" in B and "nearly 900" in C form one slot because the facts module compared them.

Values are read from ``Fact.norm`` / ``Fact.detail`` (never from the text): a date's day span
("2024-09-01/2024-12-31"), a number's soft reading (how a news reader takes "over 200,000": 200,000 to
300,000; the relations of ``core.facts`` are decided on that reading too).

**Consensus** (for a slot stated by three or more sources; docs/consensus.md):

1. Sources whose facts the facts module calls ``same`` form one *statement* (``over 1,200`` and ``more
   than 1,200`` are one; so are ``1,200`` and ``about 1,200``: same stated figure).
2. A statement is *backed* by the sources that state it or something more specific that lies inside it
   ("14 March 2025" backs "March 2025"). The relation of two sources is the one the facts module found
   for that pair; for a pair it did not compare directly, the intervals decide (equal, inside, disjoint).
3. The consensus is the most specific statement (narrowest interval) backed by **more than half** of the
   sources that state the slot; ties go to the better-backed, then the earlier source.
4. Failing that, when more than half of the sources have a value in common (their intervals intersect:
   "over 300,000", "about 310,000", "320,000"), the common range is the consensus.
5. Otherwise none is declared: "no majority". Relative dates that cannot be placed ("last week" without
   a publication date) and year-less dates without a year to assume count as stating the slot but back
   nothing by intervals.

Every source of the slot then gets a role against the consensus: agrees, more specific (inside it),
less specific (contains it), compatible (overlaps it), or outlier (disjoint from it: a conflict).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.model import Comparison, Fact, FactKind, FactPair, Relation

# --------------------------------------------------------------------------------------------------
# Reading values out of facts

_ISO_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")
_DATE_DETAIL = re.compile(r"^(?P<gran>\w+); mod=(?P<mod>[A-Z-]+); year (?P<year>.*)$")
_NUM = r"(?:inf|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
_HARD = re.compile(rf"^\[({_NUM}),({_NUM})[\])]$")
# fmt_number output: "300,000", "1.2 million", "0.5", "1.54e+07". A group never starts with 0 unless the
# number is 0 itself, which makes "[300,000,450,000]" split one way only.
_READ_NUM = (
    r"(?:inf|0(?:\.\d+)?|[1-9]\d{0,2}(?:,\d{3})*(?:\.\d+)?(?:e[+-]?\d+)?(?: (?:million|billion|trillion))?)"
)
_NUM_DETAIL = re.compile(
    rf"^(?P<measure>.*?); qualifier=(?P<q>.*?); reading=\[(?P<lo>{_READ_NUM}),(?P<hi>{_READ_NUM})\]$"
)
_SCALE = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
# Open-ended date phrases are not modelled by ``core.facts`` (it compares the stated span); the charts
# draw them open. The word right before the date decides: "since March 2024" runs on, "until 2025" ran
# up to it.
_OPEN_AFTER = frozenset({"since", "after", "from"})
_OPEN_BEFORE = frozenset({"before", "until", "till", "by", "through"})
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W{0,3}$")


class Shape(StrEnum):
    """How a value is drawn and what its qualifier means."""

    EXACT = "exact"  # "1,200": a point (or a short span for dates)
    RANGE = "range"  # "10-15", a date span
    APPROX = "approx"  # "about 90": a band around the figure
    NEARLY = "nearly"  # "nearly 900": a short band just below the figure
    LOWER = "lower"  # "over 300,000": a ray to the right
    UPPER = "upper"  # "up to 40": a ray to the left
    VAGUE = "vague"  # "thousands": a band over the word's range


@dataclass(frozen=True, slots=True)
class Reading:
    """One fact's value as an interval.

    Attributes:
        fact: The fact read.
        low, high: The interval relations are decided on: a number's soft reading, or a date's first
            and last day as proleptic ordinals (``date.toordinal()``), both inclusive. NaN when the fact
            has no placeable value (an unresolved relative date).
        hard_low, hard_high: What the words strictly allow (numbers: "over X" is [X, inf)); for dates the
            same as ``low``/``high``.
        shape: How the qualifier reads (``Shape``).
        figure: The stated figure ("over 1,200" -> 1,200; a date: its first day).
        unit: What a number counts ("passenger", "deaths", "money:EUR"); "date" for dates.
        granularity: A date's granularity ("day", "month", "year", ...); "" for numbers.
        year_stated: False for a date whose year is not in the text (inferred or missing).
        open_before, open_after: A date read as "until ..." / "since ..." (drawn open; not compared so).
    """

    fact: Fact
    low: float
    high: float
    hard_low: float
    hard_high: float
    shape: Shape
    figure: float
    unit: str
    granularity: str = ""
    year_stated: bool = True
    open_before: bool = False
    open_after: bool = False

    @property
    def placed(self) -> bool:
        """Whether the value is an interval at all (an unresolved relative date is not)."""
        return not (math.isnan(self.low) or math.isnan(self.high))

    @property
    def width(self) -> float:
        return self.high - self.low if self.placed else math.inf


def iso_span(norm: str) -> tuple[dt.date, dt.date] | None:
    """The (first, last) day of a date fact's ``norm`` ("2024-09-01/2024-12-31"), or None ("XXXX-03")."""
    m = _ISO_SPAN.match(norm)
    if not m:
        return None
    try:
        return dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
    except ValueError:
        return None


def _reader_number(text: str) -> float:
    if text == "inf":
        return math.inf
    parts = text.split(" ")
    value = float(parts[0].replace(",", ""))
    return value * _SCALE[parts[1]] if len(parts) == 2 else value


def _hard_interval(norm: str) -> tuple[float, float] | None:
    m = _HARD.match(norm)
    if not m:
        return None
    lo, hi = float(m.group(1)), float(m.group(2))
    return (lo, hi) if lo <= hi else None


def _qualifier_shape(qualifier: str, lo: float, hi: float) -> Shape:
    """The qualifier class from the words (``core.facts.resources`` tables) and the interval's form."""
    from core.facts import resources as R  # noqa: PLC0415 - the facts grammar loads on first use

    if qualifier in R.VAGUE_AMOUNTS:
        return Shape.VAGUE
    cls = R.QUALIFIERS.get(qualifier) or R.QUALIFIER_AFTER_CLASS.get(qualifier)
    if hi == math.inf:
        return Shape.LOWER
    shapes = {R.UPPER: Shape.UPPER, R.APPROX: Shape.APPROX, R.NEARLY: Shape.NEARLY, R.LOWER: Shape.LOWER}
    if cls in shapes:
        return shapes[cls]
    return Shape.EXACT if lo == hi else Shape.RANGE


def _figure(shape: Shape, lo: float, hi: float) -> float:
    if shape in {Shape.UPPER, Shape.NEARLY}:
        return hi
    if shape == Shape.APPROX:
        return (lo + hi) / 2  # about X is [0.9 X, 1.1 X]
    return lo


def number_reading(fact: Fact) -> Reading | None:
    """A number fact as an interval: the hard one from ``norm`` ("[300000,inf)"), the soft reading from
    ``detail`` ("...; reading=[300,000,450,000]"); None when ``norm`` is not an interval."""
    hard = _hard_interval(fact.norm)
    if hard is None:
        return None
    lo, hi = hard
    m = _NUM_DETAIL.match(fact.detail)
    measure, qualifier = ("", "")
    soft = hard
    if m:
        measure = "" if m.group("measure") == "?" else m.group("measure")
        qualifier = "" if m.group("q") == "none" else m.group("q")
        s_lo, s_hi = _reader_number(m.group("lo")), _reader_number(m.group("hi"))
        if s_lo <= s_hi < math.inf:
            soft = (s_lo, s_hi)
    shape = _qualifier_shape(qualifier, lo, hi)
    if soft[1] == math.inf:  # no usable reading: the soft rule of docs/facts.md for "over X"
        soft = (lo, lo * 1.5)
    return Reading(fact, soft[0], soft[1], lo, hi, shape, _figure(shape, lo, hi), measure)


def _open_ends(fact: Fact, text: str | None) -> tuple[bool, bool]:
    if not text:
        return False, False
    m = _WORD_BEFORE.search(text[max(0, fact.start - 24) : fact.start])
    word = m.group(1).lower() if m else ""
    if word == "from" and re.match(r"\s*(?:to|until|till|through|-|–)\s", text[fact.end : fact.end + 10]):
        return False, False  # "from March to May": a range, both ends given
    return word in _OPEN_BEFORE, word in _OPEN_AFTER


def date_reading(fact: Fact, text: str | None = None, *, assume_year: int | None = None) -> Reading:
    """A date fact as a day interval (ordinals, inclusive).

    Args:
        fact: A date fact; its ``norm`` is an ISO span or a TIMEX value without a year ("XXXX-03").
        text: The article text, to see an open-ended "since"/"until" right before the date.
        assume_year: Year to place a year-less month or season in (e.g. the year the other sources
            state); the reading keeps ``year_stated=False``.

    Returns:
        The reading; ``placed`` is False when the date cannot be put on a calendar.
    """
    m = _DATE_DETAIL.match(fact.detail)
    gran = m.group("gran") if m else ""
    year_stated = not m or m.group("year").startswith("stated")
    span = iso_span(fact.norm)
    if span is None and assume_year is not None:
        span = _assumed_span(fact.norm, assume_year, m.group("mod") if m else "-")
    before, after = _open_ends(fact, text)
    if span is None:
        nan = math.nan
        return Reading(fact, nan, nan, nan, nan, Shape.RANGE, nan, "date", gran, False, before, after)
    lo, hi = float(span[0].toordinal()), float(span[1].toordinal())
    shape = Shape.EXACT if lo == hi else Shape.RANGE
    return Reading(fact, lo, hi, lo, hi, shape, lo, "date", gran, year_stated, before, after)


_TIMEX_MONTH = re.compile(r"^XXXX-(\d{2})(?:-(\d{2}))?$")
_TIMEX_SEASON = re.compile(r"^XXXX-(SP|SU|FA|WI)$")


def _assumed_span(timex: str, year: int, mod: str) -> tuple[dt.date, dt.date] | None:
    """The span of a year-less TIMEX value ("XXXX-03", "XXXX-03-14", "XXXX-FA") placed in ``year``,
    through ``core.facts``' own span rules (so "late March" stays the last third of March)."""
    from core.facts.dates import DateValue  # noqa: PLC0415
    from core.facts.resources import SEASONS  # noqa: PLC0415

    mod = "" if mod == "-" else mod
    m = _TIMEX_MONTH.match(timex)
    try:
        if m and m.group(2):
            return DateValue("day", year=year, month=int(m.group(1)), day=int(m.group(2))).span()
        if m:
            return DateValue("month", mod, year=year, month=int(m.group(1))).span()
        s = _TIMEX_SEASON.match(timex)
        if s and s.group(1) in set(SEASONS.values()):
            return DateValue("season", mod, year=year, season=s.group(1)).span()
    except ValueError:
        return None
    return None


# --------------------------------------------------------------------------------------------------
# Slots


@dataclass(frozen=True, slots=True)
class Slot:
    """Facts of one kind in one claim group that the fact comparison paired with each other.

    Attributes:
        claim_id: The claim group.
        index: 1-based position among the claim's slots (dates and numbers numbered apart).
        kind: ``FactKind.DATE`` or ``FactKind.NUMBER``.
        facts: Every fact of the slot, in source order then text order.
        main: Per source, the fact that stands for it (the one paired most often in the slot).
        unit: What is counted (numbers; the most frequent measure) or "date".
    """

    claim_id: int
    index: int
    kind: FactKind
    facts: tuple[Fact, ...]
    main: dict[str, Fact]
    unit: str

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self.main)


def fact_key(f: Fact) -> tuple[str, int, int, str]:
    """Identity of a fact within a comparison."""
    return (f.source_id, f.start, f.end, str(f.kind))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[tuple[str, int, int, str], tuple[str, int, int, str]] = {}

    def find(self, x: tuple[str, int, int, str]) -> tuple[str, int, int, str]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[str, int, int, str], b: tuple[str, int, int, str]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


_SLOT_KINDS = (FactKind.DATE, FactKind.NUMBER)


def claim_slots(pairs: Sequence[FactPair], source_order: Sequence[str]) -> list[Slot]:
    """The date and number slots of one claim group.

    Args:
        pairs: The fact pairs of one claim (any order; ``same`` pairs included).
        source_order: Source ids in the comparison's order.

    Returns:
        Slots ordered by kind (dates first), then by where their first fact sits in the first source.
    """
    union = _Union()
    facts: dict[tuple[str, int, int, str], Fact] = {}
    degree: Counter[tuple[str, int, int, str]] = Counter()
    for fp in pairs:
        if fp.kind not in _SLOT_KINDS:
            continue
        for f in (fp.a, fp.b):
            if f is not None:
                facts[fact_key(f)] = f
                union.find(fact_key(f))
        if fp.a is not None and fp.b is not None:
            union.union(fact_key(fp.a), fact_key(fp.b))
            degree[fact_key(fp.a)] += 1
            degree[fact_key(fp.b)] += 1
    rank = {sid: i for i, sid in enumerate(source_order)}
    groups: dict[tuple[str, int, int, str], list[Fact]] = defaultdict(list)
    for key, f in facts.items():
        groups[union.find(key)].append(f)
    slots: list[tuple[tuple[int, int, int], list[Fact]]] = []
    for members in groups.values():
        members.sort(key=lambda f: (rank.get(f.source_id, len(rank)), f.start, f.end))
        first = members[0]
        slots.append(
            ((_SLOT_KINDS.index(FactKind(first.kind)), rank.get(first.source_id, 0), first.start), members)
        )
    slots.sort(key=lambda item: item[0])
    out: list[Slot] = []
    counters: Counter[FactKind] = Counter()
    for _, members in slots:
        kind = FactKind(members[0].kind)
        counters[kind] += 1
        main: dict[str, Fact] = {}
        for f in members:
            best = main.get(f.source_id)
            if best is None or degree[fact_key(f)] > degree[fact_key(best)]:
                main[f.source_id] = f
        main = dict(sorted(main.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        claim_id = next(fp.claim_id for fp in pairs)
        out.append(Slot(claim_id, counters[kind], kind, tuple(members), main, _unit(kind, members)))
    return out


def _unit(kind: FactKind, members: Sequence[Fact]) -> str:
    if kind == FactKind.DATE:
        return "date"
    units = Counter(r.unit for f in members if (r := number_reading(f)) is not None and r.unit)
    return units.most_common(1)[0][0] if units else ""


def comparison_slots(cmp: Comparison) -> list[Slot]:
    """Every date and number slot of every compared claim group, in claim order."""
    by_claim: dict[int, list[FactPair]] = defaultdict(list)
    for fp in cmp.facts:
        if fp.kind in _SLOT_KINDS:
            by_claim[fp.claim_id].append(fp)
    out: list[Slot] = []
    for claim in cmp.claims:
        if claim.claim_id in by_claim:
            out.extend(claim_slots(by_claim[claim.claim_id], cmp.source_ids))
    return out


# --------------------------------------------------------------------------------------------------
# Consensus


class Role(StrEnum):
    """A source's value against the consensus of its slot."""

    AGREES = "agrees"
    MORE_SPECIFIC = "more_specific"
    LESS_SPECIFIC = "less_specific"
    COMPATIBLE = "compatible"
    OUTLIER = "outlier"
    UNPLACED = "unplaced"  # no value to compare (an unresolved relative date)


class Basis(StrEnum):
    STATED = "stated"  # a value sources state, backed by a majority
    COMMON_RANGE = "common_range"  # the range a majority's values have in common
    NONE = "none"


MIN_SOURCES = 3


@dataclass(frozen=True, slots=True)
class Member:
    """One source of a slot: its fact, its reading and its role against the consensus."""

    source_id: str
    fact: Fact
    reading: Reading
    role: Role


@dataclass(frozen=True, slots=True)
class Consensus:
    """The consensus of one slot (``basis`` NONE when none is declared).

    Attributes:
        slot: The slot.
        basis: How the consensus was found, or NONE.
        value: The consensus in words ("March 2025", "~ 1,200 passengers", "2024-09-01..2024-10-31").
        low, high: Its interval (soft reading or ordinal days, inclusive); NaN without a consensus.
        backers: Sources that state it or something inside it (the "agree" count shown to users).
        members: Every source of the slot with its role.
        reason: Why none was declared ("fewer than 3 sources", "no majority"), else "".
    """

    slot: Slot
    basis: Basis
    value: str
    low: float
    high: float
    backers: tuple[str, ...]
    members: tuple[Member, ...]
    reason: str = ""

    @property
    def declared(self) -> bool:
        return self.basis != Basis.NONE

    def sources_with(self, *roles: Role) -> tuple[str, ...]:
        return tuple(m.source_id for m in self.members if m.role in roles)


def _interval_relation(a: Reading, b: Reading) -> Relation:
    """Relation of two readings from A's side, decided on their intervals (as ``core.facts`` does)."""
    if not (a.placed and b.placed):
        return Relation.OVERLAP
    if math.isclose(a.low, b.low, rel_tol=1e-9) and math.isclose(a.high, b.high, rel_tol=1e-9):
        return Relation.SAME
    if a.high < b.low or b.high < a.low:
        return Relation.CONFLICT
    if b.low <= a.low and a.high <= b.high:
        return Relation.MORE_SPECIFIC
    if a.low <= b.low and b.high <= a.high:
        return Relation.LESS_SPECIFIC
    return Relation.OVERLAP


_MIRROR = {Relation.MORE_SPECIFIC: Relation.LESS_SPECIFIC, Relation.LESS_SPECIFIC: Relation.MORE_SPECIFIC}


class _Relations:
    """Relation between two facts of a slot: the fact comparison's own, else from the intervals."""

    def __init__(self, pairs: Iterable[FactPair], readings: dict[tuple[str, int, int, str], Reading]) -> None:
        self.readings = readings
        self.known: dict[tuple[tuple[str, int, int, str], tuple[str, int, int, str]], Relation] = {}
        for fp in pairs:
            if fp.a is not None and fp.b is not None:
                ka, kb = fact_key(fp.a), fact_key(fp.b)
                rel = Relation(fp.relation)
                self.known[(ka, kb)] = rel
                self.known[(kb, ka)] = _MIRROR.get(rel, rel)

    def __call__(self, a: Fact, b: Fact) -> Relation:
        ka, kb = fact_key(a), fact_key(b)
        if ka == kb:
            return Relation.SAME
        rel = self.known.get((ka, kb))
        return rel if rel is not None else _interval_relation(self.readings[ka], self.readings[kb])


def _statements(members: Sequence[Fact], rel: _Relations) -> list[list[Fact]]:
    """Members grouped into statements: facts the comparison calls ``same`` (transitively)."""
    groups: list[list[Fact]] = []
    for f in members:
        home = next((g for g in groups if any(rel(f, x) == Relation.SAME for x in g)), None)
        if home is None:
            groups.append([f])
        else:
            home.append(f)
    return groups


def _role_against(f: Fact, statement: Sequence[Fact], rel: _Relations) -> Role:
    if any(fact_key(f) == fact_key(x) for x in statement):
        return Role.AGREES
    rels = {rel(f, x) for x in statement}
    if Relation.SAME in rels:
        return Role.AGREES
    if Relation.CONFLICT in rels:
        return Role.OUTLIER
    if Relation.MORE_SPECIFIC in rels:
        return Role.MORE_SPECIFIC
    if Relation.LESS_SPECIFIC in rels:
        return Role.LESS_SPECIFIC
    return Role.COMPATIBLE


def _role_against_range(r: Reading, low: float, high: float) -> Role:
    if not r.placed:
        return Role.UNPLACED
    if r.high < low or high < r.low:
        return Role.OUTLIER
    if math.isclose(r.low, low, rel_tol=1e-9) and math.isclose(r.high, high, rel_tol=1e-9):
        return Role.AGREES
    if r.low <= low and high <= r.high:
        return Role.LESS_SPECIFIC
    if low <= r.low and r.high <= high:
        return Role.MORE_SPECIFIC
    return Role.COMPATIBLE


def _common_range(readings: Sequence[Reading]) -> tuple[float, float, tuple[int, ...]] | None:
    """The range shared by the largest set of readings (a sweep over their ends), when that set is
    unique: (low, high, indices of the readings that contain it)."""
    events = sorted(
        [(r.low, 0, i) for i, r in enumerate(readings) if r.placed]
        + [(r.high, 1, i) for i, r in enumerate(readings) if r.placed]
    )
    active: set[int] = set()
    best: list[tuple[float, frozenset[int]]] = []
    for value, end, i in events:  # starts sort before ends at one value: touching intervals share it
        if end:
            active.discard(i)
            continue
        active.add(i)
        if not best or len(active) > len(best[0][1]):
            best = [(value, frozenset(active))]
        elif len(active) == len(best[0][1]) and frozenset(active) != best[-1][1]:
            best.append((value, frozenset(active)))
    if not best or len({b[1] for b in best}) > 1:
        return None
    group = sorted(best[0][1])
    low = max(readings[i].low for i in group)
    high = min(readings[i].high for i in group)
    return low, high, tuple(group)


def slot_consensus(
    slot: Slot,
    pairs: Sequence[FactPair],
    *,
    texts: dict[str, str] | None = None,
    min_sources: int = MIN_SOURCES,
) -> Consensus:
    """The consensus of one slot (see the module docstring for the rules).

    Args:
        slot: A slot from ``claim_slots``.
        pairs: The fact pairs of the slot's claim (for the relations the facts module found).
        texts: Article texts by source id (only to see open-ended "since ..." dates).
        min_sources: Fewest sources stating the slot for a consensus to be declared.
    """
    readings = _readings(slot, texts or {})
    rel = _Relations(pairs, readings)
    main = list(slot.main.values())
    n = len(main)

    def no_consensus(reason: str) -> Consensus:
        members = tuple(Member(f.source_id, f, readings[fact_key(f)], Role.COMPATIBLE) for f in main)
        return Consensus(slot, Basis.NONE, "", math.nan, math.nan, (), members, reason)

    if n < min_sources:
        return no_consensus(f"fewer than {min_sources} sources")
    best: tuple[tuple[tuple[int, float], int, int], list[Fact], list[Fact]] | None = None
    for statement in _statements(main, rel):
        backers = [f for f in main if _role_against(f, statement, rel) in {Role.AGREES, Role.MORE_SPECIFIC}]
        if 2 * len(backers) <= n:
            continue
        # A year-less "March" is less specific than "March 2025" even when placed in the same year.
        dated = [readings[fact_key(f)] for f in statement if readings[fact_key(f)].year_stated]
        width = (
            (0, min(r.width for r in dated))
            if dated
            else (1, min(readings[fact_key(f)].width for f in statement))
        )
        key = (width, -len(backers), main.index(statement[0]))
        if best is None or key < best[0]:
            best = (key, statement, backers)
    if best is not None:
        _, statement, backers = best
        members = tuple(
            Member(f.source_id, f, readings[fact_key(f)], _role_against(f, statement, rel)) for f in main
        )
        low, high = _intersection([readings[fact_key(f)] for f in statement])
        return Consensus(slot, Basis.STATED, _label(statement), low, high, _ids(backers), members)
    common = _common_range([readings[fact_key(f)] for f in main])
    if common is not None and 2 * len(common[2]) > n:
        low, high, _ = common
        members = tuple(
            Member(
                f.source_id, f, readings[fact_key(f)], _role_against_range(readings[fact_key(f)], low, high)
            )
            for f in main
        )
        # Every source of the group allows the common range (each contains it).
        in_range = tuple(m.source_id for m in members if m.role in {Role.AGREES, Role.LESS_SPECIFIC})
        value = _range_label(slot, low, high)
        return Consensus(slot, Basis.COMMON_RANGE, value, low, high, in_range, members)
    return no_consensus("no majority")


def _ids(facts: Sequence[Fact]) -> tuple[str, ...]:
    return tuple(f.source_id for f in facts)


def _readings(slot: Slot, texts: dict[str, str]) -> dict[tuple[str, int, int, str], Reading]:
    out: dict[tuple[str, int, int, str], Reading] = {}
    if slot.kind == FactKind.DATE:
        years = Counter(
            dt.date.fromordinal(int(r.low)).year
            for f in slot.facts
            if (r := date_reading(f)).placed and r.year_stated
        )
        year = years.most_common(1)[0][0] if years else None
        for f in slot.facts:
            out[fact_key(f)] = date_reading(f, texts.get(f.source_id), assume_year=year)
        return out
    nan = math.nan
    for f in slot.facts:
        number = number_reading(f)
        out[fact_key(f)] = (
            number if number is not None else Reading(f, nan, nan, nan, nan, Shape.EXACT, nan, "")
        )
    return out


def _intersection(readings: Sequence[Reading]) -> tuple[float, float]:
    placed = [r for r in readings if r.placed]
    if not placed:
        return math.nan, math.nan
    low, high = max(r.low for r in placed), min(r.high for r in placed)
    if low > high:  # "same" figure with disjoint readings ("over 100" is never same as "under 100")
        low, high = min(r.low for r in placed), max(r.high for r in placed)
    return low, high


def _label(statement: Sequence[Fact]) -> str:
    """The wording most of a statement's sources use (ties: the first source's)."""
    counts = Counter(f.value or f.text for f in statement)
    top = max(counts.values())
    return next(f.value or f.text for f in statement if counts[f.value or f.text] == top)


def format_figure(value: float) -> str:
    """A figure for people: "1,200", "1.2 million", "2.5"."""
    from core.facts.numbers import fmt_number  # noqa: PLC0415

    return str(fmt_number(value))


def _range_label(slot: Slot, low: float, high: float) -> str:
    if slot.kind == FactKind.DATE:
        a, b = dt.date.fromordinal(int(low)), dt.date.fromordinal(int(high))
        return a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}"
    unit = unit_label(slot.unit)
    fig = format_figure(low) if math.isclose(low, high) else f"{format_figure(low)}-{format_figure(high)}"
    return f"{fig} {unit}".strip()


def unit_label(unit: str) -> str:
    """A measure for display, as after a count: "money:EUR" -> "EUR", "passenger" -> "passengers",
    "" -> "(unknown unit)"."""
    from core.facts.numbers import measure_words  # noqa: PLC0415

    if unit.startswith("money:"):
        return unit[6:]
    return str(measure_words(unit, None)) if unit else "(unknown unit)"


def comparison_consensus(cmp: Comparison, *, min_sources: int = MIN_SOURCES) -> list[Consensus]:
    """The consensus of every slot of the comparison (declared or not), in claim order."""
    by_claim: dict[int, list[FactPair]] = defaultdict(list)
    for fp in cmp.facts:
        if fp.kind in _SLOT_KINDS:
            by_claim[fp.claim_id].append(fp)
    texts = {a.source_id: a.text for a in cmp.articles}
    out: list[Consensus] = []
    for claim in cmp.claims:
        pairs = by_claim.get(claim.claim_id)
        if not pairs:
            continue
        for slot in claim_slots(pairs, cmp.source_ids):
            out.append(slot_consensus(slot, pairs, texts=texts, min_sources=min_sources))
    return out


# --------------------------------------------------------------------------------------------------
# Rows for consensus.csv and the claims table

CONSENSUS_COLUMNS: tuple[str, ...] = (
    "claim_id", "slot", "kind", "unit", "n_sources", "status", "consensus", "basis", "consensus_low",
    "consensus_high", "backing", "source", "role", "value", "text", "norm", "start", "end",
)  # fmt: skip

ROLE_LABELS = {
    Role.AGREES: "agrees",
    Role.MORE_SPECIFIC: "more specific",
    Role.LESS_SPECIFIC: "less specific",
    Role.COMPATIBLE: "compatible",
    Role.OUTLIER: "outlier",
    Role.UNPLACED: "not placeable",
}


def interval_text(c: Consensus, value: float) -> str:
    """A consensus bound as text: ISO date for dates, plain number for numbers, "" when none."""
    if math.isnan(value):
        return ""
    if c.slot.kind == FactKind.DATE:
        return dt.date.fromordinal(int(value)).isoformat()
    from core.facts.numbers import fmt_plain  # noqa: PLC0415

    return str(fmt_plain(value))


def consensus_rows(items: Sequence[Consensus]) -> list[dict[str, object]]:
    """One row per source of every slot stated by ``MIN_SOURCES`` or more sources (``CONSENSUS_COLUMNS``).

    The slot's columns (status, consensus, basis, bounds, backing "3 of 5") repeat on each of its rows, so
    a spreadsheet filter on ``role`` = outlier lists who is out of line, with the consensus next to it.
    """
    rows: list[dict[str, object]] = []
    for c in items:
        if len(c.members) < MIN_SOURCES:
            continue
        status = "consensus" if c.declared else c.reason
        backing = f"{len(c.backers)} of {len(c.members)}" if c.declared else ""
        for m in c.members:
            rows.append(
                {
                    "claim_id": c.slot.claim_id,
                    "slot": c.slot.index,
                    "kind": str(c.slot.kind),
                    "unit": c.slot.unit,
                    "n_sources": len(c.members),
                    "status": status,
                    "consensus": c.value,
                    "basis": str(c.basis) if c.declared else "",
                    "consensus_low": interval_text(c, c.low),
                    "consensus_high": interval_text(c, c.high),
                    "backing": backing,
                    "source": m.source_id,
                    "role": ROLE_LABELS[m.role] if c.declared else "",
                    "value": m.fact.value,
                    "text": m.fact.text,
                    "norm": m.fact.norm,
                    "start": m.fact.start,
                    "end": m.fact.end,
                }
            )
    return rows


def summary(c: Consensus, *, max_names: int = 3) -> str:
    """One line for a table cell: "March 2025 · 3 of 4 · outlier: wire" / "passengers: no majority (4)"."""
    what = "date" if c.slot.kind == FactKind.DATE else unit_label(c.slot.unit)
    if not c.declared:
        n = len(c.members)
        return f"{what}: {c.reason} ({n} source{'s' if n != 1 else ''})"
    text = f"{c.value} · {len(c.backers)} of {len(c.members)}"
    outliers = c.sources_with(Role.OUTLIER)
    if outliers:
        names = ", ".join(outliers[:max_names]) + (
            f" +{len(outliers) - max_names}" if len(outliers) > max_names else ""
        )
        text += f" · outlier{'s' if len(outliers) > 1 else ''}: {names}"
    return text
