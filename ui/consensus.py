"""The consensus column of the claims table (one call from the Claims page)."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from core.consensus import MIN_SOURCES, comparison_consensus, summary
from core.model import Comparison

COLUMN = "consensus"


def consensus_column(frame: pd.DataFrame, cmp: Comparison) -> pd.DataFrame:
    """``frame`` (one row per claim, a ``claim`` column of ids) with a consensus column after
    ``conflicts``: for each date or figure three or more of the claim's sources state, the consensus and
    its backing ("March 2025 · 3 of 4 · outlier: wire"), or why there is none; "" for other claims.
    A source named like the column does not lose its own: the column is then "consensus (facts)"."""
    if "claim" not in frame.columns:
        return frame
    by_claim: dict[int, list[str]] = defaultdict(list)
    for c in comparison_consensus(cmp):
        if len(c.members) >= MIN_SOURCES:
            by_claim[c.slot.claim_id].append(summary(c))
    name, n = COLUMN, 1
    while name in frame.columns:  # a source may be called "consensus" (or "consensus (facts)")
        name = f"{COLUMN} (facts)" if n == 1 else f"{COLUMN} (facts {n})"
        n += 1
    columns = list(frame.columns)
    at = columns.index("conflicts") + 1 if "conflicts" in columns else len(columns)
    out = frame.copy()
    out.insert(at, name, [" | ".join(by_claim.get(int(cid), ())) for cid in frame["claim"]])
    return out
