"""sentence-transformers on torch CPU: the reference backend (imports torch; ~250 MB more than ONNX)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.embed.model import DIM, MAX_MODEL_CHARS, MODEL_NAME, Vectors, normalise, packaged_model_path


class SentenceTransformerEmbedder:
    """sentence-transformers on torch CPU: the reference backend."""

    def __init__(self, model_path: str | Path | None = None, *, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 - heavy, lazy

        self.name = f"torch:{MODEL_NAME}"
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(model_path or packaged_model_path()), device="cpu")
        # One forward pass at a time: the model object is shared by every app session.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        clipped = [t[:MAX_MODEL_CHARS] for t in texts]
        with self._lock:
            vectors = self._model.encode(
                clipped,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return normalise(vectors)
