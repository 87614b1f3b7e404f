"""Frozen dataclasses that pass between the pipeline stages.

Every offset (``start``/``end``) is a character offset into one article's cleaned ``Article.text``,
half-open, so ``article.text[start:end]`` is exactly the passage or fact: highlighting is a slice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned source.

    Attributes:
        source_id: Stable id of the source (file name without extension, or a user-given name).
        title: Headline, kept apart from the body (may be empty).
        text: Cleaned body text. All offsets of later stages point into this string.
        published: Publication date when stated in the page furniture or set by the user.
        origin: Where it came from ("file:...", "paste", "url:...", "demo").
        removed: The lines of page furniture that cleaning dropped, for display.
        notes: Human-readable warnings from ingest (e.g. "decoded as cp1252").
    """

    source_id: str
    title: str
    text: str
    published: dt.date | None = None
    origin: str = ""
    removed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or heading line) of an article; ``text == article.text[start:end]``."""

    source_id: str
    index: int
    start: int
    end: int
    text: str
    is_heading: bool = False


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of adjacent sentences ``first..last`` (inclusive) of one source."""

    source_id: str
    first: int
    last: int
    start: int
    end: int
    text: str

    @property
    def indices(self) -> range:
        return range(self.first, self.last + 1)


@dataclass(frozen=True, slots=True)
class Link:
    """A pairwise alignment between passages of two different sources.

    Attributes:
        similarity: Cosine similarity of the two passage embeddings (-1..1).
        margin: Ratio-margin score (similarity over the mean similarity of both sides' nearest
            neighbours); > 1 means the pair stands out from the topical background.
        lexical: Share of rare anchor tokens (names, numbers) the two passages have in common (0..1).
        direct: True when the aligner linked the pair itself; False when the pair is implied by an
            N-way claim group (A~B and B~C give A~C).
        claim_id: The claim group the pair belongs to (0 when unknown). A sentence that states two
            claims is in two groups, so its passage alone does not tell the claim.
    """

    a: Passage
    b: Passage
    similarity: float
    margin: float
    lexical: float
    direct: bool = True
    claim_id: int = 0


@dataclass(frozen=True, slots=True)
class Claim:
    """An N-way claim group: at most one passage per source, ordered like the sources.

    A sentence is in at most two claim groups: a second one when it states that group's claim too
    ("The quake struck at 11:11 pm, 72 km southwest of the city" against outlets that give time and
    place in two sentences). Key anything per claim by ``claim_id``, not by sentence.
    """

    claim_id: int
    passages: tuple[Passage, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(p.source_id for p in self.passages)

    def passage(self, source_id: str) -> Passage | None:
        for p in self.passages:
            if p.source_id == source_id:
                return p
        return None


class FactKind(StrEnum):
    NUMBER = "number"
    DATE = "date"
    NAME = "name"
    QUOTE = "quote"


class Category(StrEnum):
    """What a compared fact pair is to a reader: the sources agree, state it differently, or one omits it."""

    SAME = "same"
    DIFFERENCE = "difference"  # both state it, differently: conflict, more/less specific, overlap
    OMISSION = "omission"  # only one source states it


class Relation(StrEnum):
    """How a fact of source A relates to the matching fact of source B (see docs/facts.md)."""

    SAME = "same"
    MORE_SPECIFIC = "more_specific"  # A states more than B ("January 2025" vs "January")
    LESS_SPECIFIC = "less_specific"  # A states less than B
    OVERLAP = "overlap"  # compatible but neither contains the other / differently worded
    CONFLICT = "conflict"  # disjoint values or spans
    ONLY_IN_A = "only_in_a"
    ONLY_IN_B = "only_in_b"

    @property
    def category(self) -> Category:
        """``difference`` (conflict, more/less specific, overlap), ``omission`` (only in one source) or
        ``same``: the split of the headline count and of ``divergences.csv``."""
        if self is Relation.SAME:
            return Category.SAME
        if self in (Relation.ONLY_IN_A, Relation.ONLY_IN_B):
            return Category.OMISSION
        return Category.DIFFERENCE

    @property
    def priority(self) -> int:
        """Rank for a fact-checker, lowest first: conflict 0, overlap (worded differently) 1, more/less
        specific 2, only in one source 3, same 4."""
        if self is Relation.CONFLICT:
            return 0
        if self is Relation.OVERLAP:
            return 1
        if self in (Relation.MORE_SPECIFIC, Relation.LESS_SPECIFIC):
            return 2
        return 4 if self is Relation.SAME else 3


@dataclass(frozen=True, slots=True)
class Fact:
    """A number, date, name or quote found in a source's cleaned text.

    Attributes:
        kind: What sort of fact.
        source_id: The source whose text holds it.
        start, end: Offsets into that source's ``Article.text``.
        text: The surface string, ``article.text[start:end]``.
        value: Human-readable normalised value ("> 300,000 soldiers", "2025-01", "late 2024").
        norm: Machine-readable normalised value (interval "[300000,inf)", ISO span
            "2024-09-01/2024-12-31", canonical name, quote wording).
        detail: Kind-specific extra: what a number counts, a date's granularity, a name's type.
    """

    kind: FactKind
    source_id: str
    start: int
    end: int
    text: str
    value: str
    norm: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FactPair:
    """One compared fact inside an aligned pair of passages of one claim group.

    ``a`` is None for ``only_in_b`` and ``b`` is None for ``only_in_a``.
    ``explanation`` says in words what differs ("year stated only in 001: 2025").
    """

    claim_id: int
    source_a: str
    source_b: str
    kind: FactKind
    relation: Relation
    a: Fact | None
    b: Fact | None
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """The whole answer for a set of articles.

    Attributes:
        articles: The cleaned sources, in the user's order.
        sentences: Per source id, its sentences in reading order.
        claims: N-way claim groups (each with passages from >= 2 sources; a sentence in at most two).
        links: Every aligned pair of passages within the claim groups.
        unique: Body sentences that no other source carries, as one-sentence passages.
        facts: Compared facts for every aligned pair (including ``same`` ones).
        timings: Seconds per stage.
        warnings: Messages for the user (skipped inputs, limits hit).
        compared_claims: Claims #1..#n have their passage pairs in ``links`` and their facts compared;
            None when all have (``Limits.max_passage_pairs`` not hit).
    """

    articles: tuple[Article, ...]
    sentences: dict[str, tuple[Sentence, ...]]
    claims: tuple[Claim, ...]
    links: tuple[Link, ...]
    unique: tuple[Passage, ...]
    facts: tuple[FactPair, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    compared_claims: int | None = None

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(a.source_id for a in self.articles)

    def is_compared(self, claim_id: int) -> bool:
        """Whether this claim's passage pairs were linked and their facts compared."""
        return self.compared_claims is None or claim_id <= self.compared_claims

    def article(self, source_id: str) -> Article:
        for a in self.articles:
            if a.source_id == source_id:
                return a
        raise KeyError(source_id)
