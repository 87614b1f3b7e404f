"""The whole comparison: articles in, ``Comparison`` out. Pure; the UI and the CLI both call this."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from core.align import align_sources
from core.config import DEFAULT_ALIGN, DEFAULT_LIMITS, AlignConfig, Limits
from core.embed import CachingEmbedder, Embedder
from core.facts import compare_facts
from core.model import Article, Comparison, FactPair, Sentence
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
        CompareError: Fewer than two sources, duplicate ids, or a limit exceeded.
    """
    ids = [a.source_id for a in articles]
    if len(set(ids)) != len(ids):
        raise CompareError("two sources have the same name; rename one")
    problems = check_limits(articles, limits)
    if problems:
        raise CompareError("; ".join(problems))
    if len(articles) < 2:
        raise CompareError("load at least two sources to compare")
    timings: dict[str, float] = {}
    report = progress or (lambda stage, frac: None)

    t0 = time.perf_counter()
    sentences = segment_all(articles, limits=limits)
    timings["segment"] = time.perf_counter() - t0
    warnings = [f"{sid}: no sentences found" for sid, sents in sentences.items() if not sents]
    if sum(1 for sents in sentences.values() if any(not s.is_heading for s in sents)) < 2:
        raise CompareError("fewer than two sources have any sentence to compare")

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
        pairs = sum(len(c.passages) * (len(c.passages) - 1) // 2 for c in result.claims)
        warnings.append(
            f"{len(result.claims)} claim groups make {pairs:,} pairs of aligned passages, more than the "
            f"{limits.max_passage_pairs:,} this server compares: passage pairs and facts cover claims "
            f"#1-#{len(linked)} only. Compare fewer sources to see them all."
        )

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


def _preload_facts() -> None:
    from core.facts.names import get_nlp  # noqa: PLC0415 - heavy; loaded once, off the main path

    get_nlp()
