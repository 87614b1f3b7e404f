"""Rows for ``divergences.csv``."""

from __future__ import annotations

from collections.abc import Sequence

from core.model import Fact, FactPair, Relation

DIVERGENCE_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "source_a",
    "source_b",
    "kind",
    "value_a",
    "value_b",
    "relation",
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
        None offsets.
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
            "explanation": p.explanation,
        }
        row |= _side(p.a, "a")
        row |= _side(p.b, "b")
        rows.append({c: row[c] for c in DIVERGENCE_COLUMNS})
    return rows
