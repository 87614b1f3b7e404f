"""Pairwise links between sources: candidate pairs scored by ratio margin, then competitive linking.

Each candidate pair is scored by cosine + ``lexical_weight`` x TF-IDF cosine (minus a penalty when a
question meets a statement) and by how much that score stands out from both sentences' k nearest
neighbours in the other source (the ratio margin of LASER / Vecalign bitext mining). Merges of two adjacent
sentences of one paragraph are candidates too (one-to-two and two-to-one). Linking is greedy by margin with
each sentence used once per source pair (competitive linking: mutual best in effect, no order assumption),
then a link may grow by an adjacent sentence whose own best partner lies inside it (one-to-three).

Cost. Every source pair is scored, but not pair by pair: each source's sentences are scored against the
stacked sentences of all later sources at once (one matrix product per strip of rows, so the work is one
pass over the upper triangle of the story's sentence-by-sentence matrix, N^2/2 cells), and every statistic
the margin needs (k nearest and best partner of a sentence in each other source) comes from that pass. A
merged pair's cosine and lexical score follow from its parts' (the merged vector is the normalised sum:
cos(a + b, c) = (cos(a, c) + cos(b, c)) / |a + b|), so merges need no products of their own. Only cells
that can still become candidates (cosine and score above the floors) are kept; the margin is applied once
both sides' neighbourhoods are known, and each source pair's candidates are linked on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.align.lexical import Array
from core.align.units import Story, Units
from core.config import AlignConfig

# Cells of one strip of score matrices (rows of one source x columns of all later sources) held at once.
PAIR_CHUNK_CELLS = 2_000_000
# Dense products are computed in fixed blocks of this many rows and rounded to ``SCORE_DECIMALS``,
# whatever the strip size. BLAS rounds a dot product differently depending on the shape of the matrices it
# is part of, so two cells that tie in exact arithmetic (verbatim duplicates, sentences sharing the same
# words) came out in a different order with strips of another size; with fixed blocks a cell's value
# never depends on how the work was chunked, and after rounding, equal scores are broken by position.
ROW_BLOCK = 128
SCORE_DECIMALS = 6
# Candidate kinds, in the order ties are broken: one-to-one, A's two sentences merged, B's merged.
ONE, MERGED_A, MERGED_B = 0, 1, 2


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Every source pair's links as arrays, not objects (60 sources sharing long passages make half a
    million): ``floats`` rows are (score, margin); ``ints`` rows are (source A position, source B
    position, a_first, a_last, b_first, b_last) with positions in the sources' units."""

    floats: Array
    ints: Array


@dataclass(frozen=True, slots=True)
class _Stacked:
    """Story-wide arrays, one row per body sentence, sources stacked in order."""

    dense: Array  # (N, d) unit rows
    lexical: sparse.csr_matrix  # (N, V) unit rows
    bounds: Array  # (S + 1,) first row of each source position, then N
    questions: Array  # (N,) bool
    joinable: Array  # (N,) bool: row r and r + 1 are one paragraph of one source
    merged_questions: Array  # (N,) bool: row r or r + 1 is a question
    dense_scale: Array  # (N,) 1 / |dense[r] + dense[r + 1]| where joinable, else 0
    lexical_scale: Array  # (N,) 1 / |lexical[r] + lexical[r + 1]| where joinable and non-zero, else 0


def _stack(story: Story) -> _Stacked:
    n = story.dense.shape[0]
    bounds = np.array([story.offset[sid] for sid in story.order] + [n], dtype=np.intp)
    questions = np.zeros(n, dtype=bool)
    joinable = np.zeros(n, dtype=bool)
    for sid in story.order:
        u, lo = story.units[sid], story.offset[sid]
        questions[lo : lo + len(u.sentences)] = u.questions
        joinable[lo : lo + len(u.joinable)] = u.joinable
    merged_q = questions | np.append(questions[1:], False)
    dense = story.dense.astype(np.float64)
    sq = np.einsum("ij,ij->i", dense, dense)
    nxt = np.einsum("ij,ij->i", dense[:-1], dense[1:]) if n > 1 else np.zeros(0)
    dense_norm = np.sqrt(np.maximum(sq[:-1] + sq[1:] + 2 * nxt, 0.0)) if n > 1 else np.zeros(0)
    lex = story.lexical
    lsq = np.asarray(lex.multiply(lex).sum(axis=1)).ravel()
    lnxt = np.asarray(lex[:-1].multiply(lex[1:]).sum(axis=1)).ravel() if n > 1 else np.zeros(0)
    lex_norm = np.sqrt(np.maximum(lsq[:-1] + lsq[1:] + 2 * lnxt, 0.0)) if n > 1 else np.zeros(0)

    def scale(norm: Array) -> Array:
        out = np.zeros(n)
        ok = joinable[:-1] & (norm > 1e-9) if n > 1 else np.zeros(0, dtype=bool)
        out[:-1][ok] = 1.0 / norm[ok]
        return out

    return _Stacked(
        story.dense, lex, bounds, questions, joinable, merged_q, scale(dense_norm), scale(lex_norm)
    )


