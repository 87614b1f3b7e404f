"""Pure views of a ``Comparison`` for the pages: no Streamlit here, so it is cheap to test.

* ``claim_status``: per claim and source, whether that outlet's passage agrees with the others.
* ``pair_tables``: source x source shared-claim shares and divergence counts.
* ``layout_rows``: the side-by-side rows (aligned passages on one row, the rest in reading order).
* ``fact_marks``: the highlighted facts of one source against the shown sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from core.model import Comparison, Fact, FactPair, Relation
from core.presentation import REL_LABELS, RELATION_LABELS, RELATION_ORDER, SEVERITY, SIDE_A, SIDE_B
from core.summary import CATEGORY_LABELS, DIFFERENCE, OMISSION, Summary, category, summarise

# The headline counts and fact categories, for the pages (views import no core module).
__all__ = [
    "CATEGORY_LABELS",
    "DIFFERENCE",
    "OMISSION",
    "RELATION_LABELS",
    "RELATION_ORDER",
    "REL_LABELS",
    "SEVERITY",
    "SIDE_A",
    "SIDE_B",
    "Summary",
    "category",
    "summarise",
]

# --------------------------------------------------------------------------------------------------
# Relations as seen from one side


class Status(IntEnum):
    """Agreement of one source's passage in a claim group; larger is worse."""

    ABSENT = 0
    UNCOMPARED = 1  # past Limits.max_passage_pairs: the claim was found, its facts not compared
    SAME = 2
    DIFFERS = 3
    CONFLICT = 4


STATUS_LABELS = {
    Status.ABSENT: "absent",
    Status.UNCOMPARED: "facts not compared",
    Status.SAME: "all same",
    Status.DIFFERS: "differing facts",
    Status.CONFLICT: "conflict",
}

KIND_ORDER = {"number": 0, "date": 1, "name": 2, "quote": 3}


def status_of(relation: Relation | str) -> Status:
    rel = Relation(relation)
    if rel == Relation.SAME:
        return Status.SAME
    if rel == Relation.CONFLICT:
        return Status.CONFLICT
    return Status.DIFFERS


def pairs_within(facts: Iterable[FactPair], sources: Iterable[str]) -> list[FactPair]:
    """The fact pairs whose two sources are both among ``sources``."""
    keep = set(sources)
    return [fp for fp in facts if fp.source_a in keep and fp.source_b in keep]


def _start(cmp: Comparison, claim_id: int) -> Status:
    """A claim's status before its fact pairs are looked at."""
    return Status.SAME if cmp.is_compared(claim_id) else Status.UNCOMPARED


def claim_status(cmp: Comparison, sources: Sequence[str] | None = None) -> dict[tuple[int, str], Status]:
    """(claim id, source id) -> agreement of that source's passage with the other shown sources."""
    shown = list(sources) if sources is not None else list(cmp.source_ids)
    out: dict[tuple[int, str], Status] = {}
    for claim in cmp.claims:
        for p in claim.passages:
            if p.source_id in shown:
                out[(claim.claim_id, p.source_id)] = _start(cmp, claim.claim_id)
    for fp in pairs_within(cmp.facts, shown):
        st = status_of(fp.relation)
        for sid in (fp.source_a, fp.source_b):
            key = (fp.claim_id, sid)
            if key in out and st > out[key]:
                out[key] = st
    return out


def claim_overall(cmp: Comparison) -> dict[int, Status]:
    """Claim id -> worst status over all of its fact pairs (SAME when nothing differs)."""
    out = {c.claim_id: _start(cmp, c.claim_id) for c in cmp.claims}
    for fp in cmp.facts:
        st = status_of(fp.relation)
        if fp.claim_id in out and st > out[fp.claim_id]:
            out[fp.claim_id] = st
    return out


def divergence_counts(cmp: Comparison) -> dict[int, tuple[int, int]]:
    """Claim id -> (non-same fact pairs, conflicts)."""
    out: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for fp in cmp.facts:
        if fp.relation != Relation.SAME:
            n, c = out[fp.claim_id]
            out[fp.claim_id] = (n + 1, c + (fp.relation == Relation.CONFLICT))
    return dict(out)


# --------------------------------------------------------------------------------------------------
# Source x source tables


@dataclass(frozen=True)
class PairTables:
    """Square tables indexed like ``sources``.

    Attributes:
        shared: Claim groups both sources carry (diagonal: claim groups the source carries).
        share: shared / claim groups either carries (diagonal: 1.0).
        divergences: Fact pairs of the two sources that are not ``same``.
        conflicts: Fact pairs of the two sources that conflict.
        differences: Fact pairs both sources state, differently (conflicts included).
        omissions: Fact pairs only one of the two sources states.
    """

    sources: tuple[str, ...]
    shared: tuple[tuple[int, ...], ...]
    share: tuple[tuple[float, ...], ...]
    divergences: tuple[tuple[int, ...], ...]
    conflicts: tuple[tuple[int, ...], ...]
    differences: tuple[tuple[int, ...], ...] = ()
    omissions: tuple[tuple[int, ...], ...] = ()


