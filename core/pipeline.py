"""The whole comparison: articles in, ``Comparison`` out. Pure; the UI and the CLI both call this."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.align import align_sources
from core.config import DEFAULT_ALIGN, DEFAULT_LIMITS, AlignConfig, Limits
from core.embed import CachingEmbedder, Embedder
from core.facts import compare_facts
from core.model import Article, Claim, Comparison, FactPair, Sentence
from core.segment import split_sentences

ProgressFn = Callable[[str, float], None]


class CompareError(ValueError):
    """Nothing can be compared; ``str(error)`` is a message for the user."""


def check_limits(articles: Sequence[Article], limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Problems that stop a comparison (too many sources, too much text), as user messages."""
    problems = []
    if len(articles) > limits.max_sources:
        problems.append(
            f"{len(articles)} sources loaded; at most {limits.max_sources} can be compared at once"
        )
    total = sum(len(a.text) for a in articles)
    if total > limits.max_total_chars:
        problems.append(
            f"{total:,} characters loaded; at most {limits.max_total_chars:,} can be compared at once"
        )
    return problems


@dataclass(frozen=True, slots=True)
class WorkEstimate:
    """What one comparison will cost, known after segmentation and before any embedding.

    Each stage's cost is bounded by one of these (see ``core.config.Limits`` for the measured rates):

    * embedding: ``sentences`` (at most; a sentence seen before is not embedded again);
    * candidate generation: ``score_cells``, the sentence pairs scored (sum over source pairs of
      n_a x n_b body sentences);
    * grouping and second memberships: ``pair_links``, the most links competitive linking can make
      (sum over source pairs of min(n_a, n_b));
    * links and facts: ``Limits.max_passage_pairs`` (checked while linking claims).
    """

    sources: int
    sentences: int
    score_cells: int
    pair_links: int


def estimate_work(sentences: Mapping[str, Sequence[Sentence]]) -> WorkEstimate:
    """The work of aligning these sources (body sentences only: headings are not aligned).

    Costs O(S log S) for S sources: the pair sums are taken over the sources sorted by size.
    """
    counts = sorted(sum(1 for s in sents if not s.is_heading) for sents in sentences.values())
    total = sum(counts)
    # sum_{a<b} n_a n_b = (total^2 - sum n^2) / 2; sum_{a<b} min(n_a, n_b) over ascending counts: the
    # k-th smallest is the minimum of its pairs with every larger source.
    cells = (total * total - sum(n * n for n in counts)) // 2
    links = sum(n * (len(counts) - 1 - k) for k, n in enumerate(counts))
    return WorkEstimate(len(counts), total, cells, links)


WHAT_TO_DO = (
    "compare fewer sources or shorter texts (several stories at once: one folder per story, "
    "then `python -m core batch`)"
)


