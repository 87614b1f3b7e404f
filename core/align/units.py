"""What the aligner works on: each source's alignable sentences (headings excluded) with their vectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from core.align.lexical import Array, normalise_rows, normalise_sparse, tfidf_matrix
from core.model import Passage, Sentence


@dataclass(frozen=True, slots=True)
class Units:
    """One source's alignable sentences (headings excluded) with their vectors."""

    sentences: tuple[Sentence, ...]
    dense: Array  # (n, d) unit rows
    lexical: sparse.csr_matrix  # (n, V) unit rows
    merged_dense: Array  # (n-1, d): sentence i with i+1 (zero rows across a paragraph break)
    merged_lexical: sparse.csr_matrix
    joinable: Array  # (n-1,) bool: sentence i and i+1 share a paragraph
    questions: Array  # (n,) bool: the sentence is a question

    def passage(self, first: int, last: int) -> Passage:
        """The passage of positions ``first..last`` (its text is filled in only for one sentence)."""
        s1, s2 = self.sentences[first], self.sentences[last]
        text = s1.text if first == last else None
        return Passage(s1.source_id, s1.index, s2.index, s1.start, s2.end, text or "")


@dataclass(frozen=True, slots=True)
class Story:
    """All sources of one comparison, ready to align.

    Attributes:
        order: Source ids in the user's order.
        units: Per source id, its alignable sentences and vectors.
        pos: Per source id, a sentence's index (``Sentence.index``) to its position in ``units``.
        vocabulary: Size of the story's TF-IDF vocabulary.
        dim: Embedding dimension.
        span: One more than the largest sentence index of any source (headings included).
        dense: Every source's unit rows stacked in source order, (N, d).
        lexical: The same for the TF-IDF rows, (N, V).
        offset: Per source id, its first row in ``dense`` and ``lexical``.
    """

    order: tuple[str, ...]
    units: Mapping[str, Units]
    pos: Mapping[str, Mapping[int, int]]
    vocabulary: int
    dim: int
    span: int
    dense: Array
    lexical: sparse.csr_matrix
    offset: Mapping[str, int]


def _source_units(
    sents: Sequence[Sentence], vectors: Array, lex: sparse.csr_matrix, text: str, vocabulary: int
) -> Units:
    n = len(sents)
    keep = [s.index for s in sents]
    dense = normalise_rows(np.asarray(vectors, dtype=np.float32)[keep]) if n else np.zeros((0, 1))
    if n >= 2:
        md = normalise_rows(dense[:-1] + dense[1:])
        ml = normalise_sparse(lex[:-1] + lex[1:])
        # Rewrites merge sentences within a paragraph; a pair across a paragraph break never merges.
        same_para = np.array(["\n" not in text[sents[k].end : sents[k + 1].start] for k in range(n - 1)])
        md = md * same_para[:, None]
    else:
        md = np.zeros((0, dense.shape[1] if dense.ndim == 2 else 1), dtype=np.float32)
        ml = sparse.csr_matrix((0, vocabulary))
        same_para = np.zeros(0, dtype=bool)
    questions = np.array([s.text.rstrip("\"')").endswith("?") for s in sents], dtype=bool)
    return Units(tuple(sents), dense, lex, md, ml, same_para, questions)


def build_story(
    sentences: Mapping[str, Sequence[Sentence]], vectors: Mapping[str, Array], texts: Mapping[str, str]
) -> Story:
    """Every source's body sentences with unit embeddings, TF-IDF rows over the whole story, and the
    vectors of adjacent pairs (merge candidates).

    Args:
        sentences: Per source id (in the user's order), its sentences.
        vectors: Per source id, one embedding row per sentence of ``sentences``.
        texts: Per source id, the cleaned text (paragraph breaks decide which pairs may merge).
    """
    order = tuple(sentences)
    body = {sid: [s for s in sentences[sid] if not s.is_heading] for sid in order}
    all_body = [s for sid in order for s in body[sid]]
    lex_all = tfidf_matrix([s.text for s in all_body]) if all_body else sparse.csr_matrix((0, 1))
    units: dict[str, Units] = {}
    offset: dict[str, int] = {}
    row = 0
    for sid in order:
        offset[sid] = row
        n = len(body[sid])
        units[sid] = _source_units(
            body[sid], vectors[sid], lex_all[row : row + n], texts[sid], lex_all.shape[1]
        )
        row += n
    pos = {sid: {s.index: k for k, s in enumerate(units[sid].sentences)} for sid in order}
    dim = next((u.dense.shape[1] for u in units.values() if u.dense.ndim == 2 and len(u.sentences)), 1)
    span = 1 + max((s.index for sid in order for s in sentences[sid]), default=0)
    dense = np.vstack(
        [units[sid].dense for sid in order if len(units[sid].sentences)] or [np.zeros((0, dim))]
    )
    return Story(order, units, pos, lex_all.shape[1], dim, span, dense, lex_all.tocsr(), offset)
