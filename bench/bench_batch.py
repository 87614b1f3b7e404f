"""The batch command on ECB+ (86 stories, 982 articles) on Dask: wall time with 1 and 2 workers, CPU seconds
per story, peak RSS per worker, and the story-clustering scores (``eval_cluster.py``).

Each run is ``core.batch.run_batch`` into a fresh folder with a LocalCluster (127.0.0.1), each worker with
one BLAS and onnxruntime thread, as ``python -m core batch`` does by default. The runs must write the same
combined Parquet bytes (checked). CPU seconds per story are the worker's process CPU time around the story;
peak RSS is the worker process's maximum resident set (``ru_maxrss``), model and spaCy included.

    python bench/bench_batch.py [--backend onnx] [--workers 1 2] [--max-stories N] [--no-cluster]

On a shared 2-core machine wall times are noisy; CPU seconds are the steadier figure. Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ECB_DOCS = REPO_ROOT.parent / "shared" / "eval" / "ecbplus" / "docs.jsonl"
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def run(stories: list, settings: object, workers: int, out: Path) -> dict[str, float]:
    from core.batch import run_batch
    from core.batch.engine import Progress

    t0 = time.perf_counter()
    result = run_batch(
        stories,
        str(out),
        settings,  # type: ignore[arg-type]
        engine="dask",
        workers=workers,
        on_result=Progress(len(stories)),
    )
    wall = time.perf_counter() - t0
    done = [s for s in result.summaries if s["status"] == "ok"]
    cpu = [s["cpu_seconds"] for s in done]
    rss: dict[int, float] = {}
    for s in done:
        rss[s["pid"]] = max(rss.get(s["pid"], 0.0), s["peak_rss_mb"])
    return {
        "wall": wall,
        "ok": len(done),
        "errors": result.count("error"),
        "failed": result.count("failed"),
        "cpu_total": sum(cpu),
        "cpu_median": statistics.median(cpu) if cpu else 0.0,
        "cpu_mean": statistics.fmean(cpu) if cpu else 0.0,
        "cpu_max": max(cpu, default=0.0),
        "rss_max": max(rss.values(), default=0.0),
        "rss_min": min(rss.values(), default=0.0),
        "workers_used": len(rss),
    }


def main(argv: list[str] | None = None) -> int:
    from core.batch import Settings, read_stories
    from core.batch.work import default_backend

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=default_backend())
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--max-stories", type=int, default=0, help="only the first N stories (0: all)")
    parser.add_argument("--no-cluster", action="store_true", help="skip the clustering scores")
    parser.add_argument("--keep", type=Path, help="write the runs under this folder and keep them")
    args = parser.parse_args(argv)
    if not ECB_DOCS.exists():
        print("../shared/eval/ecbplus is absent: nothing to measure")
        return 0
    stories, notes = read_stories(ECB_DOCS)
    if args.max_stories:
        stories = stories[: args.max_stories]
    print(
        f"ECB+: {len(stories)} stories, {sum(len(s.articles) for s in stories)} articles "
        f"({len(notes)} skipped)"
    )
    cores = len(os.sched_getaffinity(0))
    parquet = {}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as temporary:
        scratch = args.keep or Path(temporary)
        print(
            f"{'workers':>7} {'threads':>7} {'wall s':>7} {'ok':>4} {'err':>4} {'fail':>4} "
            f"{'CPU s/story med':>15} {'mean':>6} {'max':>6} {'CPU s total':>11} {'peak RSS/worker MB':>19}"
        )
        for workers in args.workers:
            threads = 1  # core.embed's policy: one compute thread per worker; more workers use more cores
            settings = Settings(backend=args.backend, threads=threads)
            out = scratch / f"w{workers}"
            if out.exists():
                shutil.rmtree(out)  # a fresh folder: nothing resumed
            r = run(stories, settings, workers, out)
            parquet[workers] = (out / "alignments.parquet").read_bytes() + (
                out / "divergences.parquet"
            ).read_bytes()
            print(
                f"{workers:>7} {threads:>7} {r['wall']:>7.1f} {r['ok']:>4} {r['errors']:>4} {r['failed']:>4} "
                f"{r['cpu_median']:>15.2f} {r['cpu_mean']:>6.2f} {r['cpu_max']:>6.1f} "
                f"{r['cpu_total']:>11.1f} {r['rss_min']:>8.0f}-{r['rss_max']:<8.0f}"
            )
    for workers, data in parquet.items():
        print(f"combined Parquet with {workers} worker(s): sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    if len(parquet) > 1:
        same = len(set(parquet.values())) == 1
        print(f"combined Parquet: {'byte-identical' if same else 'DIFFERS'} across worker counts")
    if not args.no_cluster:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from eval_cluster import evaluate

        from core.batch.cluster import DEFAULT_CLUSTER
        from core.batch.work import load_model

        model = load_model(args.backend, threads=cores)
        scores = evaluate(model, verbose=False)
        print(
            f"clustering (threshold {DEFAULT_CLUSTER.threshold}, "
            f"embedding weight {DEFAULT_CLUSTER.embedding_weight}):"
        )
        for name, s in scores.items():
            print(
                f"  {name}: B-cubed P {s['P']:.3f} R {s['R']:.3f} F1 {s['F1']:.3f}, ARI {s['ARI']:.3f}, "
                f"{s['k']:.0f} groups"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
