"""``align_sources``: the aligner's five stages in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.align.candidates import PAIR_CHUNK_CELLS, link_source_pairs
from core.align.claims import claim_links, make_claims, unique_passages
from core.align.groups import group_links
from core.align.lexical import Array
from core.align.members import add_second_memberships
from core.align.units import build_story
from core.config import DEFAULT_ALIGN, AlignConfig
from core.model import Claim, Link, Passage, Sentence


@dataclass(frozen=True, slots=True)
class AlignResult:
    """Claim groups, the links within them and the unique passages (see ``align_sources``)."""

    claims: tuple[Claim, ...]
    links: tuple[Link, ...]
    unique: tuple[Passage, ...]
    linked_claims: int = -1  # claims (in order) whose passage pairs are in ``links``; -1: all of them


def align_sources(
    sentences: Mapping[str, Sequence[Sentence]],
    vectors: Mapping[str, Array],
    *,
    texts: Mapping[str, str],
    config: AlignConfig = DEFAULT_ALIGN,
    max_links: int | None = None,
    chunk_cells: int = PAIR_CHUNK_CELLS,
) -> AlignResult:
    """Aligns every pair of sources and groups the links into N-way claims.

    Args:
        sentences: Per source id (in the user's order), its sentences.
        vectors: Per source id, unit-length embeddings, one row per sentence of ``sentences``.
        texts: Per source id, the cleaned article text (to slice passages).
        config: Thresholds.
        max_links: Most passage pairs to list as links; claims are linked in order while their pairs fit
            (``AlignResult.linked_claims`` says how many). None: all.
        chunk_cells: Most cells of one source pair's score matrices held at once (memory bound; any
            value gives the same result).

    Returns:
        Claim groups (ordered by where they first appear), every pair of passages within them as a
        link, and the body sentences no other source carries.
    """
    story = build_story(sentences, vectors, texts)
    table = link_source_pairs(story, config, chunk_cells=chunk_cells)
    grouping = group_links(table, story, config)
    add_second_memberships(grouping, story, config)
    claims = make_claims(grouping, story, texts)
    links, linked_claims = claim_links(claims, grouping, story, max_links=max_links)
    return AlignResult(claims, links, unique_passages(story, claims), linked_claims)
