"""Facts (numbers, dates, names, quotes) of aligned passages and how two sources' facts relate.

Pure and typed; no UI imports. Layout:

- ``dates``, ``numbers``, ``names``, ``quotes``: find mentions of one kind in a text (grammar and data
  tables in ``resources``);
- ``extract``: one passage -> its mentions (``analyse``) and ``Fact`` rows;
- ``relations``: how two values relate (``date_relation``, ``number_relation``, ``quote_relation``,
  ``span_relation``), each with a plain-words explanation naming the sources;
- ``compare``: which fact answers which in two aligned passages, and the ``FactPair`` rows
  (``compare_passages``; ``compare_facts`` for every passage pair of every claim group);
- ``export``: rows of ``divergences.csv`` (with a ``category`` column: ``difference`` | ``omission``),
  and ``split_divergences`` / ``rank_key`` for the headline split and the order of importance.

The relation vocabulary is ``core.model.Relation``.
"""

from __future__ import annotations

import datetime as dt

from core.facts.compare import compare_facts, compare_passages
from core.facts.export import DIVERGENCE_COLUMNS, divergence_rows, rank_key, split_divergences
from core.facts.extract import analyse, facts_of
from core.facts.names import Story, story_context
from core.model import Fact, Passage

__all__ = [
    "DIVERGENCE_COLUMNS",
    "Story",
    "compare_facts",
    "compare_passages",
    "divergence_rows",
    "extract_facts",
    "rank_key",
    "split_divergences",
    "story_context",
]


def extract_facts(passage: Passage, *, published: dt.date | None = None) -> tuple[Fact, ...]:
    """Extract numbers, dates, names and quotes from one passage.

    Args:
        passage: An aligned passage (``passage.text == article.text[passage.start:passage.end]``).
        published: Publication date of the article, used to resolve "last year", "in April", ...;
            without it such expressions keep "year not stated" / "unresolved".

    Returns:
        Facts in text order; ``start``/``end`` index into the article text.
    """
    return facts_of(analyse(passage, published))