def _top_k(m: Array, k: int, axis: int) -> Array:
    """The k largest values along ``axis``, sorted (so means do not depend on how rows were chunked)."""
    k = max(1, min(k, m.shape[axis]))
    part = -np.partition(-m, k - 1, axis=axis)
    out: Array = np.sort(part.take(range(k), axis=axis), axis=axis)
    return out


class _Blocks:
    """Rounded cosines ``dense[rows] @ dense[cols].T`` assembled from fixed blocks of ``ROW_BLOCK`` rows
    counted from ``first`` and cut at ``end`` (each block computed once while in use: consecutive strips
    share one). Blocks stop at the source's last row: a source of 18 sentences among 200 computed
    128-row blocks before, 7x the products it needed (syn:200: 3.8 of 10.8 CPU-s)."""

    def __init__(self, dense: Array, first: int, end: int, cols: Array) -> None:
        self.dense, self.first, self.end, self.cols_t = dense, first, end, cols.T
        self.cache: dict[int, Array] = {}

    def _block(self, k: int) -> Array:
        hit = self.cache.get(k)
        if hit is None:
            lo = self.first + k * ROW_BLOCK
            hi = min(lo + ROW_BLOCK, self.end)
            hit = np.round(self.dense[lo:hi] @ self.cols_t, SCORE_DECIMALS)
            self.cache = {k - 1: self.cache[k - 1]} if k - 1 in self.cache else {}
            self.cache[k] = hit
        return hit

    def __call__(self, lo: int, hi: int) -> Array:
        first, last = (lo - self.first) // ROW_BLOCK, (hi - 1 - self.first) // ROW_BLOCK
        parts = [self._block(k) for k in range(first, last + 1)]
        whole = parts[0] if len(parts) == 1 else np.vstack(parts)
        start = lo - self.first - first * ROW_BLOCK
        out: Array = whole[start : start + hi - lo]
        return out


@dataclass(slots=True)
class _Kept:
    """Cells of one source A against later sources that may still become candidates (all but the margin
    test passed): absolute row and column, kind, cosine, lexical and combined score."""

    rows: list[Array]
    cols: list[Array]
    kinds: list[Array]
    cos: list[Array]
    lex: list[Array]
    comb: list[Array]

    def add(self, kind: int, rows: Array, cols: Array, values: tuple[Array, Array, Array]) -> None:
        self.rows.append(rows)
        self.cols.append(cols)
        self.kinds.append(np.full(len(rows), kind, dtype=np.int8))
        self.cos.append(values[0])
        self.lex.append(values[1])
        self.comb.append(values[2])


@dataclass(slots=True)
class _Stats:
    """Neighbourhoods of source A's rows in each later source (``rows``: A's rows x later sources) and
    of the later sources' columns in A (``cols``)."""

    knn_row: Array  # (n_a, n_later) mean of the k best combined scores in that source
    max_row: Array
    best_row: Array  # (n_a, n_later) column (absolute row) of the most similar sentence by cosine
    best_row_sim: Array
    col_top: Array | None  # (<=k, n_cols) the k best combined scores over A's rows so far
    max_col: Array
    best_col: Array  # (n_cols,) A's row (absolute) most similar by cosine (first one wins a tie)
    best_col_sim: Array


