"""Panels of the dates-and-figures page and their filters (pure: cheap to test without Streamlit).

Building them costs ~0.3 CPU-s for 50 synthetic sources (73 slots), so the page builds them on each run
rather than caching a copy per session.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from core.charts import COLOURS, LEGEND, Panel, build_panels, legend_items
from core.consensus import comparison_consensus
from core.model import Comparison, FactKind

# the page reads the role colours and the legend from here
__all__ = ["COLOURS", "LEGEND", "Panel", "filter_panels", "legend_items", "panels_of"]

_AGREEING = frozenset({"agrees", "same"})


def panels_of(cmp: Comparison) -> tuple[list[Panel], list[Panel]]:
    """(date panels, number panels) of the comparison, one consensus computation for both."""
    items = comparison_consensus(cmp)
    return build_panels(cmp, FactKind.DATE, consensus=items), build_panels(
        cmp, FactKind.NUMBER, consensus=items
    )


def filter_panels(
    panels: Sequence[Panel], *, sources: Sequence[str] = (), differing: bool = False, singles: bool = False
) -> list[Panel]:
    """The panels to show.

    Args:
        panels: From ``panels_of``.
        sources: Keep only these sources' rows (all when empty); a panel left with no row is dropped.
        differing: Keep only panels where some source does not simply agree.
        singles: Keep panels only one source states (hidden by default: nothing to compare).
    """
    keep = set(sources)
    out = []
    for pn in panels:
        if not singles and len(pn.consensus.members) < 2:
            continue
        if differing and all(b.role in _AGREEING for b in (*pn.bars, *pn.unplaced)):
            continue
        if keep:
            bars = tuple(b for b in pn.bars if keep & set(b.sources))
            unplaced = tuple(b for b in pn.unplaced if keep & set(b.sources))
            if bars or unplaced:
                out.append(dataclasses.replace(pn, bars=bars, unplaced=unplaced))
            continue
        out.append(pn)
    return out
