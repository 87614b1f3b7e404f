"""A bounded, thread-safe cache of vectors keyed by text, shared by every session of one server."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from core.embed.model import Embedder, ProgressFn, Vectors


class CachingEmbedder:
    """Wraps an embedder with a bounded, thread-safe cache of vectors keyed by text.

    A second comparison of the same articles (or a re-alignment with new thresholds) embeds nothing.
    ``hits`` and ``misses`` (texts served from the cache / embedded) change only under the lock, so the
    counts stay exact when several sessions encode at once.
    """

    def __init__(self, inner: Embedder, *, max_entries: int = 200_000, batch_size: int = 256) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self.batch_size = batch_size
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0
        self.hits = 0

    def encode(self, texts: Sequence[str], progress: ProgressFn | None = None) -> Vectors:
        """Vectors of ``texts`` in input order, embedding only those not cached yet.

        Args:
            texts: Any number of strings (duplicates are embedded once).
            progress: Called with (texts embedded so far, texts to embed) after each batch.

        Returns:
            float32 array of shape ``(len(texts), dim)``; ``(0, 1)`` when ``texts`` is empty.
        """
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            self.hits += len(texts) - len(missing)
        done = 0
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i : i + self.batch_size]
            vectors = self.inner.encode(batch)
            with self._lock:
                for text, vec in zip(batch, vectors, strict=True):
                    self._cache[text] = vec
                    self._cache.move_to_end(text)
                while len(self._cache) > self.max_entries:
                    self._cache.popitem(last=False)
                self.misses += len(batch)
            done += len(batch)
            if progress is not None:
                progress(done, len(missing))
        with self._lock:
            found: list[Vectors | None] = [self._cache.get(t) for t in texts]
        # An entry evicted between the two steps (a tiny cache under load) is simply recomputed.
        gaps = [i for i, v in enumerate(found) if v is None]
        if gaps:
            recomputed = self.inner.encode([texts[i] for i in gaps])
            for i, vec in zip(gaps, recomputed, strict=True):
                found[i] = vec
        rows = [v for v in found if v is not None]
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack(rows).astype(np.float32, copy=False)