class _SourceScan:
    """Source A (position ``a``) scored against all later sources, strip by strip of A's rows."""

    def __init__(self, stk: _Stacked, a: int, config: AlignConfig) -> None:
        self.stk, self.a, self.config = stk, a, config
        self.ra, self.rb = int(stk.bounds[a]), int(stk.bounds[a + 1])
        self.n = int(stk.bounds[-1])
        self.seg = stk.bounds[a + 1 :] - self.rb  # later sources' column offsets, then n_cols
        n_a, n_cols, n_later = self.rb - self.ra, self.n - self.rb, len(self.seg) - 1
        self.cosines = _Blocks(stk.dense, self.ra, self.rb, stk.dense[self.rb :])
        self.lex_t = stk.lexical[self.rb :].T.tocsc()
        self.stats = _Stats(
            np.zeros((n_a, n_later)),
            np.full((n_a, n_later), -np.inf),
            np.zeros((n_a, n_later), dtype=np.intp),
            np.full((n_a, n_later), -np.inf),
            None,
            np.full(n_cols, -np.inf),
            np.zeros(n_cols, dtype=np.intp),
            np.full(n_cols, -np.inf),
        )
        self.kept = _Kept([], [], [], [], [], [])

    def scores(self, lo: int, hi: int) -> tuple[Array, Array, Array, Array]:
        """(raw cosine, cosine with the question penalty, lexical, combined) of rows lo..hi-1."""
        stk, cfg = self.stk, self.config
        raw = self.cosines(lo, hi)
        mismatch = stk.questions[lo:hi, None] != stk.questions[None, self.rb :]
        cos = raw - cfg.question_penalty * mismatch
        lex = np.asarray((stk.lexical[lo:hi] @ self.lex_t).toarray())
        return raw, cos, lex, cos + cfg.lexical_weight * lex

    def run(self, step: int) -> None:
        for lo in range(self.ra, self.rb, step):
            hi = min(self.rb, lo + step)
            ext = min(self.rb, hi + 1)  # one row more: the merged pair hi-1 + hi needs row hi
            raw, cos, lex, comb = self.scores(lo, ext)
            t = hi - lo
            self._row_stats(lo, cos[:t], comb[:t])
            self._col_stats(lo, cos[:t], comb[:t])
            self._keep_one_to_one(lo, cos[:t], lex[:t], comb[:t])
            if self.config.allow_merges:
                self._keep_merged_a(lo, hi, (raw, cos, lex, comb))
                self._keep_merged_b(lo, (raw[:t], cos[:t], lex[:t], comb[:t]))

    def _row_stats(self, lo: int, cos: Array, comb: Array) -> None:
        st, k = self.stats, self.config.neighbours
        r = slice(lo - self.ra, lo - self.ra + cos.shape[0])
        for b in range(len(self.seg) - 1):
            c0, c1 = int(self.seg[b]), int(self.seg[b + 1])
            if c1 == c0:
                continue
            st.knn_row[r, b] = _top_k(comb[:, c0:c1], k, axis=1).mean(axis=1)
            st.max_row[r, b] = comb[:, c0:c1].max(axis=1)
            arg = np.argmax(cos[:, c0:c1], axis=1)
            st.best_row[r, b] = arg + c0 + self.rb
            st.best_row_sim[r, b] = cos[np.arange(cos.shape[0]), arg + c0]

    def _col_stats(self, lo: int, cos: Array, comb: Array) -> None:
        st, k = self.stats, self.config.neighbours
        st.col_top = _top_k(comb if st.col_top is None else np.vstack([st.col_top, comb]), k, axis=0)
        st.max_col = np.maximum(st.max_col, comb.max(axis=0))
        arg = np.argmax(cos, axis=0)
        val = cos[arg, np.arange(cos.shape[1])]
        better = val > st.best_col_sim  # strictly: the first row wins a tie, as np.argmax does
        st.best_col[better], st.best_col_sim[better] = arg[better] + lo, val[better]

    def _keep_one_to_one(self, lo: int, cos: Array, lex: Array, comb: Array) -> None:
        cfg = self.config
        floor = min(cfg.min_score, cfg.min_score_mutual)
        ok = (cos >= cfg.min_similarity) & ((comb >= floor) | (cos >= cfg.strong_similarity))
        r, c = np.nonzero(ok)
        self.kept.add(ONE, r + lo, c + self.rb, (cos[r, c], lex[r, c], comb[r, c]))

    def _merge_cells(self, parts: tuple[Array, Array], related: Array, merged: tuple[Array, Array]) -> Array:
        """Which cells pass every merge rule but the margin: both parts related to the other side, the
        merge beats its better part by ``merge_gain``, and the one-to-one floors."""
        cfg = self.config
        mcos, mcomb = merged
        ok: Array = (
            related
            & (mcomb >= np.maximum(parts[0], parts[1]) + cfg.merge_gain)
            & (mcos >= cfg.min_similarity)
            & ((mcomb >= cfg.min_score) | (mcos >= cfg.strong_similarity))
        )
        return ok

    def _keep_merged_a(self, lo: int, hi: int, scores: tuple[Array, Array, Array, Array]) -> None:
        """A's rows r and r + 1 (one paragraph) merged, for r in lo..hi-1, against later sentences."""
        stk, cfg = self.stk, self.config
        raw, cos, lex, comb = scores
        t = min(hi, self.rb - 1) - lo
        if t <= 0:
            return
        joinable = stk.joinable[lo : lo + t, None]
        related = joinable & (np.minimum(cos[:t], cos[1 : t + 1]) >= cfg.min_similarity - 0.1)
        r, c = np.nonzero(related)
        if not len(r):
            return
        rows = r + lo
        mismatch = stk.merged_questions[rows] != stk.questions[c + self.rb]
        mcos = np.round((raw[r, c] + raw[r + 1, c]) * stk.dense_scale[rows], SCORE_DECIMALS)
        mcos = mcos - cfg.question_penalty * mismatch
        mlex = (lex[r, c] + lex[r + 1, c]) * stk.lexical_scale[rows]
        mcomb = mcos + cfg.lexical_weight * mlex
        ok = self._merge_cells((comb[r, c], comb[r + 1, c]), np.ones(len(r), dtype=bool), (mcos, mcomb))
        self.kept.add(MERGED_A, rows[ok], c[ok] + self.rb, (mcos[ok], mlex[ok], mcomb[ok]))

    def _keep_merged_b(self, lo: int, scores: tuple[Array, Array, Array, Array]) -> None:
        """Later sources' columns c and c + 1 (one paragraph) merged, against A's rows."""
        stk, cfg = self.stk, self.config
        raw, cos, lex, comb = scores
        joinable = stk.joinable[self.rb : self.n - 1][None, :]
        related = joinable & (np.minimum(cos[:, :-1], cos[:, 1:]) >= cfg.min_similarity - 0.1)
        r, c = np.nonzero(related)
        if not len(r):
            return
        cols = c + self.rb
        mismatch = stk.merged_questions[cols] != stk.questions[r + lo]
        mcos = np.round((raw[r, c] + raw[r, c + 1]) * stk.dense_scale[cols], SCORE_DECIMALS)
        mcos = mcos - cfg.question_penalty * mismatch
        mlex = (lex[r, c] + lex[r, c + 1]) * stk.lexical_scale[cols]
        mcomb = mcos + cfg.lexical_weight * mlex
        ok = self._merge_cells((comb[r, c], comb[r, c + 1]), np.ones(len(r), dtype=bool), (mcos, mcomb))
        self.kept.add(MERGED_B, r[ok] + lo, cols[ok], (mcos[ok], mlex[ok], mcomb[ok]))


