"""Headline counts of a comparison, shared by the command line and the dashboard's Overview.

One function computes them so the two can never disagree (they used to count with separate code, the
CLI with string literals). ``category`` sorts a compared fact into what a fact-checker treats apart:
a *difference* (the sources state the fact differently: conflict, more or less specific, worded
differently) or an *omission* (only one source states it). On five real articles, 76 of 92 divergences
were omissions: counted together, they hid the 16 differences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from core.model import Comparison, FactKind, Relation

SAME = "same"
DIFFERENCE = "difference"
OMISSION = "omission"
CATEGORY_LABELS = {DIFFERENCE: "difference", OMISSION: "omission (one source only)", SAME: "same"}
_OMISSIONS = frozenset({Relation.ONLY_IN_A, Relation.ONLY_IN_B})


def category(relation: Relation | str) -> str:
    """``"same"``, ``"omission"`` (only one source states the fact) or ``"difference"`` (both state it,
    differently: conflict, more or less specific, overlapping or worded differently)."""
    rel = Relation(relation)
    if rel == Relation.SAME:
        return SAME
    return OMISSION if rel in _OMISSIONS else DIFFERENCE


@dataclass(frozen=True, slots=True)
class Summary:
    """What the Overview's metrics and the CLI's report show.

    Attributes:
        sources: Sources compared.
        sentences: Sentences (and heading lines) across all sources.
        claims: Claim groups (passages two or more sources share).
        shared_by_all: Claim groups every source carries.
        unique: Passages (sentences) only one source carries.
        divergences: Compared fact pairs that are not ``same`` (differences + omissions).
        conflicts: Of those, the ones whose values cannot both be right.
        differences: Divergences both sources state, differently (conflicts included).
        omissions: Divergences only one source states.
        by_kind: Divergences per fact kind ("number", "date", "name", "quote"; every kind present, 0 when
            none).
        differences_by_kind: Differences per fact kind (every kind present).
    """

    sources: int
    sentences: int
    claims: int
    shared_by_all: int
    unique: int
    divergences: int
    conflicts: int
    differences: int = 0
    omissions: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    differences_by_kind: dict[str, int] = field(default_factory=dict)


def summarise(cmp: Comparison) -> Summary:
    """The headline counts of ``cmp`` (see ``Summary``)."""
    n_src = len(cmp.articles)
    diverging = [fp for fp in cmp.facts if fp.relation != Relation.SAME]
    kinds = Counter(str(fp.kind) for fp in diverging)
    differing = [fp for fp in diverging if category(fp.relation) == DIFFERENCE]
    differing_kinds = Counter(str(fp.kind) for fp in differing)
    return Summary(
        sources=n_src,
        sentences=sum(len(s) for s in cmp.sentences.values()),
        claims=len(cmp.claims),
        shared_by_all=sum(1 for c in cmp.claims if len(c.passages) == n_src),
        unique=len(cmp.unique),
        divergences=len(diverging),
        conflicts=sum(1 for fp in diverging if fp.relation == Relation.CONFLICT),
        differences=len(differing),
        omissions=len(diverging) - len(differing),
        by_kind={str(k): kinds.get(str(k), 0) for k in FactKind},
        differences_by_kind={str(k): differing_kinds.get(str(k), 0) for k in FactKind},
    )
