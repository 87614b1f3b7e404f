"""Pairwise links between two sources: candidate pairs scored by ratio margin, then competitive linking.

Each candidate pair is scored by cosine + ``lexical_weight`` x TF-IDF cosine (minus a penalty when a
question meets a statement) and by how much that score stands out from both sentences' k nearest
neighbours in the other source (the ratio margin of LASER / Vecalign bitext mining). Merges of two adjacent
sentences of one paragraph are candidates too (one-to-two and two-to-one). Linking is greedy by margin with
each sentence used once per source pair (competitive linking: mutual best in effect, no order assumption),
then a link may grow by an adjacent sentence whose own best partner lies inside it (one-to-three).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from core.align.lexical import Array, LexicalBlocks, PairLexical
from core.align.units import Story, Units
from core.config import AlignConfig

# Cells of one source pair's score matrices held at once: a pair of 400,000-character articles (4,400 x
# 4,400 sentences) is scored in strips of rows instead of full matrices (2.1 GB before, ~0.2 GB now).
PAIR_CHUNK_CELLS = 1_000_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored pair of passages: positions ``a_first..a_last`` in source A's units, ``b_first..b_last``
    in B's."""

    score: float
    a_first: int
    a_last: int
    b_first: int
    b_last: int
    similarity: float
    margin: float
    lexical: float


@dataclass(frozen=True, slots=True)
class PairScores:
    """Candidates of one source pair and each sentence's best partner (for the extension pass)."""

    candidates: list[Candidate]
    best_a: Array  # (n_a,) B position of each A sentence's most similar B sentence
    best_a_sim: Array
    best_b: Array  # (n_b,) the same for B's sentences
    best_b_sim: Array


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Every source pair's links as arrays, not objects (60 sources sharing long passages make half a
    million): ``floats`` rows are (score, margin); ``ints`` rows are (source A position, source B
    position, a_first, a_last, b_first, b_last) with positions in the sources' units."""

    floats: Array
    ints: Array


def _top_k(m: Array, k: int, axis: int) -> Array:
    """The k largest values along ``axis``, sorted (so means do not depend on how rows were chunked)."""
    k = max(1, min(k, m.shape[axis]))
    part = -np.partition(-m, k - 1, axis=axis)
    out: Array = np.sort(part.take(range(k), axis=axis), axis=axis)
    return out


# Dense products are computed in fixed blocks of this many rows and rounded to ``SCORE_DECIMALS``, whatever
# the strip size. BLAS rounds a dot product differently depending on the shape of the matrices it is part
# of, so two cells that tie in exact arithmetic (verbatim duplicates, sentences sharing the same words)
# came out in a different order with strips of another size; with fixed blocks a cell's value never
# depends on how the work was chunked, and after rounding, equal scores are broken by position.
ROW_BLOCK = 16
SCORE_DECIMALS = 6


class _BlockedProduct:
    """``rows[lo:hi] @ other.T`` assembled from fixed blocks of ``ROW_BLOCK`` rows (each computed once
    while it is in use: consecutive strips share at most one block)."""

    def __init__(self, rows: Array, other: Array) -> None:
        self.rows, self.other = rows, other
        self.cache: dict[int, Array] = {}

    def _block(self, k: int) -> Array:
        hit = self.cache.get(k)
        if hit is None:
            block = self.rows[k * ROW_BLOCK : (k + 1) * ROW_BLOCK] @ self.other.T
            hit = np.round(block, SCORE_DECIMALS)
            self.cache = {k - 1: self.cache[k - 1]} if k - 1 in self.cache else {}
            self.cache[k] = hit
        return hit

    def __call__(self, lo: int, hi: int) -> Array:
        if hi <= lo:
            return np.zeros((0, self.other.shape[0]), dtype=self.rows.dtype)
        first, last = lo // ROW_BLOCK, (hi - 1) // ROW_BLOCK
        parts = [self._block(k) for k in range(first, last + 1)]
        whole = parts[0] if len(parts) == 1 else np.vstack(parts)
        out: Array = whole[lo - first * ROW_BLOCK : hi - first * ROW_BLOCK]
        return out


class _PairScorer:
    """Score matrices of one source pair, strip by strip of A's rows."""

    def __init__(self, a: Units, b: Units, lexical: PairLexical, config: AlignConfig) -> None:
        self.a, self.b, self.lexical, self.config = a, b, lexical, config
        self.cosine = _BlockedProduct(a.dense, b.dense)
        self.merged_a_cosine = _BlockedProduct(a.merged_dense, b.dense)
        self.merged_b_cosine = _BlockedProduct(a.dense, b.merged_dense)  # transposed: (n_a, n_b - 1)

    def scores(self, lo: int, hi: int) -> tuple[Array, Array, Array]:
        """(cosine, lexical, combined) of A's sentences lo..hi-1 against all of B's."""
        cos = self.cosine(lo, hi)
        # A retelling rarely turns a statement into a question: rhetorical questions are commentary.
        mismatch = self.a.questions[lo:hi, None] != self.b.questions[None, :]
        cos = cos - self.config.question_penalty * mismatch
        lex = self.lexical.one_to_one(lo, hi)
        return cos, lex, cos + self.config.lexical_weight * lex