@dataclass(frozen=True, slots=True)
class _Candidates:
    """One source pair's candidates (positions within each source's units) and best partners."""

    score: Array
    sim: Array
    kind: Array
    a_first: Array
    a_last: Array
    b_first: Array
    b_last: Array
    best_a: Array  # (n_a,) B position of each A sentence's most similar B sentence
    best_a_sim: Array
    best_b: Array  # (n_b,) A position of each B sentence's most similar A sentence
    best_b_sim: Array


def _margins(scan: _SourceScan) -> tuple[Array, Array, Array, Array, Array]:
    """(rows, cols, kinds, score = margin, cosine) of the kept cells that pass the margin rules."""
    cfg, st, kept = scan.config, scan.stats, scan.kept
    rows, cols = np.concatenate(kept.rows), np.concatenate(kept.cols)
    kinds, cos, comb = np.concatenate(kept.kinds), np.concatenate(kept.cos), np.concatenate(kept.comb)
    col_pos = cols - scan.rb
    seg = np.searchsorted(scan.seg, col_pos, side="right") - 1  # later source of each column
    ri = rows - scan.ra
    knn_col = st.col_top.mean(axis=0) if st.col_top is not None else np.zeros(len(st.max_col))
    knn_a = st.knn_row[ri, seg]
    knn_b = knn_col[col_pos]
    merged_a, merged_b = kinds == MERGED_A, kinds == MERGED_B
    nxt_a = np.minimum(ri + 1, st.knn_row.shape[0] - 1)
    knn_a = np.where(merged_a, (st.knn_row[ri, seg] + st.knn_row[nxt_a, seg]) / 2.0, knn_a)
    nxt_b = np.minimum(col_pos + 1, len(knn_col) - 1)
    knn_b = np.where(merged_b, (knn_col[col_pos] + knn_col[nxt_b]) / 2.0, knn_b)
    margin = comb / np.maximum((knn_a + knn_b) / 2.0, 1e-6)
    # Mutual best pairs (each is the other's nearest in this source pair) may score a little lower.
    mutual = (kinds == ONE) & (comb == st.max_row[ri, seg]) & (comb == st.max_col[col_pos])
    floor = np.where(mutual, cfg.min_score_mutual, cfg.min_score)
    ok = ((margin >= cfg.min_margin) & (comb >= floor)) | (cos >= cfg.strong_similarity)
    return rows[ok], cols[ok], kinds[ok], margin[ok], cos[ok]


