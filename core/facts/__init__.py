"""Facts (numbers, dates, names, quotes) of aligned passages and how two sources' facts relate.

Pure and typed; no UI imports. See ``core/facts/README.md`` for the relation vocabulary.
"""

from __future__ import annotations

import datetime as dt

from core.facts.compare import analyse, compare_analyses, facts_of
from core.facts.export import DIVERGENCE_COLUMNS, divergence_rows
from core.facts.names import Story, story_context
from core.model import Fact, FactPair, Passage

__all__ = [
    "DIVERGENCE_COLUMNS",
    "Story",
    "compare_passages",
    "divergence_rows",
    "extract_facts",
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


def compare_passages(
    claim_id: int,
    a: Passage,
    b: Passage,
    *,
    published_a: dt.date | None = None,
    published_b: dt.date | None = None,
    story: Story | None = None,
) -> tuple[FactPair, ...]:
    """Compare the facts of two aligned passages.

    Args:
        claim_id: Claim group id copied into every pair.
        a, b: The two passages (source A and source B).
        published_a, published_b: Publication dates of their articles, when known.
        story: Story-wide context from ``story_context(article texts)``: abbreviations defined in any
            article, and words the story writes in lower case (a sentence-initial "Commuters" is no name).

    Returns:
        One FactPair per matched pair of facts (``same`` included) and one ``only_in_a`` /
        ``only_in_b`` pair per unmatched fact (names only for PERSON/ORG, quotes only for quoted
        speech), ordered by kind then position in the text.
    """
    return compare_analyses(claim_id, analyse(a, published_a), analyse(b, published_b), story)
