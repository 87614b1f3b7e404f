"""A deterministic bag-of-words fake embedder for tests: no model, no download, no torch."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

import numpy as np

from core.embed.model import MAX_MODEL_CHARS, Vectors, normalise

_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """A fast deterministic fake: hashed word unigrams and bigrams, L2-normalised.

    Similar wording gives similar vectors, which is all the alignment tests need.
    """

    def __init__(self, dim: int = 512) -> None:
        self.name = f"hashing-{dim}"
        self.dim = dim
        self.calls = 0
        self.texts_encoded = 0

    def _bucket(self, token: str) -> int:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text[:MAX_MODEL_CHARS])]
            for w in words:
                out[row, self._bucket(w)] += 1.0
            for w1, w2 in itertools.pairwise(words):
                out[row, self._bucket(w1 + " " + w2)] += 0.5
        return normalise(out)