@dataclass(frozen=True, slots=True)
class _Neighbourhood:
    """Pass 1 of a source pair: the margin's neighbourhood means, score maxima and best partners."""

    knn_a: Array  # (n,) mean of each A sentence's k best combined scores
    knn_b: Array  # (m,)
    row_max: Array
    col_max: Array
    best_a: Array
    best_a_sim: Array
    best_b: Array
    best_b_sim: Array


def _neighbourhood(scorer: _PairScorer, step: int) -> _Neighbourhood:
    n, m = len(scorer.a.sentences), len(scorer.b.sentences)
    k = scorer.config.neighbours
    knn_a = np.empty(n)
    row_max = np.empty(n)
    best_a = np.empty(n, dtype=np.intp)
    best_a_sim = np.empty(n)
    col_top: Array | None = None
    col_max = np.full(m, -np.inf)
    best_b = np.zeros(m, dtype=np.intp)
    best_b_sim = np.full(m, -np.inf)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        cos, _, comb = scorer.scores(lo, hi)
        knn_a[lo:hi] = _top_k(comb, k, axis=1).mean(axis=1)
        row_max[lo:hi] = comb.max(axis=1)
        best_a[lo:hi] = np.argmax(cos, axis=1)
        best_a_sim[lo:hi] = cos[np.arange(hi - lo), best_a[lo:hi]]
        col_top = _top_k(comb if col_top is None else np.vstack([col_top, comb]), k, axis=0)
        col_max = np.maximum(col_max, comb.max(axis=0))
        arg = np.argmax(cos, axis=0)
        val = cos[arg, np.arange(m)]
        better = val > best_b_sim  # strictly: the first row wins a tie, as np.argmax does
        best_b[better], best_b_sim[better] = arg[better] + lo, val[better]
    knn_b = col_top.mean(axis=0) if col_top is not None else np.zeros(m)
    return _Neighbourhood(knn_a, knn_b, row_max, col_max, best_a, best_a_sim, best_b, best_b_sim)


def _emit(
    out: list[Candidate],
    mask: Array,
    values: tuple[Array, Array, Array],
    ranges: Callable[[int, int], tuple[int, int, int, int]],
) -> None:
    """Appends a candidate for every True cell of ``mask``: its (margin, cosine, lexical) from
    ``values`` and its (a_first, a_last, b_first, b_last) from ``ranges(row, column)``."""
    margin, cos, lex = values
    for r, c in zip(*np.nonzero(mask), strict=True):
        a_first, a_last, b_first, b_last = ranges(int(r), int(c))
        m = float(margin[r, c])
        out.append(Candidate(m, a_first, a_last, b_first, b_last, float(cos[r, c]), m, float(lex[r, c])))


def _merge_ok(  # noqa: PLR0917 - the merge rule's inputs, named
    mcos: Array,
    mcomb: Array,
    mmargin: Array,
    best_part: Array,
    both_related: Array,
    config: AlignConfig,
) -> Array:
    """A merged pair is a candidate when it beats both of its sentences alone by ``merge_gain``, both
    sentences relate to the other side, and it passes the one-to-one floors."""
    ok: Array = (
        (mcomb >= best_part + config.merge_gain)
        & both_related
        & (mcos >= config.min_similarity)
        & (
            ((mmargin >= config.min_margin) & (mcomb >= config.min_score))
            | (mcos >= config.strong_similarity)
        )
    )
    return ok


def _one_to_one(
    out: list[Candidate], nb: _Neighbourhood, lo: int, strip: tuple[Array, Array, Array], config: AlignConfig
) -> None:
    """One-to-one candidates of A's rows lo.. (the strip's (cosine, lexical, combined) scores)."""
    cos, lex, comb = strip
    hi = lo + cos.shape[0]
    denom = np.maximum((nb.knn_a[lo:hi, None] + nb.knn_b[None, :]) / 2.0, 1e-6)
    margin = comb / denom
    # Mutual best pairs (each is the other's nearest in this source pair) may score a little lower.
    mutual = (comb == nb.row_max[lo:hi, None]) & (comb == nb.col_max[None, :])
    floor = np.where(mutual, config.min_score_mutual, config.min_score)
    ok = (cos >= config.min_similarity) & (
        ((margin >= config.min_margin) & (comb >= floor)) | (cos >= config.strong_similarity)
    )
    _emit(out, ok, (margin, cos, lex), lambda i, j: (lo + i, lo + i, j, j))


