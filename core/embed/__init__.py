"""Sentence embedding behind a small interface, so tests can use a fake and the app can swap backends.

Backends (``load_embedder(name)``):
    ``onnx``: all-MiniLM-L6-v2 int8 on onnxruntime (``core.embed.onnx``); no torch at run time.
    ``torch``: sentence-transformers on torch CPU with the same model (``core.embed.torch``; the reference).
    ``hashing``: a deterministic bag-of-words fake for tests (``core.embed.hashing``; no model).

Modules: ``model`` (the model's name, size, limits and local path; the ``Embedder`` protocol), ``runtime``
(thread counts), ``cache`` (``CachingEmbedder``), ``hashing``, ``torch``, ``onnx`` and ``onnx_build``
(building and finding the ONNX file). Models are always loaded from a local path; nothing is downloaded at
run time. Importing this package imports neither torch nor onnxruntime.
"""

from __future__ import annotations

import logging
import time

from core.embed.cache import CachingEmbedder
from core.embed.hashing import HashingEmbedder
from core.embed.model import (
    DIM,
    MAX_MODEL_CHARS,
    MODEL_NAME,
    Embedder,
    ProgressFn,
    Vectors,
    normalise,
    packaged_model_path,
)
from core.embed.runtime import THREADS_ENV, compute_threads, limit_blas_threads
from core.embed.torch import SentenceTransformerEmbedder  # cheap: sentence-transformers loads on first use

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DIM",
    "MAX_MODEL_CHARS",
    "MODEL_NAME",
    "THREADS_ENV",
    "CachingEmbedder",
    "Embedder",
    "HashingEmbedder",
    "ProgressFn",
    "SentenceTransformerEmbedder",
    "Vectors",
    "compute_threads",
    "limit_blas_threads",
    "load_embedder",
    "normalise",
    "packaged_model_path",
]

BACKENDS = ("torch", "onnx", "hashing")
# The one default of the command line, the app, the benchmarks and the batch path: int8 MiniLM on
# onnxruntime (no torch in the process; 124 MB after load vs 512 MB for torch). Everything that compares
# by default uses this constant, so the same articles give the same tables everywhere.
DEFAULT_BACKEND = "onnx"

log = logging.getLogger(__name__)


def load_embedder(backend: str = DEFAULT_BACKEND) -> Embedder:
    """Builds a backend by name. ``onnx`` falls back to ``torch`` when onnxruntime cannot run it.

    Also limits BLAS to ``compute_threads()`` threads for the process (see ``core.embed.runtime``): every
    process that compares loads an embedder first, so this is the one place the thread policy is applied.

    Args:
        backend: One of ``BACKENDS``.

    Raises:
        ValueError: An unknown backend name.
    """
    t0 = time.perf_counter()
    limit_blas_threads()
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
            from core.embed.onnx import OnnxEmbedder  # noqa: PLC0415 - optional backend

            return OnnxEmbedder()
        except Exception as exc:  # noqa: BLE001 - any failure of the optional backend falls back
            log.warning("ONNX backend unavailable (%s); using torch", exc)
            return SentenceTransformerEmbedder()
    raise ValueError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
