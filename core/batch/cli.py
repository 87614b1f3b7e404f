"""``python -m core batch INPUT --out DIR``: many stories, compared one by one as ``compare`` does."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from core.batch.inputs import BatchInputError, Story, read_flat, read_stories, sort_stories
from core.config import DEFAULT_ALIGN, AlignConfig
from core.embed import BACKENDS

DESCRIPTION = """Compare many stories. INPUT is a folder of story folders (one folder per story, holding
its article files), a JSONL file of articles with a story key (e.g. ECB+'s docs.jsonl), or, with
--cluster, a flat folder or JSONL of articles to group into stories first. Each story is compared exactly
as `compare` does and written to DIR/stories/<story>/; DIR/alignments.parquet, DIR/divergences.parquet
and DIR/stories.csv hold every story. A re-run skips stories already written (--force redoes them).
DIR may be an fsspec URL (s3://bucket/path with s3fs installed)."""


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def add_batch_parser(sub: Any) -> None:
    """Adds the ``batch`` subcommand to the subparsers of ``python -m core``."""
    p = sub.add_parser("batch", help="compare many stories (locally or on Dask)", description=DESCRIPTION)
    p.add_argument("input", type=Path, help="folder of story folders, or .jsonl of articles")
    p.add_argument("--out", required=True, help="output folder or fsspec URL")
    p.add_argument("--engine", choices=("local", "dask"), help="default: dask with --workers/--address")
    p.add_argument("--workers", type=int, help="Dask worker processes on this machine (default: cores)")
    p.add_argument("--address", help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument(
        "--threads", type=int, help="BLAS/onnxruntime threads per worker (default 1, or $NEWSCOMPARE_THREADS)"
    )
    p.add_argument("--cluster", action="store_true", help="INPUT is a flat pile: group it into stories first")
    p.add_argument("--cluster-threshold", type=float, help="average-linkage distance cut (default 0.70)")
    p.add_argument(
        "--story-key", help="JSONL field naming the story (default: story, story_id, subtopic, topic)"
    )
    p.add_argument("--force", action="store_true", help="redo stories already written")
    p.add_argument("--retries", type=int, default=2, help="extra attempts of a story that fails (default 2)")
    p.add_argument("--backend", choices=BACKENDS, help="embedding backend (default: core's default)")
    p.add_argument("--min-margin", type=float, default=DEFAULT_ALIGN.min_margin)
    p.add_argument("--min-score", type=float, default=DEFAULT_ALIGN.min_score)
    p.add_argument("--no-merges", action="store_true", help="only one-to-one links")
    p.add_argument("--include-same", action="store_true", help="also write identical facts to divergences")


def _engine(args: argparse.Namespace) -> str:
    if args.engine:
        return str(args.engine)
    return "dask" if args.workers or args.address else "local"


def _threads(args: argparse.Namespace) -> int:
    """Compute threads per worker: ``--threads``, else ``core.embed``'s policy (``NEWSCOMPARE_THREADS``,
    default 1: more workers, not more threads, is what uses more cores)."""
    from core.embed import compute_threads  # noqa: PLC0415

    return max(1, int(args.threads)) if args.threads else compute_threads()


def run_batch_command(args: argparse.Namespace) -> int:
    """The ``batch`` subcommand; returns the exit status (0 ok, 1 a story failed, 2 nothing compared)."""
    from core.batch.cluster import DEFAULT_CLUSTER  # noqa: PLC0415
    from core.batch.run import run_batch  # noqa: PLC0415
    from core.batch.work import Settings, default_backend  # noqa: PLC0415

    engine = _engine(args)
    if engine == "local" and (args.workers or args.address):
        print("error: --workers and --address need --engine dask", file=sys.stderr)
        return 2
    workers = max(1, int(args.workers or usable_cores()))
    settings = Settings(
        backend=args.backend or default_backend(),
        config=AlignConfig(
            min_margin=args.min_margin, min_score=args.min_score, allow_merges=not args.no_merges
        ),
        include_same=args.include_same,
        force=args.force,
        threads=_threads(args),
        retries=max(0, args.retries),
    )
    if args.address and "://" not in args.out:
        print(
            f"note: every worker writes its stories itself: {args.out} must be a disk they all share",
            file=sys.stderr,
        )
    t0 = time.perf_counter()
    try:
        stories, notes, extra = _stories(args, settings, args.cluster_threshold or DEFAULT_CLUSTER.threshold)
    except BatchInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(note, file=sys.stderr)
    where = (
        "this process"
        if engine == "local"
        else (args.address or f"a local Dask cluster of {workers} workers")
    )
    print(
        f"{len(stories)} stories, {sum(len(s.articles) for s in stories)} articles; "
        f"{settings.backend} on {where}, {settings.threads} thread(s) per worker",
        file=sys.stderr,
    )
    from core.batch.engine import Progress  # noqa: PLC0415

    progress = Progress(0)

    def plan(todo: int, done: int) -> None:
        progress.total = todo
        if done:
            print(f"skipped {done} stories already written (--force redoes them)", file=sys.stderr)

    try:
        result = run_batch(
            stories,
            args.out,
            settings,
            engine=engine,
            workers=workers,
            address=args.address,
            on_result=progress,
            on_plan=plan,
            extra_tables=extra,
        )
    except RuntimeError as exc:  # the output folder is in use by another run
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _report(result, time.perf_counter() - t0)
    return result.exit_code


def _stories(
    args: argparse.Namespace, settings: Any, threshold: float
) -> tuple[list[Story], list[str], dict[str, pd.DataFrame]]:
    if not args.cluster:
        stories, notes = read_stories(args.input, story_key=args.story_key)
        return stories, notes, {}
    from dataclasses import replace  # noqa: PLC0415

    from core.batch.cluster import DEFAULT_CLUSTER, cluster_articles, stories_from_groups  # noqa: PLC0415
    from core.batch.work import load_model  # noqa: PLC0415

    articles, notes = read_flat(args.input)
    t0 = time.perf_counter()
    model = load_model(settings.backend, threads=settings.threads)
    groups = cluster_articles(articles, model, replace(DEFAULT_CLUSTER, threshold=threshold))
    stories = sort_stories(stories_from_groups(articles, groups))
    print(
        f"clustered {len(articles)} articles into {len(stories)} stories "
        f"({sum(1 for g in groups if len(g) > 1)} with two or more) in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    rows = [
        {"story": s.name, "source_id": a.source_id, "title": a.title, "origin": a.origin}
        for s in stories
        for a in s.articles
    ]
    return (
        stories,
        notes,
        {"clusters.csv": pd.DataFrame(rows, columns=["story", "source_id", "title", "origin"])},
    )


def _report(result: Any, seconds: float) -> None:
    ok, errors, failed = result.count("ok"), result.count("error"), result.count("failed")
    resumed = sum(1 for s in result.summaries if s.get("resumed") and s.get("status") == "ok")
    print(
        f"stories      {len(result.summaries)}: {ok} compared ({resumed} from an earlier run), "
        f"{errors} could not be compared, {failed} failed"
    )
    for s in result.summaries:
        if s.get("status") != "ok":
            print(f"  {s['status']}: {s['story']}: {s.get('message', '')}")
    rows = ", ".join(f"{name} {n}" for name, n in result.rows.items())
    print(f"rows         {rows}")
    print(f"time         {seconds:.1f} s")
    print(f"wrote        {', '.join(result.paths)}")
