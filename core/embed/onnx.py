"""all-MiniLM-L6-v2 on onnxruntime: the same embeddings as the torch backend, faster and lighter.

``OnnxEmbedder`` runs the file ``core.embed.onnx_build.ensure_onnx_model`` provides with onnxruntime and
``tokenizers`` alone, reproducing the sentence-transformers pipeline of this model (``modules.json``):
Transformer (max_seq_length 256) -> mean pooling over the attention mask (``1_Pooling/config.json``) ->
Normalize. No torch at run time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.embed.model import DIM, MAX_MODEL_CHARS, MAX_SEQ_LENGTH, MODEL_NAME, Vectors, packaged_model_path
from core.embed.onnx_build import ensure_onnx_model
from core.embed.runtime import compute_threads

if TYPE_CHECKING:
    from tokenizers import Encoding

logger = logging.getLogger(__name__)


class OnnxEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime + tokenizers; no torch at run time once the model file exists.

    Thread-safe: ``InferenceSession.run`` may be called concurrently, and the tokenizer is configured once
    and only read afterwards.

    One text per ``session.run`` by default, so a text's vector depends on that text alone. Dynamic int8
    quantisation scales activations per tensor, i.e. over the whole padded batch: batched, a sentence's
    vector shifted with its batch mates (cosine down to 0.956 against itself alone), so the same articles
    could align differently depending on which other texts the shared cache had already embedded (another
    visitor's, or a source added later), and the command line and the app could disagree. Measured on 2
    cores (CPU-s, onnxruntime 1.31, one intra-op thread): the 223 seed sentences 1.68 one at a time vs 1.69
    in batches of 16 sorted by characters; 1,975 ECB+ sentences 17.2 vs 16.5 by characters and 13.4 by
    tokens. One at a time is also a little closer to torch (mean cosine 0.9911 vs 0.9902, min 0.972 vs
    0.966 on the test sentences). ``batch_size > 1`` (faster on many short texts, batch-dependent) groups
    texts by token count, which pads less than grouping by characters (seeds: +13 % vs +32 % tokens).
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        quantize: bool = True,
        cache_dir: Path | None = None,
        model_dir: Path | None = None,
        batch_size: int = 1,
        intra_op_threads: int | None = None,
    ) -> None:
        """Loads (building first if needed) the ONNX model and the tokenizer.

        Args:
            model_path: An existing ``.onnx`` file to run; by default ``ensure_onnx_model`` provides it.
            quantize: Use the int8 model (default) or the float one.
            cache_dir: Cache folder passed to ``ensure_onnx_model``.
            model_dir: The sentence-transformers model folder (tokenizer source); default: the packaged one.
            batch_size: Texts per ``session.run``; 1 (default) makes every vector independent of the others.
            intra_op_threads: onnxruntime intra-op threads; default ``compute_threads()`` (1 unless the
                operator sets ``NEWSCOMPARE_THREADS``).
        """
        # Imported here to keep importing this module cheap; onnxruntime ships no type information.
        import onnxruntime as ort  # noqa: PLC0415
        from tokenizers import Tokenizer  # noqa: PLC0415 - keeps importing this module cheap

        model_dir = Path(model_dir) if model_dir is not None else packaged_model_path()
        from_cache = model_path is None
        if model_path is None:
            model_path = ensure_onnx_model(cache_dir, quantize=quantize, model_dir=model_dir, isolate=True)
        self.model_path = Path(model_path)
        self.quantized = quantize
        self.name = f"onnx-{'int8' if quantize else 'fp32'}:{MODEL_NAME}"
        self.batch_size = batch_size

        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        padding = tokenizer.padding or {}
        tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        # tokenizer.json pads to a fixed 128; sentence-transformers pads a batch to its longest member
        # (padding=True), which ``_run`` does itself, so the tokenizer returns unpadded encodings.
        tokenizer.no_padding()
        self._pad_id = int(padding.get("pad_id", 0))
        self._tokenizer = tokenizer
        self.intra_op_threads = intra_op_threads or compute_threads()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            if not from_cache:
                raise
            # A damaged cache file (disk full, manual edit): rebuild it once rather than stay on torch.
            logger.warning("cached ONNX model %s unusable (%s); rebuilding it", self.model_path, exc)
            self.model_path.unlink(missing_ok=True)
            self.model_path = ensure_onnx_model(cache_dir, quantize=quantize, model_dir=model_dir)
            self._session = ort.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        self._input_names = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # guards only the counters below
        self.calls = 0
        self.texts_encoded = 0

    def _run(self, encodings: Sequence[Encoding]) -> Vectors:
        """Vectors of tokenised texts in one ``session.run``, padded to the longest (pad id, mask 0)."""
        width = max(len(e.ids) for e in encodings)
        input_ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
        type_ids = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            input_ids[row, : len(e.ids)] = e.ids
            attention_mask[row, : len(e.ids)] = e.attention_mask
            type_ids[row, : len(e.ids)] = e.type_ids
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = type_ids
        hidden = self._session.run(["last_hidden_state"], feeds)[0]
        # Mean pooling over real tokens (1_Pooling/config.json: pooling_mode_mean_tokens).
        mask = attention_mask[:, :, None].astype(np.float32)
        summed = (hidden * mask).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1), 1e-9, None)
        # Normalize module (modules.json, 2_Normalize).
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: Vectors = (pooled / norms).astype(np.float32, copy=False)
        return unit

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embeds texts.

        Args:
            texts: Any number of strings; each is clipped to ``MAX_MODEL_CHARS`` characters and to
                ``MAX_SEQ_LENGTH`` word pieces.

        Returns:
            float32 array of shape ``(len(texts), 384)`` with L2-normalised rows, in input order.
        """
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([t[:MAX_MODEL_CHARS] for t in texts])
        # Most word pieces first, so a batch pads to similar lengths and the big batch comes first.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids), reverse=True)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            out[idx] = self._run([encodings[i] for i in idx])
        with self._lock:
            self.calls += 1
            self.texts_encoded += len(texts)
        return out