def check_work(sentences: Mapping[str, Sequence[Sentence]], limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Problems that stop a comparison before any embedding: the work it needs past a limit of the work
    budget (``Limits.max_sentences``, ``max_score_cells``, ``max_pair_links``), as user messages that
    name the limit and say what to do."""
    work = estimate_work(sentences)
    problems = []
    if work.sentences > limits.max_sentences:
        problems.append(
            f"the sources hold {work.sentences:,} sentences; this server compares at most "
            f"{limits.max_sentences:,} at once"
        )
    if work.score_cells > limits.max_score_cells:
        problems.append(
            f"aligning {work.sources} sources of {work.sentences:,} sentences means scoring "
            f"{work.score_cells:,} sentence pairs; this server scores at most {limits.max_score_cells:,} "
            "in one comparison"
        )
    if work.pair_links > limits.max_pair_links:
        problems.append(
            f"{work.sources} sources of {work.sentences:,} sentences can make {work.pair_links:,} links "
            f"between source pairs; this server groups at most {limits.max_pair_links:,} in one comparison"
        )
    if problems:
        problems.append(WHAT_TO_DO)
    return problems


def segment_all(
    articles: Sequence[Article], *, limits: Limits = DEFAULT_LIMITS
) -> dict[str, tuple[Sentence, ...]]:
    return {a.source_id: split_sentences(a, limits=limits) for a in articles}


def embed_all(
    sentences: dict[str, tuple[Sentence, ...]],
    embedder: Embedder,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """One batched encode of every sentence of every source; vectors split back per source."""
    texts = [s.text for sents in sentences.values() for s in sents]
    if isinstance(embedder, CachingEmbedder):
        matrix = embedder.encode(texts, progress=progress)
    else:
        matrix = embedder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    out: dict[str, np.ndarray] = {}
    row = 0
    for sid, sents in sentences.items():
        out[sid] = matrix[row : row + len(sents)]
        row += len(sents)
    return out


def compare(
    articles: Sequence[Article],
    embedder: Embedder,
    config: AlignConfig = DEFAULT_ALIGN,
    *,
    limits: Limits = DEFAULT_LIMITS,
    with_facts: bool = True,
    progress: ProgressFn | None = None,
) -> Comparison:
    """Segments, embeds, aligns and compares facts of the given articles.

    Args:
        articles: Cleaned sources with distinct ids (at least two with text).
        embedder: Any ``Embedder``; wrap it in ``CachingEmbedder`` so re-runs embed nothing.
        config: Alignment thresholds.
        limits: Size limits.
        with_facts: Compare numbers, dates, names and quotes inside aligned passages.
        progress: Called with (stage, fraction done).

    Raises:
        CompareError: Fewer than two sources, duplicate ids, a size limit exceeded, or more work than
            the work budget allows (``check_work``, before any embedding).
    """
    _check_sources(articles, limits)
    timings: dict[str, float] = {}
    report = progress or (lambda stage, frac: None)

    t0 = time.perf_counter()
    sentences = segment_all(articles, limits=limits)
    timings["segment"] = time.perf_counter() - t0
    warnings = _check_sentences(sentences, limits)

    if with_facts:
        # Load the NER model while the sentences embed: it overlaps the one slow stage.
        threading.Thread(target=_preload_facts, daemon=True, name="preload-ner").start()

    t0 = time.perf_counter()
    report("embed", 0.0)
    vectors = embed_all(
        sentences, embedder, progress=lambda done, total: report("embed", done / max(total, 1))
    )
    timings["embed"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    report("align", 0.0)
    result = align_sources(
        sentences,
        vectors,
        texts={a.source_id: a.text for a in articles},
        config=config,
        max_links=limits.max_passage_pairs,
    )
    timings["align"] = time.perf_counter() - t0
    linked = result.claims if result.linked_claims < 0 else result.claims[: result.linked_claims]
    if len(linked) < len(result.claims):
        warnings.append(_pair_limit_note(result.claims, len(linked), limits))

    facts: tuple[FactPair, ...] = ()
    if with_facts:
        t0 = time.perf_counter()
        report("facts", 0.0)
        facts = compare_facts(articles, linked)
        timings["facts"] = time.perf_counter() - t0
    report("done", 1.0)
    return Comparison(
        articles=tuple(articles),
        sentences=sentences,
        claims=result.claims,
        links=result.links,
        unique=result.unique,
        facts=facts,
        timings=timings,
        warnings=tuple(warnings),
        compared_claims=None if result.linked_claims < 0 else result.linked_claims,
    )


def _check_sources(articles: Sequence[Article], limits: Limits) -> None:
    """Refuses duplicate names, sizes over ``limits`` and fewer than two sources (``CompareError``)."""
    ids = [a.source_id for a in articles]
    if len(set(ids)) != len(ids):
        raise CompareError("two sources have the same name; rename one")
    problems = check_limits(articles, limits)
    if problems:
        raise CompareError("; ".join(problems))
    if len(articles) < 2:
        raise CompareError("load at least two sources to compare")


def _check_sentences(sentences: dict[str, tuple[Sentence, ...]], limits: Limits) -> list[str]:
    """Refuses too little to compare and more work than the budget allows, before the first costly stage
    (the message names the limit and what to do); returns notes on sources without sentences."""
    warnings = [f"{sid}: no sentences found" for sid, sents in sentences.items() if not sents]
    if sum(1 for sents in sentences.values() if any(not s.is_heading for s in sents)) < 2:
        raise CompareError("fewer than two sources have any sentence to compare")
    problems = check_work(sentences, limits)
    if problems:
        raise CompareError("; ".join(problems))
    return warnings


def _pair_limit_note(claims: Sequence[Claim], linked: int, limits: Limits) -> str:
    pairs = sum(len(c.passages) * (len(c.passages) - 1) // 2 for c in claims)
    return (
        f"{len(claims)} claim groups make {pairs:,} pairs of aligned passages, more than the "
        f"{limits.max_passage_pairs:,} this server compares: passage pairs and facts cover claims "
        f"#1-#{linked} only. Compare fewer sources to see them all."
    )


def _preload_facts() -> None:
    from core.facts.names import get_nlp  # noqa: PLC0415 - heavy; loaded once, off the main path

    get_nlp()
