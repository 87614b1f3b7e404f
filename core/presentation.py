"""How relations are shown to a reader, shared by the dashboard (``ui/``) and the report (``core.report``).

One table per question, so the page and the report can never disagree: the relation in words from A's point
of view, the class of a highlighted fact from the point of view of the source holding it, which relation a
fact compared with several sources shows, the words and colours of each class, and what a fact-checker acts
on first.
"""

from __future__ import annotations

from core.model import Relation

# A fact pair's relation in words, from A's point of view (tables and filters).
RELATION_LABELS = {
    Relation.SAME: "same",
    Relation.MORE_SPECIFIC: "A more specific",
    Relation.LESS_SPECIFIC: "A less specific",
    Relation.OVERLAP: "overlap",
    Relation.CONFLICT: "conflict",
    Relation.ONLY_IN_A: "only in A",
    Relation.ONLY_IN_B: "only in B",
}

# CSS class suffix of a fact, from the point of view of the source holding it.
SIDE_A = {
    Relation.SAME: "same",
    Relation.MORE_SPECIFIC: "more",
    Relation.LESS_SPECIFIC: "less",
    Relation.OVERLAP: "overlap",
    Relation.CONFLICT: "conflict",
    Relation.ONLY_IN_A: "only",
    Relation.ONLY_IN_B: "only",
}
SIDE_B = {**SIDE_A, Relation.MORE_SPECIFIC: "less", Relation.LESS_SPECIFIC: "more"}
# Which relation a fact compared with several sources shows. "only" is the weakest: a fact that another
# shown source states too (alike or not) is not "only stated here", and "January 2025" against "January"
# must stay visible as "more specific" even when a third passage has no date at all.
SEVERITY = {"only": 0, "same": 1, "overlap": 2, "less": 2, "more": 2, "conflict": 4}
REL_LABELS = {
    "same": "same in both",
    "more": "more specific here",
    "less": "less specific here",
    "overlap": "overlapping / worded differently",
    "conflict": "conflict",
    "only": "only stated here",
}
# Highlight colours of each class: (background, line).
REL_COLOURS = {
    "same": ("#d4efdd", "#2e7d4f"),
    "more": ("#d3e3ff", "#2155b8"),
    "less": ("#f1f5ff", "#2155b8"),  # nearly white with a dashed blue line: not to be taken for "only"
    "overlap": ("#ffeaa8", "#b07d00"),
    "conflict": ("#ffc9c4", "#c62828"),
    "only": ("#dcc6ff", "#6a3cbc"),
}

# What a fact-checker acts on first: values that cannot both be right; then the same fact worded or
# bounded differently (a reworded quote may be a misquote); then one source giving more detail; last,
# facts only one source states (omissions: by far the most numerous, and the least often an error).
RELATION_ORDER = {
    Relation.CONFLICT: 0,
    Relation.OVERLAP: 1,
    Relation.MORE_SPECIFIC: 2,
    Relation.LESS_SPECIFIC: 2,
    Relation.ONLY_IN_A: 3,
    Relation.ONLY_IN_B: 3,
    Relation.SAME: 9,
}