def _pair_candidates(scan: _SourceScan, b: int, cells: tuple[Array, ...]) -> _Candidates:
    """The candidates of source pair (A, later source number ``b``) from the cells that passed."""
    rows, cols, kinds, score, sim = cells
    st, ra = scan.stats, scan.ra
    cb = scan.rb + int(scan.seg[b])
    n_b = int(scan.seg[b + 1] - scan.seg[b])
    i, j = rows - ra, cols - cb
    a_last = np.where(kinds == MERGED_A, i + 1, i)
    b_last = np.where(kinds == MERGED_B, j + 1, j)
    best_b = st.best_col[cb - scan.rb : cb - scan.rb + n_b] - ra
    return _Candidates(
        score, sim, kinds, i, a_last, j, b_last,
        st.best_row[:, b] - cb, st.best_row_sim[:, b],
        best_b, st.best_col_sim[cb - scan.rb : cb - scan.rb + n_b],
    )  # fmt: skip


def _greedy(cands: _Candidates, n_a: int, n_b: int) -> tuple[list[list[int]], Array, Array]:
    """Competitive linking: best first, each sentence used once. Returns the links as [a_first, a_last,
    b_first, b_last, candidate index] and, per side, which link owns each position (-1: none)."""
    order = np.lexsort((cands.kind, cands.b_first, cands.a_first, -cands.sim, -cands.score))
    owner_a = np.full(n_a, -1, dtype=np.intp)
    owner_b = np.full(n_b, -1, dtype=np.intp)
    chosen: list[list[int]] = []
    fa, la, fb, lb = (x.tolist() for x in (cands.a_first, cands.a_last, cands.b_first, cands.b_last))
    oa, ob = owner_a.tolist(), owner_b.tolist()
    for k in order.tolist():
        if oa[fa[k]] >= 0 or oa[la[k]] >= 0 or ob[fb[k]] >= 0 or ob[lb[k]] >= 0:
            continue
        n = len(chosen)
        oa[fa[k]] = oa[la[k]] = n
        ob[fb[k]] = ob[lb[k]] = n
        chosen.append([fa[k], la[k], fb[k], lb[k], k])
    return chosen, np.array(oa, dtype=np.intp), np.array(ob, dtype=np.intp)


def _extend(  # noqa: PLR0917 - one side of every link, named
    chosen: list[list[int]],
    side: int,
    owner: list[int],
    joinable: Array,
    best: tuple[list[int], list[float]],
    config: AlignConfig,
    stale: list[list[int]],
) -> bool:
    """One pass of the extension rule on one side (0: A, 1: B) of every link: a free adjacent sentence
    of the same paragraph joins the link when its own best partner in the other source lies inside the
    link. ``stale`` holds each link as it was when the pass began (the rule reads those ranges)."""
    changed = False
    best_of, best_sim = best
    f, l_, of, ol = (0, 1, 2, 3) if side == 0 else (2, 3, 0, 1)
    n = len(best_of)
    for k, link in enumerate(stale):
        first, last = link[f], link[l_]
        if last - first + 1 >= config.max_group_sentences:
            continue
        lo, hi = link[of], link[ol]
        for i, ok in (
            (first - 1, first >= 1 and joinable[first - 1]),
            (last + 1, last + 1 < n and joinable[last]),
        ):
            if not ok or owner[i] >= 0:
                continue
            if lo <= best_of[i] <= hi and best_sim[i] >= config.min_similarity:
                grown = list(link)
                grown[f], grown[l_] = min(first, i), max(last, i)
                chosen[k] = grown
                owner[i] = k
                changed = True
                break
    return changed