def pair_tables(cmp: Comparison) -> PairTables:
    ids = cmp.source_ids
    pos = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    carried: list[set[int]] = [set() for _ in ids]
    for claim in cmp.claims:
        for sid in claim.sources:
            carried[pos[sid]].add(claim.claim_id)
    shared = [[len(carried[i] & carried[j]) for j in range(n)] for i in range(n)]
    share = [
        [
            1.0
            if i == j
            else (shared[i][j] / len(carried[i] | carried[j]) if carried[i] | carried[j] else 0.0)
            for j in range(n)
        ]
        for i in range(n)
    ]
    div = [[0] * n for _ in range(n)]
    con = [[0] * n for _ in range(n)]
    dif = [[0] * n for _ in range(n)]
    omi = [[0] * n for _ in range(n)]
    for fp in cmp.facts:
        if fp.relation == Relation.SAME or fp.source_a not in pos or fp.source_b not in pos:
            continue
        i, j = pos[fp.source_a], pos[fp.source_b]
        which = dif if category(fp.relation) == DIFFERENCE else omi
        for table in (div, which) + ((con,) if fp.relation == Relation.CONFLICT else ()):
            table[i][j] += 1
            table[j][i] += 1
    return PairTables(
        sources=ids,
        shared=tuple(map(tuple, shared)),
        share=tuple(map(tuple, share)),
        divergences=tuple(map(tuple, div)),
        conflicts=tuple(map(tuple, con)),
        differences=tuple(map(tuple, dif)),
        omissions=tuple(map(tuple, omi)),
    )


def ranked_divergences(facts: Iterable[FactPair], *, only: str | None = None) -> list[FactPair]:
    """Non-same fact pairs in the order a fact-checker acts on them (``RELATION_ORDER``): differences
    first (conflicts, worded differently, more or less specific), omissions last.

    Args:
        facts: Compared fact pairs.
        only: ``DIFFERENCE`` or ``OMISSION`` to keep one category.
    """
    rows = [
        fp for fp in facts if fp.relation != Relation.SAME and (only is None or category(fp.relation) == only)
    ]
    return sorted(
        rows,
        key=lambda fp: (
            RELATION_ORDER.get(Relation(fp.relation), 5),
            KIND_ORDER.get(str(fp.kind), 9),
            fp.claim_id,
        ),
    )


def fact_value(fact: Fact | None) -> str:
    if fact is None:
        return ""
    return fact.value or fact.text


# --------------------------------------------------------------------------------------------------
# Side-by-side rows


@dataclass(frozen=True)
class Cell:
    """One source's text in a row: sentences ``first..last`` (inclusive), offsets into its article."""

    source_id: str
    first: int
    last: int
    start: int
    end: int
    moved: bool = False  # shown out of its reading order so that it sits next to its aligned passages


@dataclass(frozen=True)
class Row:
    """A row of the side-by-side view; ``claim_id`` is None for passages not aligned among the shown
    sources (each such cell is in its source's reading order)."""

    index: int
    claim_id: int | None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class _Unit:
    source_id: str
    first: int
    last: int
    claim_id: int | None
    consumed: bool = False


def _units(cmp: Comparison, sid: str, claim_of: dict[tuple[str, int], int], aligned: set[int]) -> list[_Unit]:
    units: list[_Unit] = []
    for s in cmp.sentences.get(sid, ()):
        cid = claim_of.get((sid, s.index))
        cid = cid if cid in aligned else None
        last = units[-1] if units else None
        if (
            last is not None
            and last.claim_id == cid
            and last.last == s.index - 1
            and (cid is not None or last.last - last.first < 3)
        ):
            last.last = s.index
        else:
            units.append(_Unit(sid, s.index, s.index, cid))
    return units


def _claims_in_view(
    cmp: Comparison, shown: Sequence[str]
) -> tuple[dict[tuple[str, int], int], dict[int, list[str]]]:
    """The claim of each shown sentence, and the shown sources of each claim aligned among them."""
    carriers: dict[int, list[str]] = {}
    for claim in cmp.claims:
        in_view = [p.source_id for p in claim.passages if p.source_id in shown]
        if len(in_view) >= 2:
            carriers[claim.claim_id] = in_view
    # A sentence in two claims sits on one row: its first claim aligned among the shown sources.
    claim_of: dict[tuple[str, int], int] = {}
    for claim in sorted(cmp.claims, key=lambda c: c.claim_id not in carriers):
        for p in claim.passages:
            for i in p.indices:
                claim_of.setdefault((p.source_id, i), claim.claim_id)
    return claim_of, carriers