def _merged_a(
    out: list[Candidate],
    scorer: _PairScorer,
    nb: _Neighbourhood,
    strip_x: tuple[Array, ...],
    *,
    lo: int,
    hi: int,
) -> None:
    """A's sentences i and i+1 merged, for i in lo..hi-1 (and i+1 < n), against B's sentences.
    ``strip_x`` holds the (cosine, combined) scores of A's rows lo..hi (one row more than the strip)."""
    a, b, config = scorer.a, scorer.b, scorer.config
    mhi = min(hi, len(a.sentences) - 1)
    if mhi <= lo:
        return
    cos_x, comb_x = strip_x
    t = mhi - lo
    q_a_merged = a.questions[:-1] | a.questions[1:]
    mcos = scorer.merged_a_cosine(lo, mhi) - config.question_penalty * (
        q_a_merged[lo:mhi, None] != b.questions[None, :]
    )
    mlex = scorer.lexical.merged_a(lo, mhi)
    mcomb = mcos + config.lexical_weight * mlex
    best_part = np.maximum(comb_x[:t], comb_x[1 : t + 1])
    both_related = np.minimum(cos_x[:t], cos_x[1 : t + 1]) >= config.min_similarity - 0.1
    knn_merged = (nb.knn_a[lo:mhi] + nb.knn_a[lo + 1 : mhi + 1]) / 2.0
    mmargin = mcomb / np.maximum((knn_merged[:, None] + nb.knn_b[None, :]) / 2.0, 1e-6)
    good = _merge_ok(mcos, mcomb, mmargin, best_part, both_related, config)
    _emit(out, good, (mmargin, mcos, mlex), lambda i, j: (lo + i, lo + i + 1, j, j))


def _merged_b(
    out: list[Candidate],
    scorer: _PairScorer,
    nb: _Neighbourhood,
    strip: tuple[Array, ...],
    *,
    lo: int,
    hi: int,
) -> None:
    """B's sentences j and j+1 merged, against A's sentences lo..hi-1 (the strip's (cosine, combined))."""
    a, b, config = scorer.a, scorer.b, scorer.config
    if len(b.sentences) < 2:
        return
    cos, comb = strip
    q_b_merged = b.questions[:-1] | b.questions[1:]
    mcos = scorer.merged_b_cosine(lo, hi).T - config.question_penalty * (
        q_b_merged[:, None] != a.questions[None, lo:hi]
    )
    mlex = scorer.lexical.merged_b(lo, hi)
    mcomb = mcos + config.lexical_weight * mlex
    part, part_cos = comb.T, cos.T  # (m, hi-lo)
    best_part = np.maximum(part[:-1], part[1:])
    both_related = np.minimum(part_cos[:-1], part_cos[1:]) >= config.min_similarity - 0.1
    knn_merged = (nb.knn_b[:-1] + nb.knn_b[1:]) / 2.0
    mmargin = mcomb / np.maximum((knn_merged[:, None] + nb.knn_a[None, lo:hi]) / 2.0, 1e-6)
    good = _merge_ok(mcos, mcomb, mmargin, best_part, both_related, config)
    _emit(out, good, (mmargin, mcos, mlex), lambda j, i: (lo + i, lo + i, j, j + 1))


