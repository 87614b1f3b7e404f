"""Cross-source alignment: pairwise links between passages, then N-way claim groups.

Every sentence of a same-story article is topically similar to every other, so a plain cosine
threshold links everything. The aligner therefore scores each candidate pair by how much it stands
out from its neighbourhood (the ratio margin of LASER / Vecalign bitext mining), adds a lexical signal
(TF-IDF over the story, so shared names and numbers count and topic words do not), considers merges of
two adjacent sentences (one-to-two and two-to-one), and links greedily by score with each sentence used
once per source pair (competitive linking; no monotonic-order assumption, so reordered paragraphs align).
Links are then grouped into claim groups with a union-find that keeps at most one contiguous passage
per source in each group. Each source pair is scored on its own, in strips of rows
(``PAIR_CHUNK_CELLS``), so memory stays bounded however many or however long the sources are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.config import DEFAULT_ALIGN, AlignConfig
from core.model import Claim, Link, Passage, Sentence

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['\-][^\W\d_]+)*")
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your said says say told according
    """.split()  # noqa: SIM905 - a word list reads best as prose
)


def _tokens(text: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(text):
        low = tok.lower()
        if low in _STOP or (len(low) < 3 and not low[0].isdigit()):
            continue
        if low[0].isdigit():
            out.append("#" + low.replace(",", ""))
        else:
            out.append(low[:6] if len(low) > 6 else low)  # a crude stem: "deserted" ~ "desertion"
    return out


def tfidf_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Rows of L2-normalised TF-IDF vectors (sublinear tf, smoothed idf over the given texts)."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    doc_freq: dict[int, int] = {}
    for r, text in enumerate(texts):
        counts: dict[int, int] = {}
        for tok in _tokens(text):
            idx = vocab.setdefault(tok, len(vocab))
            counts[idx] = counts.get(idx, 0) + 1
        for idx, c in counts.items():
            rows.append(r)
            cols.append(idx)
            vals.append(1.0 + math.log(c))
            doc_freq[idx] = doc_freq.get(idx, 0) + 1
    n = len(texts)
    idf = np.ones(max(len(vocab), 1), dtype=np.float32)
    for idx, df in doc_freq.items():
        idf[idx] = math.log((1 + n) / (1 + df)) + 1.0
    mat = sparse.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(n, max(len(vocab), 1)))
    mat = mat.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ mat


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def _normalise_sparse(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ m).tocsr()


@dataclass(frozen=True, slots=True)
class _Units:
    """One source's alignable sentences (headings excluded) with their vectors."""

    sentences: tuple[Sentence, ...]
    dense: np.ndarray  # (n, d) unit rows
    lexical: sparse.csr_matrix  # (n, V) unit rows
    merged_dense: np.ndarray  # (n-1, d): sentence i with i+1
    merged_lexical: sparse.csr_matrix
    joinable: np.ndarray  # (n-1,) bool: sentence i and i+1 share a paragraph
    questions: np.ndarray  # (n,) bool: the sentence is a question


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    a_first: int  # positions in _Units.sentences
    a_last: int
    b_first: int
    b_last: int
    similarity: float
    margin: float
    lexical: float


class _PairLexical:
    """TF-IDF cosines of one source pair, by ranges of source A's rows: sentence to sentence, and merged
    pairs of either side. Either sliced from a per-source block (``_LexicalBlocks``) or computed on
    demand, range by range, so a pair of very long articles never holds a full matrix."""

    def __init__(
        self, a: _Units, b: _Units, block: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    ) -> None:
        self.a, self.b = a, b
        self.block = block  # (one_to_one (n_a, n_b), merged_a (n_a-1, n_b), merged_b (n_b-1, n_a))

    def one_to_one(self, lo: int, hi: int) -> np.ndarray:
        """(hi-lo, n_b): A's sentences lo..hi-1 against B's sentences."""
        if self.block is not None:
            return self.block[0][lo:hi]
        return (self.a.lexical[lo:hi] @ self.b.lexical.T).toarray()

    def merged_a(self, lo: int, hi: int) -> np.ndarray:
        """(hi-lo, n_b): A's merged pairs lo..hi-1 (sentence i with i+1) against B's sentences."""
        if self.block is not None:
            return self.block[1][lo:hi]
        return (self.a.merged_lexical[lo:hi] @ self.b.lexical.T).toarray()

    def merged_b(self, lo: int, hi: int) -> np.ndarray:
        """(n_b-1, hi-lo): B's merged pairs against A's sentences lo..hi-1."""
        if self.block is not None:
            return self.block[2][:, lo:hi]
        return (self.b.merged_lexical @ self.a.lexical[lo:hi].T).toarray()


