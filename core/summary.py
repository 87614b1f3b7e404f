"""Headline counts of a comparison, shared by the command line and the dashboard's Overview.

One function computes them so the two can never disagree (they used to count with separate code, the
CLI with string literals).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from core.model import Comparison, FactKind, Relation


@dataclass(frozen=True, slots=True)
class Summary:
    """What the Overview's metrics and the CLI's report show.

    Attributes:
        sources: Sources compared.
        sentences: Sentences (and heading lines) across all sources.
        claims: Claim groups (passages two or more sources share).
        shared_by_all: Claim groups every source carries.
        unique: Passages (sentences) only one source carries.
        divergences: Compared fact pairs that are not ``same``.
        conflicts: Of those, the ones whose values cannot both be right.
        by_kind: Divergences per fact kind ("number", "date", "name", "quote"; every kind present, 0 when
            none).
    """

    sources: int
    sentences: int
    claims: int
    shared_by_all: int
    unique: int
    divergences: int
    conflicts: int
    by_kind: dict[str, int] = field(default_factory=dict)


def summarise(cmp: Comparison) -> Summary:
    """The headline counts of ``cmp`` (see ``Summary``)."""
    n_src = len(cmp.articles)
    diverging = [fp for fp in cmp.facts if fp.relation != Relation.SAME]
    kinds = Counter(str(fp.kind) for fp in diverging)
    return Summary(
        sources=n_src,
        sentences=sum(len(s) for s in cmp.sentences.values()),
        claims=len(cmp.claims),
        shared_by_all=sum(1 for c in cmp.claims if len(c.passages) == n_src),
        unique=len(cmp.unique),
        divergences=len(diverging),
        conflicts=sum(1 for fp in diverging if fp.relation == Relation.CONFLICT),
        by_kind={str(k): kinds.get(str(k), 0) for k in FactKind},
    )
