"""Compare embedding backends: torch (sentence-transformers) vs ONNX float vs ONNX int8.

Each backend runs in its own fresh Python process so import time and peak RSS are its own. Prints a table;
asserts nothing. Run from the repo root:

    python bench/bench_embed.py [--repeat-texts 10] [--warm-runs 3]

The ONNX files are built first if missing (``python -m core.embed.onnx_build build``), which needs torch.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("torch", "onnx-fp32", "onnx-int8")


def _worker(backend: str, texts_file: Path, out_prefix: Path, warm_runs: int) -> None:
    """Runs inside a fresh process: imports, loads, embeds; writes timings (JSON) and vectors (.npy)."""
    texts: list[str] = json.loads(texts_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    if backend == "torch":
        import sentence_transformers  # noqa: F401 - the import being timed

        from core.embed import SentenceTransformerEmbedder
    else:
        import onnxruntime  # noqa: F401 - the import being timed
        import tokenizers  # noqa: F401

        from core.embed.onnx import OnnxEmbedder
    imported = time.perf_counter()
    if backend == "torch":
        embedder = SentenceTransformerEmbedder()
    else:
        embedder = OnnxEmbedder(quantize=backend == "onnx-int8")
    loaded = time.perf_counter()
    vectors = embedder.encode(texts)
    cold = time.perf_counter() - loaded
    warm = []
    for _ in range(warm_runs):
        t0 = time.perf_counter()
        embedder.encode(texts)
        warm.append(time.perf_counter() - t0)
    import numpy as np

    np.save(out_prefix.with_suffix(".npy"), vectors)
    heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers", "onnx") if m in sys.modules)
    result = {
        "backend": backend,
        "name": embedder.name,
        "import_s": imported - started,
        "load_s": loaded - imported,
        "cold_per_s": len(texts) / cold,
        "warm_per_s": len(texts) / min(warm) if warm else float("nan"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        "heavy_modules": heavy,
    }
    out_prefix.with_suffix(".json").write_text(json.dumps(result), encoding="utf-8")


def _bench_texts(repeat: int) -> list[str]:
    sys.path.insert(0, str(REPO_ROOT))
    from tests.test_embed_onnx import NEWS_SENTENCES

    # Distinct strings (so nothing could be cached) of realistic, varied lengths.
    return [f"{text} ({i})" if i else text for i in range(repeat) for text in NEWS_SENTENCES]


def main() -> int:
    """Builds the ONNX files if needed, runs every backend in a subprocess, prints the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat-texts", type=int, default=10, help="copies of the 53 test sentences")
    parser.add_argument("--warm-runs", type=int, default=3, help="warm passes; the best is reported")
    parser.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.texts, args.out, args.warm_runs)
        return 0

    import numpy as np

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for extra in ([], ["--float"]):
        cmd = [sys.executable, "-m", "core.embed.onnx_build", "build", *extra]
        subprocess.run(cmd, cwd=REPO_ROOT, env=env, check=True)

    texts = _bench_texts(args.repeat_texts)
    results: dict[str, dict[str, object]] = {}
    vectors: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        for backend in BACKENDS:
            out = Path(tmp) / backend
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", backend]
            command += ["--texts", str(texts_file), "--out", str(out), "--warm-runs", str(args.warm_runs)]
            subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, capture_output=True)
            results[backend] = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
            vectors[backend] = np.load(out.with_suffix(".npy"))

    print(f"{len(texts)} texts, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    header = (
        f"{'backend':<10} {'import s':>8} {'load s':>7} {'cold/s':>7} {'warm/s':>7} {'peak RSS MB':>11} "
        f"{'cos mean':>8} {'cos min':>8}  heavy modules imported"
    )
    print(header)
    print("-" * len(header))
    for backend in BACKENDS:
        r = results[backend]
        cos = np.sum(vectors[backend] * vectors["torch"], axis=1)
        print(
            f"{backend:<10} {r['import_s']:>8.2f} {r['load_s']:>7.2f} {r['cold_per_s']:>7.0f} "
            f"{r['warm_per_s']:>7.0f} {r['peak_rss_mb']:>11.0f} {cos.mean():>8.4f} {cos.min():>8.4f}  "
            f"{','.join(r['heavy_modules']) or '-'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