class _LexicalBlocks:
    """One source's TF-IDF products against every later source, three sparse products per source instead
    of three per pair (per-pair products dominate alignment time at hundreds of sources). A source too
    large for a block (its rows times all rows over ``max_cells``) falls back to per-pair products, so
    memory stays bounded by the largest source pair."""

    def __init__(self, units: Mapping[str, _Units], order: Sequence[str], max_cells: int = 4_000_000) -> None:
        self.units = units
        self.order = order
        self.max_cells = max_cells
        self.offset: dict[str, tuple[int, int]] = {}
        row = m_row = 0
        for sid in order:
            self.offset[sid] = (row, m_row)
            row += len(units[sid].sentences)
            m_row += units[sid].merged_lexical.shape[0]
        self.rows, self.merged_rows = row, m_row
        self.current: str | None = None
        self.first = (0, 0)
        self.block: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _build(self, sid: str) -> None:
        later = self.order[self.order.index(sid) + 1 :]
        u = self.units[sid]
        self.current, self.block = sid, None
        if not later or len(u.sentences) * (self.rows + self.merged_rows) > self.max_cells:
            return
        self.first = self.offset[later[0]]
        lex = sparse.vstack([self.units[x].lexical for x in later]).tocsr()
        merged = sparse.vstack([self.units[x].merged_lexical for x in later]).tocsr()
        self.block = (
            (u.lexical @ lex.T).toarray(),
            (u.merged_lexical @ lex.T).toarray(),
            (u.lexical @ merged.T).toarray(),
        )

    def pair(self, sa: str, sb: str) -> _PairLexical:
        if self.current != sa:
            self._build(sa)
        a, b = self.units[sa], self.units[sb]
        if self.block is None:
            return _PairLexical(a, b)
        row = self.offset[sb][0] - self.first[0]
        m_row = self.offset[sb][1] - self.first[1]
        lex, merged_a, merged_b = self.block
        n, m = len(b.sentences), b.merged_lexical.shape[0]
        return _PairLexical(
            a, b, (lex[:, row : row + n], merged_a[:, row : row + n], merged_b[:, m_row : m_row + m].T)
        )


# Cells of one source pair's score matrices held at once: a pair of 400,000-character articles (4,400 x
# 4,400 sentences) is scored in strips of rows instead of full matrices (2.1 GB before, ~0.2 GB now).
PAIR_CHUNK_CELLS = 1_000_000


