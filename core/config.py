"""Every threshold and limit in one place, with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Settings of the aligner (see ``core.align``).

    Attributes:
        min_similarity: Cosine floor for any link. Same-story sentences are all topically similar, so
            this alone aligns far too much; it only cuts hopeless pairs.
        min_margin: Ratio-margin floor (cosine over the mean cosine of both sides' k nearest neighbours
            in the other source). Pairs must stand out from the story's background, as in LASER mining.
        min_score: Floor of cosine + lexical_weight * lexical. A pair that shares neither wording nor
            names and numbers needs a high cosine to count.
        min_score_mutual: The same floor for a mutual best pair (each the other's nearest neighbour).
        strong_similarity: A pair this similar is accepted even with a small margin (near-verbatim text
            whose neighbours are also similar, e.g. two retellings of one paragraph).
        neighbours: k of the margin's k-nearest-neighbour mean.
        lexical_weight: Weight of the shared-anchor bonus (names, numbers, rare words) added to cosine.
        question_penalty: Subtracted from the cosine of a question paired with a statement.
        allow_merges: Consider one-to-two and two-to-one links of adjacent sentences.
        merge_gain: A merged link must beat the best one-to-one link of its parts by this much.
        min_cohesion: Joining two groups (or a passage to a group) needs at least this mean cosine
            between their passages (average linkage), so chains of single links do not snowball.
        cohesion_gap: ... and a mean no more than this far below the group's own mean (scores here are
            cosine + lexical_weight x lexical, as for links).
        cohesion_cap: The group's own mean counts at most this much (verbatim copies agree perfectly).
        max_group_sentences: Longest run of one source's sentences in one claim group.
        second_residual: A sentence already in one claim group joins a second one when the part of its
            embedding that its first group does not explain points towards the second group's centre
            at least this much (cosine); it states both claims. Above 1: no second memberships.
        bridge_ratio: A passage joining a group through a link must agree with the group's other members
            (mean score) at least this fraction of its score with its link partner; below it, it shares
            with the partner only what the others lack (the partner states two claims: a bridge). 0: off.
    """

    min_similarity: float = 0.40
    min_margin: float = 1.12
    min_score: float = 0.65
    min_score_mutual: float = 0.62
    strong_similarity: float = 0.80
    neighbours: int = 4
    lexical_weight: float = 0.5
    question_penalty: float = 0.1
    allow_merges: bool = True
    merge_gain: float = 0.03
    min_cohesion: float = 0.45
    cohesion_gap: float = 0.30
    cohesion_cap: float = 0.95
    max_group_sentences: int = 3
    second_residual: float = 0.40
    bridge_ratio: float = 0.70


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits that protect a shared server; each is reported to the user when hit.

    Attributes:
        max_upload_bytes: Largest file accepted (Streamlit's own upload cap is set to match).
        max_sources: Most sources compared at once.
        max_total_chars: Most characters across all sources (after cleaning).
        max_article_chars: Most characters of one source (longer text is truncated with a note).
        max_sentence_chars: Longer "sentences" are cut at word boundaries into chunks of this size.
        max_passage_pairs: Most pairs of aligned passages (a claim carried by k sources has k(k-1)/2)
            listed as links and compared fact by fact. Many sources sharing long passages (60 copies of
            one long article: 497,000 pairs, 1.2 million compared facts, 1.4 GB) would exhaust a shared
            server; past the limit, claim groups are still all found, and links and facts cover the
            claims in order up to the limit, with a message.
        max_sentences: Most body sentences in one comparison, checked after segmentation and before any
            embedding: embedding costs about 1 CPU-s per 135 distinct sentences (MiniLM int8), and every
            later stage grows with the sentence count.
        max_score_cells: Most sentence pairs that candidate generation scores: the sum over source pairs
            of n_a x n_b body sentences (about N^2 / 2 for N sentences). Measured at about 0.1 CPU-us a
            cell on 2 shared cores (60 retellings of a 33,000-character article: 95 million cells, 10
            CPU-s with linking), so the default bounds that stage near 25 CPU-s.
        max_pair_links: Most links competitive linking may make: the sum over source pairs of
            min(n_a, n_b) (each sentence is used once per source pair). Grouping and second memberships
            cost about 40 CPU-us per link (the 60 retellings: 385,000 links, 14 CPU-s), so the default
            bounds them near 25 CPU-s.
    """

    max_upload_bytes: int = 5 * 1024 * 1024
    max_sources: int = 60
    max_total_chars: int = 2_000_000
    max_article_chars: int = 400_000
    max_sentence_chars: int = 1_000
    max_passage_pairs: int = 50_000
    max_sentences: int = 20_000
    max_score_cells: int = 250_000_000
    max_pair_links: int = 600_000


DEFAULT_ALIGN = AlignConfig()
DEFAULT_LIMITS = Limits()
