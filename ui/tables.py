"""DataFrames for display (st.dataframe renders cells as plain text, so no escaping is needed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from core.model import Comparison, FactPair, Relation
from ui.analysis import RELATION_LABELS, STATUS_LABELS, category, claim_overall, divergence_counts, fact_value

FACT_COLUMNS = [
    "claim", "kind", "category", "relation", "source A", "value A", "source B", "value B", "what differs",
    "text A", "text B",
]  # fmt: skip


# Display order of ``facts_frame`` columns: what differs, in words, before the raw values and texts.
FACT_DISPLAY_ORDER = [
    "claim", "kind", "category", "relation", "source A", "source B", "what differs", "value A", "value B",
    "text A", "text B",
]  # fmt: skip


def fact_column_config() -> dict[str, Any]:
    """Column widths for ``facts_frame`` in ``st.dataframe``: the explanation gets the room."""
    return {
        "claim": st.column_config.NumberColumn("claim", format="#%d", width=60, pinned=True),
        "kind": st.column_config.TextColumn("kind", width=70),
        "category": st.column_config.TextColumn(
            "category", width=95, help="difference: both state it, differently; omission: one source only"
        ),
        "relation": st.column_config.TextColumn("relation", width=115),
        "source A": st.column_config.TextColumn("source A", width=160),
        "source B": st.column_config.TextColumn("source B", width=160),
        "what differs": st.column_config.TextColumn("what differs", width=560),
        "value A": st.column_config.TextColumn("value A", width=150),
        "value B": st.column_config.TextColumn("value B", width=150),
        "text A": st.column_config.TextColumn("text A", width=220),
        "text B": st.column_config.TextColumn("text B", width=220),
    }


def facts_frame(facts: Iterable[FactPair]) -> pd.DataFrame:
    """One row per compared fact, in plain words."""
    rows = [
        {
            "claim": fp.claim_id,
            "kind": str(fp.kind),
            "category": category(fp.relation),
            "relation": RELATION_LABELS.get(Relation(fp.relation), str(fp.relation)),
            "source A": fp.source_a,
            "value A": fact_value(fp.a),
            "source B": fp.source_b,
            "value B": fact_value(fp.b),
            "what differs": fp.explanation,
            "text A": fp.a.text if fp.a else "",
            "text B": fp.b.text if fp.b else "",
        }
        for fp in facts
    ]
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


CLAIM_COLUMNS = ["claim", "sources", "agreement", "differing facts", "conflicts"]


def source_columns(source_ids: Iterable[str]) -> dict[str, str]:
    """Source id -> its column in ``claims_table``: the id itself, unless a fixed column (or another
    source's column) already has that name; then "<id> (source)", "<id> (source 2)", ..."""
    taken = set(CLAIM_COLUMNS)
    ids = list(source_ids)
    out: dict[str, str] = {}
    for sid in ids:
        column, n = sid, 1
        while column in taken or (column != sid and column in ids):
            column = f"{sid} (source)" if n == 1 else f"{sid} (source {n})"
            n += 1
        taken.add(column)
        out[sid] = column
    return out


def claims_table(cmp: Comparison) -> pd.DataFrame:
    """The N-way table: one row per claim group, one column per source with its passage (named by
    ``source_columns``, so a source called "claim" or "conflicts" never clashes with a fixed column)."""
    overall = claim_overall(cmp)
    counts = divergence_counts(cmp)
    columns = source_columns(cmp.source_ids)
    rows = []
    for claim in cmp.claims:
        n_div, n_con = counts.get(claim.claim_id, (0, 0))
        row: dict[str, object] = {
            "claim": claim.claim_id,
            "sources": len(claim.passages),
            "agreement": STATUS_LABELS[overall[claim.claim_id]],
            "differing facts": n_div,
            "conflicts": n_con,
        }
        for sid in cmp.source_ids:
            p = claim.passage(sid)
            row[columns[sid]] = p.text if p else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=[*CLAIM_COLUMNS, *columns.values()])