def _top_k(m: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k largest values along ``axis``, sorted (so means do not depend on how rows were chunked)."""
    k = max(1, min(k, m.shape[axis]))
    part = -np.partition(-m, k - 1, axis=axis)
    return np.sort(part.take(range(k), axis=axis), axis=axis)


@dataclass(frozen=True, slots=True)
class _PairScores:
    """Candidates of one source pair and each sentence's best partner (for the extension pass)."""

    candidates: list[_Candidate]
    best_a: np.ndarray  # (n_a,) B position of each A sentence's most similar B sentence
    best_a_sim: np.ndarray
    best_b: np.ndarray  # (n_b,) the same for B's sentences
    best_b_sim: np.ndarray


def _pair_candidates(
    a: _Units, b: _Units, config: AlignConfig, lexical: _PairLexical | None = None
) -> _PairScores:
    """Scores one-to-one and (if enabled) merged candidates between two sources.

    ``lexical`` carries the pair's TF-IDF products when they were computed in a block for many pairs.
    Scores are computed in strips of A's rows (``PAIR_CHUNK_CELLS``): a first pass gathers the
    neighbourhood statistics of the ratio margin (k nearest of every row and column) and the row and
    column maxima, a second pass scores candidates. Any strip size gives the same candidates, up to
    floating-point rounding in the products, which can only decide exact ties (verbatim duplicates).
    """
    lexical = lexical or _PairLexical(a, b)
    n, m = len(a.sentences), len(b.sentences)
    step = max(1, PAIR_CHUNK_CELLS // max(m, 1))
    k = config.neighbours
    w = config.lexical_weight

    def scores(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cos = a.dense[lo:hi] @ b.dense.T
        # A retelling rarely turns a statement into a question: rhetorical questions are commentary.
        mismatch = a.questions[lo:hi, None] != b.questions[None, :]
        cos = cos - config.question_penalty * mismatch
        lex = lexical.one_to_one(lo, hi)
        return cos, lex, cos + w * lex

    # Pass 1: neighbourhoods and maxima.
    knn_a = np.empty(n)
    row_max = np.empty(n)
    best_a = np.empty(n, dtype=np.intp)
    best_a_sim = np.empty(n)
    col_top: np.ndarray | None = None
    col_max = np.full(m, -np.inf)
    best_b = np.zeros(m, dtype=np.intp)
    best_b_sim = np.full(m, -np.inf)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        cos, _, comb = scores(lo, hi)
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

    # Pass 2: candidates (one-to-one, then A's merged pairs, then B's, the order ties are broken in).
    one: list[_Candidate] = []
    merged_a: list[_Candidate] = []
    merged_b: list[_Candidate] = []
    merge_floor = config.min_similarity - 0.1
    q_a_merged = a.questions[:-1] | a.questions[1:]
    q_b_merged = b.questions[:-1] | b.questions[1:]
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        ext = min(n, hi + 1)  # one row more: A's merged pair hi-1 + hi needs row hi
        cos_x, lex_x, comb_x = scores(lo, ext)
        cos, lex, comb = cos_x[: hi - lo], lex_x[: hi - lo], comb_x[: hi - lo]
        denom = np.maximum((knn_a[lo:hi, None] + knn_b[None, :]) / 2.0, 1e-6)
        margin = comb / denom
        # Mutual best pairs (each is the other's nearest in this source pair) may score a little lower.
        mutual = (comb == row_max[lo:hi, None]) & (comb == col_max[None, :])
        floor = np.where(mutual, config.min_score_mutual, config.min_score)
        ok = (cos >= config.min_similarity) & (
            ((margin >= config.min_margin) & (comb >= floor)) | (cos >= config.strong_similarity)
        )
        _emit(one, ok, (margin, cos, lex), lambda i, j, lo=lo: (lo + i, lo + i, j, j))
        if not config.allow_merges:
            continue
        # A's sentences i and i+1 merged, for i in lo..hi-1 (and i+1 < n), against B's sentences.
        mhi = min(hi, n - 1)
        if mhi > lo:
            t = mhi - lo
            mcos = a.merged_dense[lo:mhi] @ b.dense.T - config.question_penalty * (
                q_a_merged[lo:mhi, None] != b.questions[None, :]
            )
            mlex = lexical.merged_a(lo, mhi)
            mcomb = mcos + w * mlex
            best_part = np.maximum(comb_x[:t], comb_x[1 : t + 1])
            both_related = np.minimum(cos_x[:t], cos_x[1 : t + 1]) >= merge_floor
            knn_merged = (knn_a[lo:mhi] + knn_a[lo + 1 : mhi + 1]) / 2.0
            mmargin = mcomb / np.maximum((knn_merged[:, None] + knn_b[None, :]) / 2.0, 1e-6)
            good = _merge_ok(mcos, mcomb, mmargin, best_part, both_related, config)
            _emit(merged_a, good, (mmargin, mcos, mlex), lambda i, j, lo=lo: (lo + i, lo + i + 1, j, j))
        # B's sentences j and j+1 merged, against A's sentences lo..hi-1.
        if m >= 2:
            mcos = b.merged_dense @ a.dense[lo:hi].T - config.question_penalty * (
                q_b_merged[:, None] != a.questions[None, lo:hi]
            )
            mlex = lexical.merged_b(lo, hi)
            mcomb = mcos + w * mlex
            part, part_cos = comb.T, cos.T  # (m, hi-lo)
            best_part = np.maximum(part[:-1], part[1:])
            both_related = np.minimum(part_cos[:-1], part_cos[1:]) >= merge_floor
            knn_merged = (knn_b[:-1] + knn_b[1:]) / 2.0
            mmargin = mcomb / np.maximum((knn_merged[:, None] + knn_a[None, lo:hi]) / 2.0, 1e-6)
            good = _merge_ok(mcos, mcomb, mmargin, best_part, both_related, config)
            _emit(merged_b, good, (mmargin, mcos, mlex), lambda j, i, lo=lo: (lo + i, lo + i, j, j + 1))
    return _PairScores(one + merged_a + merged_b, best_a, best_a_sim, best_b, best_b_sim)


def _emit(
    out: list[_Candidate],
    mask: np.ndarray,
    values: tuple[np.ndarray, np.ndarray, np.ndarray],
    ranges: Callable[[int, int], tuple[int, int, int, int]],
) -> None:
    """Appends a candidate for every True cell of ``mask``: its (margin, cosine, lexical) from
    ``values`` and its (a_first, a_last, b_first, b_last) from ``ranges(row, column)``."""
    margin, cos, lex = values
    for r, c in zip(*np.nonzero(mask), strict=True):
        a_first, a_last, b_first, b_last = ranges(int(r), int(c))
        m = float(margin[r, c])
        out.append(_Candidate(m, a_first, a_last, b_first, b_last, float(cos[r, c]), m, float(lex[r, c])))


def _merge_ok(  # noqa: PLR0917 - the merge rule's inputs, named
    mcos: np.ndarray,
    mcomb: np.ndarray,
    mmargin: np.ndarray,
    best_part: np.ndarray,
    both_related: np.ndarray,
    config: AlignConfig,
) -> np.ndarray:
    """A merged pair is a candidate when it beats both of its sentences alone by ``merge_gain``, both
    sentences relate to the other side, and it passes the one-to-one floors."""
    return (
        (mcomb >= best_part + config.merge_gain)
        & both_related
        & (mcos >= config.min_similarity)
        & (
            ((mmargin >= config.min_margin) & (mcomb >= config.min_score))
            | (mcos >= config.strong_similarity)
        )
    )


def _competitive_links(
    pair: _PairScores, a_joinable: np.ndarray, b_joinable: np.ndarray, max_run: int, min_similarity: float
) -> list[_Candidate]:
    """Greedy one-use-per-sentence linking by descending score (mutual-best in effect).

    A second pass extends a chosen link by an adjacent sentence of the same paragraph whose own best
    partner is already in that link ("A UN report..." + "Over 300,000..." against one sentence), so
    one-to-many splits longer than a pair are found too.
    """
    ordered = sorted(pair.candidates, key=lambda c: (-c.score, -c.similarity, c.a_first, c.b_first))
    owner_a: dict[int, int] = {}
    owner_b: dict[int, int] = {}
    chosen: list[_Candidate] = []
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
    # Extension: a free sentence next to a linked passage (same paragraph) joins the link when its own
    # best partner in the other source lies inside the link.
    changed = True
    while changed:
        changed = False
        for k, link in enumerate(chosen):
            for side in ("a", "b"):
                first, last = (link.a_first, link.a_last) if side == "a" else (link.b_first, link.b_last)
                if last - first + 1 >= max_run:
                    continue
                owner = owner_a if side == "a" else owner_b
                joinable = a_joinable if side == "a" else b_joinable
                best_of, best_sim = (
                    (pair.best_a, pair.best_a_sim) if side == "a" else (pair.best_b, pair.best_b_sim)
                )
                lo, hi = (link.b_first, link.b_last) if side == "a" else (link.a_first, link.a_last)
                for i, ok in (
                    (first - 1, first >= 1 and joinable[first - 1]),
                    (last + 1, last + 1 < len(best_of) and joinable[last]),
                ):
                    if not ok or i in owner:
                        continue
                    best = int(best_of[i])
                    if lo <= best <= hi and best_sim[i] >= min_similarity:
                        new_first, new_last = min(first, i), max(last, i)
                        changes = (
                            {"a_first": new_first, "a_last": new_last}
                            if side == "a"
                            else {"b_first": new_first, "b_last": new_last}
                        )
                        chosen[k] = _replace_range(link, **changes)
                        owner[i] = k
                        changed = True
                        break
    return chosen


def _replace_range(c: _Candidate, **changes: int) -> _Candidate:
    from dataclasses import replace  # noqa: PLC0415

    return replace(c, **changes)


def _passage(units: _Units, first: int, last: int) -> Passage:
    s1, s2 = units.sentences[first], units.sentences[last]
    text = s1.text if first == last else None
    return Passage(s1.source_id, s1.index, s2.index, s1.start, s2.end, text or "")


@dataclass(frozen=True, slots=True)
class _PassageVector:
    """One source's passage as the cohesion check sees it: a unit sentence-embedding sum and a unit
    TF-IDF sum (kept sparse as indices and values)."""

    dense: np.ndarray
    lex_indices: np.ndarray
    lex_values: np.ndarray
    square: float  # |dense|^2 + w * |lexical|^2 (1 + w, or less for a passage without any content word)


@dataclass(slots=True)
class _Stats:
    """Sums over one group's passages (one per source), so that the mean pairwise score of the group
    and the mean score of newcomers against it cost O(d + V) rather than O(k^2) sparse products:
    sum over pairs of x.y = (|sum x|^2 - sum |x|^2) / 2."""

    dense: np.ndarray
    lexical: np.ndarray  # dense over the story's vocabulary
    square: float
    count: int

    def copy(self) -> _Stats:
        return _Stats(self.dense.copy(), self.lexical.copy(), self.square, self.count)

    def add(self, v: _PassageVector, sign: float = 1.0) -> None:
        self.dense += sign * v.dense
        self.lexical[v.lex_indices] += sign * v.lex_values  # indices of one passage are unique
        self.square += sign * v.square
        self.count += 1 if sign > 0 else -1

    def pair_total(self, lexical_weight: float) -> float:
        whole = float(self.dense @ self.dense) + lexical_weight * float(self.lexical @ self.lexical)
        return (whole - self.square) / 2.0


class _Groups:
    """Union-find over (source, sentence index) keeping one contiguous run per source per group."""

    def __init__(
        self,
        max_run: int,
        vector: Callable[[str, int, int], _PassageVector],
        vocabulary: int,
        dim: int,
        config: AlignConfig,
    ) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}
        self.members: dict[tuple[str, int], dict[str, set[int]]] = {}
        self.stats: dict[tuple[str, int], _Stats] = {}
        self.max_run = max_run
        self.vector = vector
        self.vocabulary = vocabulary
        self.dim = dim
        self.min_cohesion = config.min_cohesion
        self.cohesion_gap = config.cohesion_gap
        self.cohesion_cap = config.cohesion_cap
        self.lexical_weight = config.lexical_weight

    def find(self, x: tuple[str, int]) -> tuple[str, int]:
        if x not in self.parent:
            self.parent[x] = x
            self.members[x] = {x[0]: {x[1]}}
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def _passage(self, src: str, idx: set[int]) -> _PassageVector:
        return self.vector(src, min(idx), max(idx))

    def _stats_of(self, root: tuple[str, int]) -> _Stats:
        st = self.stats.get(root)
        if st is None:
            st = _Stats(np.zeros(self.dim, np.float64), np.zeros(self.vocabulary, np.float64), 0.0, 0)
            for src, idx in self.members[root].items():
                st.add(self._passage(src, idx))
            self.stats[root] = st
        return st

    def try_union(self, xs: Sequence[tuple[str, int]]) -> bool:
        roots = list(dict.fromkeys(self.find(x) for x in xs))
        if len(roots) == 1:
            return True
        base_root = max(roots, key=lambda r: len(self.members[r]))
        base = self.members[base_root]
        # Only the sources the other roots bring change; the base group's other passages stay as they are.
        changed: dict[str, set[int]] = {}
        for r in roots:
            if r == base_root:
                continue
            for src, idx in self.members[r].items():
                changed.setdefault(src, set(base.get(src, ()))).update(idx)
        for idx in changed.values():
            if max(idx) - min(idx) + 1 != len(idx) or len(idx) > self.max_run:
                return False
        merged: _Stats | None = None
        if len(base) >= 2:
            # The base group as it would be: passages a merge lengthens are re-scored.
            merged = self._stats_of(base_root).copy()
            new = []
            for src, idx in changed.items():
                if src in base:
                    merged.add(self._passage(src, base[src]), -1.0)
                    merged.add(self._passage(src, idx))
                else:
                    new.append(self._passage(src, idx))
            if new and not self._cohesive(merged, new):
                return False
            for v in new:
                merged.add(v)
        for r in roots:
            if r != base_root:
                self.parent[r] = base_root
                del self.members[r]
                self.stats.pop(r, None)
        base.update(changed)
        if merged is None:
            self.stats.pop(base_root, None)
        else:
            self.stats[base_root] = merged
        return True

    def _cohesive(self, base: _Stats, new: Sequence[_PassageVector]) -> bool:
        """Average linkage: sources joining an existing group (of two or more sources) must agree with
        its members about as well as the members agree with each other. Without it a chain of single
        links pulls a merely topical passage of another report into a group of close retellings.
        A pair's score is cosine plus the weighted lexical cosine, as in pairwise scoring."""
        inner = base.pair_total(self.lexical_weight) / (base.count * (base.count - 1) / 2.0)
        dense = np.sum([v.dense for v in new], axis=0)
        cross = float(dense @ base.dense) + self.lexical_weight * sum(
            float(base.lexical[v.lex_indices] @ v.lex_values) for v in new
        )
        mean = cross / (len(new) * base.count)
        floor = max(self.min_cohesion, min(inner, self.cohesion_cap) - self.cohesion_gap)
        return mean >= floor


@dataclass(frozen=True, slots=True)
class AlignResult:
    claims: tuple[Claim, ...]
    links: tuple[Link, ...]
    unique: tuple[Passage, ...]
    linked_claims: int = -1  # claims (in order) whose passage pairs are in ``links``; -1: all of them


def align_sources(
    sentences: Mapping[str, Sequence[Sentence]],
    vectors: Mapping[str, np.ndarray],
    *,
    texts: Mapping[str, str],
    config: AlignConfig = DEFAULT_ALIGN,
    max_links: int | None = None,
) -> AlignResult:
    """Aligns every pair of sources and groups the links into N-way claims.

    Args:
        sentences: Per source id (in the user's order), its sentences.
        vectors: Per source id, unit-length embeddings, one row per sentence of ``sentences``.
        texts: Per source id, the cleaned article text (to slice passages).
        config: Thresholds.
        max_links: Most passage pairs to list as links; claims are linked in order while their pairs fit
            (``AlignResult.linked_claims`` says how many). None: all.

    Returns:
        Claim groups (ordered by where they first appear), every pair of passages within them as a
        link, and the body sentences no other source carries.
    """
    order = list(sentences)
    body = {sid: [s for s in sentences[sid] if not s.is_heading] for sid in order}
    all_body = [s for sid in order for s in body[sid]]
    lex_all = tfidf_matrix([s.text for s in all_body]) if all_body else sparse.csr_matrix((0, 1))
    units: dict[str, _Units] = {}
    row = 0
    for sid in order:
        sents = body[sid]
        n = len(sents)
        keep = [s.index for s in sents]
        dense = _normalise_rows(np.asarray(vectors[sid], dtype=np.float32)[keep]) if n else np.zeros((0, 1))
        lex = lex_all[row : row + n]
        row += n
        if n >= 2:
            md = _normalise_rows(dense[:-1] + dense[1:])
            ml = _normalise_sparse(lex[:-1] + lex[1:])
            # Rewrites merge sentences within a paragraph; a pair across a paragraph break never merges.
            same_para = np.array(
                ["\n" not in texts[sid][sents[k].end : sents[k + 1].start] for k in range(n - 1)]
            )
            md = md * same_para[:, None]
        else:
            md = np.zeros((0, dense.shape[1] if dense.ndim == 2 else 1), dtype=np.float32)
            ml = sparse.csr_matrix((0, lex_all.shape[1]))
            same_para = np.zeros(0, dtype=bool)
        questions = np.array([s.text.rstrip("\"')").endswith("?") for s in sents], dtype=bool)
        units[sid] = _Units(tuple(sents), dense, lex, md, ml, same_para, questions)

    # Every pair's links as arrays, not objects (60 sources sharing long passages make half a million):
    # score and margin; source positions and first/last sentence positions.
    link_floats: list[np.ndarray] = []
    link_ints: list[np.ndarray] = []
    blocks = _LexicalBlocks(units, order)
    for ai, sa in enumerate(order):
        for bi in range(ai + 1, len(order)):
            sb = order[bi]
            if not units[sa].sentences or not units[sb].sentences:
                continue
            scored = _pair_candidates(units[sa], units[sb], config, blocks.pair(sa, sb))
            chosen = _competitive_links(
                scored,
                units[sa].joinable,
                units[sb].joinable,
                config.max_group_sentences,
                config.min_similarity,
            )
            if chosen:
                link_floats.append(np.array([(c.score, c.margin) for c in chosen], dtype=np.float64))
                link_ints.append(
                    np.array(
                        [(ai, bi, c.a_first, c.a_last, c.b_first, c.b_last) for c in chosen], dtype=np.int64
                    )
                )
    floats = np.concatenate(link_floats) if link_floats else np.zeros((0, 2))
    ints = np.concatenate(link_ints) if link_ints else np.zeros((0, 6), dtype=np.int64)
    del link_floats, link_ints

    pos = {sid: {s.index: k for k, s in enumerate(units[sid].sentences)} for sid in order}

    order_pos = {sid: k for k, sid in enumerate(order)}
    lexical_weight = config.lexical_weight
    passage_cache: dict[tuple[str, int, int], _PassageVector] = {}

    def passage_vector(sid: str, first: int, last: int) -> _PassageVector:
        key = (sid, first, last)
        hit = passage_cache.get(key)
        if hit is not None:
            return hit
        rows = slice(pos[sid][first], pos[sid][last] + 1)
        v = units[sid].dense[rows].sum(axis=0, dtype=np.float64)
        v_norm = float(np.linalg.norm(v))
        lex = units[sid].lexical[rows].sum(axis=0).A1 if last > first else None
        if lex is None:
            row = units[sid].lexical[rows]
            indices, values = row.indices.astype(np.intp), row.data.astype(np.float64)
        else:
            indices = np.flatnonzero(lex)
            values = lex[indices].astype(np.float64)
        l_norm = float(np.linalg.norm(values))
        if l_norm > 0:
            values = values / l_norm
        pv = _PassageVector(
            v / max(v_norm, 1e-9),
            indices,
            values,
            (1.0 if v_norm > 0 else 0.0) + lexical_weight * (1.0 if l_norm > 0 else 0.0),
        )
        passage_cache[key] = pv
        return pv

    dim = next((u.dense.shape[1] for u in units.values() if u.dense.ndim == 2 and len(u.sentences)), 1)
    groups = _Groups(config.max_group_sentences, passage_vector, lex_all.shape[1], dim, config)
    # A direct link's margin by one integer key (source positions and first/last sentence indices).
    span = 1 + max((s.index for sid in order for s in sentences[sid]), default=0)
    n_sources = max(len(order), 1)

    def link_key(sa: int, a_first: int, a_last: int, sb: int, b_first: int, b_last: int) -> int:  # noqa: PLR0917
        return ((((sa * n_sources + sb) * span + a_first) * span + a_last) * span + b_first) * span + b_last

    direct_margin: dict[int, float] = {}
    # Strongest first; ties by the first source's position, then its sentence (a stable sort).
    ranked = np.lexsort((ints[:, 2], ints[:, 0], -floats[:, 0]))
    for start in range(0, len(ranked), 8192):
        part = ranked[start : start + 8192]
        for (ai, bi, a_first, a_last, b_first, b_last), margin in zip(
            ints[part].tolist(), floats[part, 1].tolist(), strict=True
        ):
            sa, sb = order[ai], order[bi]
            ua, ub = units[sa], units[sb]
            members = [(sa, ua.sentences[i].index) for i in range(a_first, a_last + 1)]
            members += [(sb, ub.sentences[j].index) for j in range(b_first, b_last + 1)]
            if groups.try_union(members):
                key = link_key(
                    ai,
                    ua.sentences[a_first].index,
                    ua.sentences[a_last].index,
                    bi,
                    ub.sentences[b_first].index,
                    ub.sentences[b_last].index,
                )
                direct_margin[key] = margin

    by_root: dict[tuple[str, int], dict[str, set[int]]] = {}
    for node in list(groups.parent):
        root = groups.find(node)
        by_root[root] = groups.members[root]

    raw_claims = []
    for members in by_root.values():
        if len(members) < 2:
            continue
        passages = []
        for sid in order:
            if sid in members:
                idx = sorted(members[sid])
                first, last = pos[sid][idx[0]], pos[sid][idx[-1]]
                p = _passage(units[sid], first, last)
                passages.append(
                    Passage(p.source_id, p.first, p.last, p.start, p.end, texts[sid][p.start : p.end])
                )
        raw_claims.append(tuple(passages))
    raw_claims.sort(key=lambda ps: (order_pos[ps[0].source_id], ps[0].first))
    claims = tuple(Claim(k + 1, ps) for k, ps in enumerate(raw_claims))

    links = []
    linked_claims = -1
    for n_claim, claim in enumerate(claims):
        ps = claim.passages
        if max_links is not None and len(links) + len(ps) * (len(ps) - 1) // 2 > max_links:
            linked_claims = n_claim
            break
        # One vector per passage, then one product per claim (a 60-way claim has 1,770 pairs).
        rows = [[pos[p.source_id][i] for i in p.indices] for p in ps]
        dense = _normalise_rows(
            np.stack([units[p.source_id].dense[r].sum(axis=0) for p, r in zip(ps, rows, strict=True)])
        )
        lexical = _normalise_sparse(
            sparse.vstack(
                [
                    sparse.csr_matrix(units[p.source_id].lexical[r].sum(axis=0))
                    for p, r in zip(ps, rows, strict=True)
                ]
            ).tocsr()
        )
        sims = dense @ dense.T
        lexs = (lexical @ lexical.T).toarray()
        for x in range(len(ps)):
            for y in range(x + 1, len(ps)):
                pa, pb = ps[x], ps[y]
                ka, kb = order_pos[pa.source_id], order_pos[pb.source_id]
                margin = direct_margin.get(link_key(ka, pa.first, pa.last, kb, pb.first, pb.last))
                links.append(
                    Link(
                        pa,
                        pb,
                        round(float(sims[x, y]), 4),
                        round(margin, 4) if margin is not None else 0.0,
                        round(float(lexs[x, y]), 4),
                        direct=margin is not None,
                    )
                )

    in_claim = {(p.source_id, i) for c in claims for p in c.passages for i in p.indices}
    unique = tuple(
        Passage(s.source_id, s.index, s.index, s.start, s.end, s.text)
        for sid in order
        for s in body[sid]
        if (sid, s.index) not in in_claim
    )
    return AlignResult(claims, tuple(links), unique, linked_claims)
