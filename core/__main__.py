"""Command line: ``python -m core compare PATH... --out DIR``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.config import DEFAULT_ALIGN, AlignConfig
from core.embed import BACKENDS, DEFAULT_BACKEND, CachingEmbedder, load_embedder
from core.export import Settings, write_tables
from core.ingest import IngestError, expand_paths, load_path, unique_ids
from core.pipeline import CompareError, compare
from core.report import write_report
from core.summary import summarise


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Compare news articles on one story.")
    sub = parser.add_subparsers(dest="command", required=True)
    cmp = sub.add_parser("compare", help="align the articles and write tables")
    cmp.add_argument("paths", nargs="+", type=Path, help="article files (.txt .md .html) or folders")
    cmp.add_argument("--out", type=Path, default=Path("out"), help="folder for the tables (default: out)")
    cmp.add_argument(
        "--backend",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help=f"embedding backend (default: {DEFAULT_BACKEND}, the app's)",
    )
    cmp.add_argument("--min-margin", type=float, default=DEFAULT_ALIGN.min_margin)
    cmp.add_argument("--min-score", type=float, default=DEFAULT_ALIGN.min_score)
    cmp.add_argument("--no-merges", action="store_true", help="only one-to-one links")
    cmp.add_argument(
        "--include-same", action="store_true", help="also write identical facts to divergences.csv"
    )
    cmp.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="also write a self-contained HTML report (e.g. report.html)",
    )
    from core.batch.cli import add_batch_parser  # noqa: PLC0415 - the batch command owns its subparser

    add_batch_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "batch":
        from core.batch.cli import run_batch_command  # noqa: PLC0415

        return run_batch_command(args)
    t0 = time.perf_counter()
    articles = []
    files = expand_paths(args.paths)
    for path in files:
        if not path.exists():
            print(f"skipped: {path}: no such file or folder", file=sys.stderr)
            continue
        try:
            articles.append(load_path(path))
        except IngestError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
    articles = unique_ids(articles)
    t_ingest = time.perf_counter() - t0
    config = AlignConfig(
        min_margin=args.min_margin, min_score=args.min_score, allow_merges=not args.no_merges
    )
    try:
        t1 = time.perf_counter()
        embedder = CachingEmbedder(load_embedder(args.backend))
        t_load = time.perf_counter() - t1
        result = compare(articles, embedder, config)
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = Settings(config, args.backend)  # saved in comparison.json so that it reopens the same
    paths = write_tables(result, args.out, include_same=args.include_same, settings=settings)
    if args.report:
        paths.append(write_report(result, args.report, settings=settings))
    counts = summarise(result)  # the same counts as the Overview's
    n_sent, shared = counts.sentences, counts.shared_by_all
    div, conflicts = counts.divergences, counts.conflicts
    print(f"sources      {len(result.articles)}  ({', '.join(result.source_ids)})")
    print(f"sentences    {n_sent}")
    print(f"claim groups {len(result.claims)}  ({shared} carried by every source)")
    print(f"unique       {len(result.unique)} passages only one source carries")
    print(f"divergences  {div}  ({conflicts} conflicts)")
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    stages = {"ingest": t_ingest, "model load": t_load, **result.timings}
    print("time         " + ", ".join(f"{k} {v:.2f}s" for k, v in stages.items()))
    print(f"wrote        {', '.join(str(p) for p in paths)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
