"""Rows for ``divergences.csv``, and the split of divergences into differences and omissions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.model import Category, Fact, FactPair, Relation

DIVERGENCE_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "source_a",
    "source_b",
    "kind",
    "value_a",
    "value_b",
    "relation",
    "category",
    "text_a",
    "text_b",
    "norm_a",
    "norm_b",
    "detail_a",
    "detail_b",
    "explanation",
    "start_a",
    "end_a",
    "start_b",
    "end_b",
)


def _side(f: Fact | None, suffix: str) -> dict[str, object]:
    if f is None:
        return {
            f"value_{suffix}": "",
            f"text_{suffix}": "",
            f"norm_{suffix}": "",
            f"detail_{suffix}": "",
            f"start_{suffix}": None,
            f"end_{suffix}": None,
        }
    return {
        f"value_{suffix}": f.value,
        f"text_{suffix}": f.text,
        f"norm_{suffix}": f.norm,
        f"detail_{suffix}": f.detail,
        f"start_{suffix}": f.start,
        f"end_{suffix}": f.end,
    }


def divergence_rows(pairs: Sequence[FactPair], *, include_same: bool = False) -> list[dict[str, object]]:
    """One row per compared fact pair that is not ``same`` (all pairs with ``include_same``).

    Args:
        pairs: Fact pairs from ``compare_passages``.
        include_same: Also emit pairs whose relation is ``same``.

    Returns:
        Dicts keyed (and ordered) by ``DIVERGENCE_COLUMNS``; a missing side has empty strings and
        None offsets. ``category`` is ``difference`` (conflict, more/less specific, overlap),
        ``omission`` (only in one source) or ``same`` (see ``Relation.category``).
    """
    rows: list[dict[str, object]] = []
    for p in pairs:
        if p.relation == Relation.SAME and not include_same:
            continue
        row: dict[str, object] = {
            "claim_id": p.claim_id,
            "source_a": p.source_a,
            "source_b": p.source_b,
            "kind": str(p.kind),
            "relation": str(p.relation),
            "category": str(p.relation.category),
            "explanation": p.explanation,
        }
        row |= _side(p.a, "a")
        row |= _side(p.b, "b")
        rows.append({c: row[c] for c in DIVERGENCE_COLUMNS})
    return rows


def rank_key(pair: FactPair) -> tuple[int, int, int]:
    """Sort key that puts what a fact-checker acts on first: conflicts, then facts worded differently,
    then more/less specific ones, then omissions (``Relation.priority``); within a rank, claim order,
    then numbers, dates, names, quotes."""
    kinds = {"number": 0, "date": 1, "name": 2, "quote": 3}
    return pair.relation.priority, pair.claim_id, kinds.get(str(pair.kind), 4)


def split_divergences(pairs: Iterable[FactPair]) -> tuple[list[FactPair], list[FactPair]]:
    """(differences, omissions) among fact pairs, each ranked by :func:`rank_key`; ``same`` pairs left out.

    The headline "N differences, M omissions" is ``len`` of each; the "most important" list is the
    differences first.
    """
    differences = [p for p in pairs if p.relation.category is Category.DIFFERENCE]
    omissions = [p for p in pairs if p.relation.category is Category.OMISSION]
    return sorted(differences, key=rank_key), sorted(omissions, key=rank_key)