def competitive_links(
    cands: _Candidates, joinable: tuple[Array, Array], config: AlignConfig
) -> list[list[int]]:
    """Greedy one-use-per-sentence linking by descending score (mutual-best in effect).

    A second pass extends a chosen link by an adjacent sentence of the same paragraph whose own best
    partner is already in that link ("A UN report..." + "Over 300,000..." against one sentence), so
    one-to-many splits longer than a pair are found too. Returns [a_first, a_last, b_first, b_last,
    candidate index] per link.
    """
    n_a, n_b = len(cands.best_a), len(cands.best_b)
    chosen, owner_a, owner_b = _greedy(cands, n_a, n_b)
    owners = (owner_a.tolist(), owner_b.tolist())
    best = (
        (cands.best_a.tolist(), cands.best_a_sim.tolist()),
        (cands.best_b.tolist(), cands.best_b_sim.tolist()),
    )
    joins = (joinable[0].tolist(), joinable[1].tolist())
    changed = True
    while changed:
        stale = [list(c) for c in chosen]
        changed = False
        for side in (0, 1):
            # Each link is read as it was when the pass began, on both sides (as the original rule did:
            # an extension on A's side is kept only if B's side does not extend in the same pass).
            changed |= _extend(chosen, side, owners[side], joins[side], best[side], config, stale)
    return chosen


def link_source_pairs(story: Story, config: AlignConfig, *, chunk_cells: int = PAIR_CHUNK_CELLS) -> LinkTable:
    """Scores and links every pair of sources.

    Args:
        story: The sources' units.
        config: Thresholds.
        chunk_cells: Most cells of one strip (rows of one source x columns of all later sources) held
            at once; any value gives the same links.
    """
    stk = _stack(story)
    floats: list[Array] = []
    ints: list[Array] = []
    units = [story.units[sid] for sid in story.order]
    for a in range(len(story.order) - 1):
        scan = _SourceScan(stk, a, config)
        n_cols = scan.n - scan.rb
        if scan.rb == scan.ra or n_cols == 0:
            continue
        step = max(1, chunk_cells // n_cols // ROW_BLOCK) * ROW_BLOCK
        scan.run(step)
        _link_pairs(scan, units, config, floats, ints)
    return LinkTable(
        np.concatenate(floats) if floats else np.zeros((0, 2)),
        np.concatenate(ints) if ints else np.zeros((0, 6), dtype=np.int64),
    )


def _link_pairs(
    scan: _SourceScan,
    units: list[Units],
    config: AlignConfig,
    floats: list[Array],
    ints: list[Array],
) -> None:
    """Competitive linking of source A with each later source, appended to ``floats`` / ``ints``."""
    rows, cols, kinds, score, sim = _margins(scan)
    seg = np.searchsorted(scan.seg, cols - scan.rb, side="right") - 1
    order = np.argsort(seg, kind="stable")
    starts = np.searchsorted(seg[order], np.arange(len(scan.seg)))
    a = scan.a
    for b in range(len(scan.seg) - 1):
        if scan.seg[b + 1] == scan.seg[b]:
            continue
        pick = order[starts[b] : starts[b + 1]]
        cands = _pair_candidates(scan, b, (rows[pick], cols[pick], kinds[pick], score[pick], sim[pick]))
        if not len(pick):
            continue
        chosen = competitive_links(cands, (units[a].joinable, units[a + 1 + b].joinable), config)
        if chosen:
            idx = np.array([c[4] for c in chosen], dtype=np.intp)
            floats.append(np.column_stack([cands.score[idx], cands.score[idx]]).astype(np.float64))
            ints.append(np.array([(a, a + 1 + b, c[0], c[1], c[2], c[3]) for c in chosen], dtype=np.int64))
