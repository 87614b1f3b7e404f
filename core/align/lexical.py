"""The lexical signal: TF-IDF over the story, so shared names, numbers and rare words count and topic words
weigh little; and the TF-IDF products of source pairs, computed in blocks per source when small enough."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from core.align.units import Units

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

Array = np.ndarray  # a numpy array of any shape and dtype (the aligner mixes float32 and float64)
Block = tuple[Array, Array, Array]  # one_to_one (n_a, n_b), merged_a (n_a-1, n_b), merged_b (n_b-1, n_a)


def tokens(text: str) -> list[str]:
    """Content tokens of ``text``: lower-cased words of three letters or more (stop words dropped),
    crudely stemmed to six letters, and numbers as ``#digits`` (thousands separators dropped)."""
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
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    doc_freq: dict[int, int] = {}
    for r, text in enumerate(texts):
        counts: dict[int, int] = {}
        for tok in tokens(text):
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


def normalise_rows(m: Array) -> Array:
    """``m`` with every non-zero row scaled to unit length."""
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Array = m / norms
    return out


def normalise_sparse(m: sparse.csr_matrix) -> sparse.csr_matrix:
    """A sparse ``m`` with every non-zero row scaled to unit length."""
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ m).tocsr()


def _dense(m: sparse.spmatrix) -> Array:
    out: Array = m.toarray()
    return out


class PairLexical:
    """TF-IDF cosines of one source pair, by ranges of source A's rows: sentence to sentence, and merged
    pairs of either side. Either sliced from a per-source block (``LexicalBlocks``) or computed on
    demand, range by range, so a pair of very long articles never holds a full matrix."""

    def __init__(self, a: Units, b: Units, block: Block | None = None) -> None:
        self.a, self.b = a, b
        self.block = block

    def one_to_one(self, lo: int, hi: int) -> Array:
        """(hi-lo, n_b): A's sentences lo..hi-1 against B's sentences."""
        if self.block is not None:
            return self.block[0][lo:hi]
        return _dense(self.a.lexical[lo:hi] @ self.b.lexical.T)

    def merged_a(self, lo: int, hi: int) -> Array:
        """(hi-lo, n_b): A's merged pairs lo..hi-1 (sentence i with i+1) against B's sentences."""
        if self.block is not None:
            return self.block[1][lo:hi]
        return _dense(self.a.merged_lexical[lo:hi] @ self.b.lexical.T)

    def merged_b(self, lo: int, hi: int) -> Array:
        """(n_b-1, hi-lo): B's merged pairs against A's sentences lo..hi-1."""
        if self.block is not None:
            return self.block[2][:, lo:hi]
        return _dense(self.b.merged_lexical @ self.a.lexical[lo:hi].T)


class LexicalBlocks:
    """One source's TF-IDF products against every later source, three sparse products per source instead
    of three per pair (per-pair products dominate alignment time at hundreds of sources). A source too
    large for a block (its rows times all rows over ``max_cells``) falls back to per-pair products, so
    memory stays bounded by the largest source pair."""

    def __init__(self, units: Mapping[str, Units], order: Sequence[str], max_cells: int = 4_000_000) -> None:
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
        self.block: Block | None = None

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
            _dense(u.lexical @ lex.T),
            _dense(u.merged_lexical @ lex.T),
            _dense(u.lexical @ merged.T),
        )

    def pair(self, sa: str, sb: str) -> PairLexical:
        """The TF-IDF products of source ``sa`` against a later source ``sb``."""
        if self.current != sa:
            self._build(sa)
        a, b = self.units[sa], self.units[sb]
        if self.block is None:
            return PairLexical(a, b)
        row = self.offset[sb][0] - self.first[0]
        m_row = self.offset[sb][1] - self.first[1]
        lex, merged_a, merged_b = self.block
        n, m = len(b.sentences), b.merged_lexical.shape[0]
        return PairLexical(
            a, b, (lex[:, row : row + n], merged_a[:, row : row + n], merged_b[:, m_row : m_row + m].T)
        )
