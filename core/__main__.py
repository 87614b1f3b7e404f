"""Command line: ``python -m core compare PATH... --out DIR``."""

from __future__ import annotations

import argparse
import math
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


def _threshold(value: str) -> float:
    """A threshold given on the command line: a finite, non-negative number ("nan" and "inf" would
    silently link everything or nothing)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be a finite number of 0 or more")
    return number


def _output_problem(out: Path, report: Path | None) -> str | None:
    """Why the tables (a folder) or the report (a file) cannot be written where asked, or None.

    Checked before any work starts, so that a typo does not cost a whole comparison and a traceback.
    """
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file; give a folder for the tables"
    parent = next((p for p in (out, *out.parents) if p.exists()), None)
    if parent is not None and not parent.is_dir():
        return f"--out {out}: {parent} is a file, not a folder"
    if report is not None and report.is_dir():
        return f"--report {report} is a folder; give a file name such as report.html"
    return None


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
    cmp.add_argument("--min-margin", type=_threshold, default=DEFAULT_ALIGN.min_margin)
    cmp.add_argument("--min-score", type=_threshold, default=DEFAULT_ALIGN.min_score)
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
    problem = _output_problem(args.out, args.report)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
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
    try:
        paths = write_tables(result, args.out, include_same=args.include_same, settings=settings)
        if args.report:
            paths.append(write_report(result, args.report, settings=settings))
    except OSError as exc:  # no permission, disk full, a path that changed since the check
        where = exc.filename or args.out
        print(f"error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
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