class _Columns:
    """The shown sources' units in reading order, with a cursor per source past the consumed ones."""

    def __init__(
        self, cmp: Comparison, shown: list[str], claim_of: dict[tuple[str, int], int], aligned: set[int]
    ) -> None:
        self.shown = shown
        self.units = {sid: _units(cmp, sid, claim_of, aligned) for sid in shown}
        self.unit_of = {
            (u.source_id, u.claim_id): u for sid in shown for u in self.units[sid] if u.claim_id is not None
        }
        self.pos = dict.fromkeys(shown, 0)
        self.sents = {sid: cmp.sentences[sid] for sid in shown}

    def heads(self) -> dict[str, _Unit]:
        """The next unconsumed unit of every source that has one."""
        out = {}
        for sid in self.shown:
            us = self.units[sid]
            while self.pos[sid] < len(us) and us[self.pos[sid]].consumed:
                self.pos[sid] += 1
            if self.pos[sid] < len(us):
                out[sid] = us[self.pos[sid]]
        return out

    def take(self, u: _Unit, *, moved: bool = False) -> Cell:
        u.consumed = True
        ss = self.sents[u.source_id]
        return Cell(u.source_id, u.first, u.last, ss[u.first].start, ss[u.last].end, moved)


def layout_rows(cmp: Comparison, sources: Sequence[str]) -> list[Row]:
    """Rows of the side-by-side view of ``sources``.

    Passages of one claim group sit on one row. Text not aligned among the shown sources stays where it
    is in its source, so every column reads in order; only when two sources tell aligned things in a
    different order is a passage moved next to its partners (and flagged ``moved``).
    """
    shown = [s for s in sources if s in cmp.sentences]
    claim_of, carriers = _claims_in_view(cmp, shown)
    cols = _Columns(cmp, shown, claim_of, set(carriers))
    rows: list[Row] = []
    while heads := cols.heads():
        solo = {sid: h for sid, h in heads.items() if h.claim_id is None}
        if solo:  # unaligned text first, where it stands in each source
            rows.append(Row(len(rows), None, {sid: cols.take(h) for sid, h in solo.items()}))
            continue
        # The claim that is next in the most sources; ties go to the leftmost source's next claim.
        votes: dict[int, int] = defaultdict(int)
        for h in heads.values():
            assert h.claim_id is not None
            votes[h.claim_id] += 1
        chosen = max(votes, key=lambda cid: votes[cid])
        row_cells: dict[str, Cell] = {}
        for t in carriers[chosen]:
            u = cols.unit_of.get((t, chosen))
            if u is not None and not u.consumed:
                row_cells[t] = cols.take(u, moved=heads.get(t) is not u)
        rows.append(Row(len(rows), chosen, {sid: row_cells[sid] for sid in shown if sid in row_cells}))
    return rows


# --------------------------------------------------------------------------------------------------
# Highlighted facts


@dataclass(frozen=True)
class Mark:
    """A fact to highlight in one source: offsets into its article text."""

    start: int
    end: int
    kind: str
    rel: str  # same / more / less / overlap / conflict / only
    notes: tuple[str, ...]


def _note(fp: FactPair, here: str, other: str, mine: Fact | None, theirs: Fact | None) -> str:
    if fp.explanation:
        text = fp.explanation
    elif fp.relation == Relation.SAME:
        text = f"same {fp.kind} as {other}: {fact_value(theirs)}"
    elif theirs is None:
        text = f"{fp.kind} stated only here: {fact_value(mine)}"
    else:
        text = f"{fp.relation.replace('_', ' ')}: {fact_value(mine)} here, {fact_value(theirs)} in {other}"
    return f"vs {other}: {text}"


def fact_marks(cmp: Comparison, source_id: str, sources: Sequence[str]) -> list[Mark]:
    """Facts of ``source_id`` compared with any other of ``sources``, merged per span.

    One span compared with several sources takes the most severe relation, and keeps every note; it is
    "only stated here" only when no other shown passage states that fact at all.
    """
    by_span: dict[tuple[int, int, str], list[tuple[str, str]]] = defaultdict(list)
    for fp in pairs_within(cmp.facts, sources):
        if fp.source_a == source_id and fp.a is not None:
            by_span[(fp.a.start, fp.a.end, str(fp.kind))].append(
                (SIDE_A[Relation(fp.relation)], _note(fp, source_id, fp.source_b, fp.a, fp.b))
            )
        elif fp.source_b == source_id and fp.b is not None:
            by_span[(fp.b.start, fp.b.end, str(fp.kind))].append(
                (SIDE_B[Relation(fp.relation)], _note(fp, source_id, fp.source_a, fp.b, fp.a))
            )
    marks = []
    for (start, end, kind), rels in by_span.items():
        rel = max((r for r, _ in rels), key=lambda r: SEVERITY[r])
        marks.append(Mark(start, end, kind, rel, tuple(dict.fromkeys(n for _, n in rels))))
    marks.sort(key=lambda m: (m.start, -m.end))
    return marks


def row_statuses(cmp: Comparison, rows: Sequence[Row], sources: Sequence[str]) -> list[Status]:
    """Per row, the worst fact relation among its shown sources (ABSENT for rows without a claim)."""
    by_claim: dict[int, list[FactPair]] = defaultdict(list)
    for fp in pairs_within(cmp.facts, sources):
        by_claim[fp.claim_id].append(fp)
    out = []
    for row in rows:
        if row.claim_id is None:
            out.append(Status.ABSENT)
            continue
        worst = _start(cmp, row.claim_id)
        for fp in by_claim.get(row.claim_id, ()):
            if fp.source_a in row.cells and fp.source_b in row.cells:
                worst = max(worst, status_of(fp.relation))
        out.append(worst)
    return out