def pair_candidates(
    a: Units, b: Units, config: AlignConfig, lexical: PairLexical, *, chunk_cells: int = PAIR_CHUNK_CELLS
) -> PairScores:
    """Scores one-to-one and (if enabled) merged candidates between two sources.

    Scores are computed in strips of A's rows (``chunk_cells`` cells at once): a first pass gathers the
    neighbourhood statistics of the ratio margin (k nearest of every row and column) and the row and
    column maxima, a second pass scores candidates. Strips are whole blocks of ``ROW_BLOCK`` rows (the
    products are computed block by block), so any strip size gives exactly the same candidates.
    """
    scorer = _PairScorer(a, b, lexical, config)
    n, m = len(a.sentences), len(b.sentences)
    step = max(1, chunk_cells // max(m, 1) // ROW_BLOCK) * ROW_BLOCK
    nb = _neighbourhood(scorer, step)
    # Candidates: one-to-one, then A's merged pairs, then B's (the order ties are broken in).
    one: list[Candidate] = []
    merged_a: list[Candidate] = []
    merged_b: list[Candidate] = []
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        ext = min(n, hi + 1)  # one row more: A's merged pair hi-1 + hi needs row hi
        cos_x, lex_x, comb_x = scorer.scores(lo, ext)
        cos, lex, comb = cos_x[: hi - lo], lex_x[: hi - lo], comb_x[: hi - lo]
        _one_to_one(one, nb, lo, (cos, lex, comb), config)
        if not config.allow_merges:
            continue
        _merged_a(merged_a, scorer, nb, (cos_x, comb_x), lo=lo, hi=hi)
        _merged_b(merged_b, scorer, nb, (cos, comb), lo=lo, hi=hi)
    return PairScores(one + merged_a + merged_b, nb.best_a, nb.best_a_sim, nb.best_b, nb.best_b_sim)


def _greedy(candidates: list[Candidate]) -> tuple[list[Candidate], dict[int, int], dict[int, int]]:
    """Competitive linking: best first, each sentence used once. Returns the links and, per side, which
    link owns each sentence position."""
    ordered = sorted(candidates, key=lambda c: (-c.score, -c.similarity, c.a_first, c.b_first))
    owner_a: dict[int, int] = {}
    owner_b: dict[int, int] = {}
    chosen: list[Candidate] = []
    for c in ordered:
        ra = range(c.a_first, c.a_last + 1)
        rb = range(c.b_first, c.b_last + 1)
        if any(i in owner_a for i in ra) or any(j in owner_b for j in rb):
            continue
        for i in ra:
            owner_a[i] = len(chosen)
        for j in rb:
            owner_b[j] = len(chosen)
        chosen.append(c)
    return chosen, owner_a, owner_b


def _extend_side(  # noqa: PLR0917 - one side of one link, named
    link: Candidate,
    side: str,
    owner: dict[int, int],
    joinable: Array,
    best: tuple[Array, Array],
    config: AlignConfig,
) -> tuple[Candidate, int] | None:
    """The link grown by one free adjacent sentence of ``side`` (same paragraph) whose own best partner
    in the other source lies inside the link, and that sentence's position; None when none qualifies."""
    first, last = (link.a_first, link.a_last) if side == "a" else (link.b_first, link.b_last)
    if last - first + 1 >= config.max_group_sentences:
        return None
    best_of, best_sim = best
    lo, hi = (link.b_first, link.b_last) if side == "a" else (link.a_first, link.a_last)
    for i, ok in (
        (first - 1, first >= 1 and joinable[first - 1]),
        (last + 1, last + 1 < len(best_of) and joinable[last]),
    ):
        if not ok or i in owner:
            continue
        partner = int(best_of[i])
        if lo <= partner <= hi and best_sim[i] >= config.min_similarity:
            new_first, new_last = min(first, i), max(last, i)
            if side == "a":
                return replace(link, a_first=new_first, a_last=new_last), i
            return replace(link, b_first=new_first, b_last=new_last), i
    return None


def competitive_links(pair: PairScores, a: Units, b: Units, config: AlignConfig) -> list[Candidate]:
    """Greedy one-use-per-sentence linking by descending score (mutual-best in effect).

    A second pass extends a chosen link by an adjacent sentence of the same paragraph whose own best
    partner is already in that link ("A UN report..." + "Over 300,000..." against one sentence), so
    one-to-many splits longer than a pair are found too.
    """
    chosen, owner_a, owner_b = _greedy(pair.candidates)
    sides = (
        ("a", owner_a, a.joinable, (pair.best_a, pair.best_a_sim)),
        ("b", owner_b, b.joinable, (pair.best_b, pair.best_b_sim)),
    )
    changed = True
    while changed:
        changed = False
        for k in range(len(chosen)):
            link = chosen[k]
            for side, owner, joinable, best in sides:
                grown = _extend_side(link, side, owner, joinable, best, config)
                if grown is not None:
                    chosen[k], i = grown
                    owner[i] = k
                    changed = True
    return chosen


def link_source_pairs(story: Story, config: AlignConfig, *, chunk_cells: int = PAIR_CHUNK_CELLS) -> LinkTable:
    """Scores and links every pair of sources (each pair on its own, in strips of rows).

    Args:
        story: The sources' units.
        config: Thresholds.
        chunk_cells: Most cells of one source pair's score matrices held at once.
    """
    link_floats: list[Array] = []
    link_ints: list[Array] = []
    order, units = story.order, story.units
    blocks = LexicalBlocks(units, order)
    for ai, sa in enumerate(order):
        for bi in range(ai + 1, len(order)):
            sb = order[bi]
            if not units[sa].sentences or not units[sb].sentences:
                continue
            scored = pair_candidates(
                units[sa], units[sb], config, blocks.pair(sa, sb), chunk_cells=chunk_cells
            )
            chosen = competitive_links(scored, units[sa], units[sb], config)
            if chosen:
                link_floats.append(np.array([(c.score, c.margin) for c in chosen], dtype=np.float64))
                link_ints.append(
                    np.array(
                        [(ai, bi, c.a_first, c.a_last, c.b_first, c.b_last) for c in chosen], dtype=np.int64
                    )
                )
    floats = np.concatenate(link_floats) if link_floats else np.zeros((0, 2))
    ints = np.concatenate(link_ints) if link_ints else np.zeros((0, 6), dtype=np.int64)
    return LinkTable(floats, ints)
