"""Alignment and fact quality on the realnews development set (real multi-outlet stories with gold).

Runs the pipeline exactly as ``python -m core compare`` does on every story folder of
``../shared/eval/realnews/stories/``, writes the tables to a temporary folder and scores them with the set's
own scorer (``score.py``, loaded from the set; never copied here). Prints one table: per story and overall
alignment recall / precision / F1, gold divergences flagged with the right relation (and flagged at all),
and agreeing facts falsely flagged. Overall figures are micro-averaged (summed counts), as the issue states
them. Asserts nothing:

    python bench/eval_realnews.py [--backend onnx|torch|hashing] [-v] [--json FILE] [--story NAME ...]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
REALNEWS = REPO_ROOT.parent / "shared" / "eval" / "realnews"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def load_scorer(root: Path = REALNEWS) -> ModuleType:
    """The development set's own scorer, imported from where the set lives."""
    spec = importlib.util.spec_from_file_location("realnews_score", root / "score.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(root / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_story(story_dir: Path, out: Path, backend: str) -> None:
    """``python -m core compare STORY --out OUT --backend BACKEND``, in this process."""
    from core.__main__ import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main(["compare", str(story_dir), "--out", str(out), "--backend", backend])
    if status != 0:
        raise RuntimeError(f"compare failed on {story_dir.name} (exit {status})")


def score_story(scorer: ModuleType, gold_path: Path, out: Path, verbose: bool) -> dict:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        res = {
            "align": scorer.score_align(gold, str(out), verbose),
            "facts": scorer.score_facts(gold, str(out), verbose),
        }
    res["log"] = buf.getvalue()
    return res


def summarise(name: str, res: dict) -> list[object]:
    a, f = res["align"], res["facts"]
    return [
        name,
        f"{a['found']}/{a['must']}",
        a["recall"],
        f"{a['good']}/{a['aligned']}",
        a["precision"],
        a["f1"],
        f"{f['right']}/{f['divergences']}",
        f"{f['flagged']}/{f['divergences']}",
        f"{f['false_flags']}/{f['agree']}",
    ]


def overall(results: dict[str, dict]) -> list[object]:
    tot = dict.fromkeys(
        ("found", "must", "good", "aligned", "right", "flagged", "divergences", "false", "agree"), 0
    )
    for res in results.values():
        a, f = res["align"], res["facts"]
        tot["found"] += a["found"]
        tot["must"] += a["must"]
        tot["good"] += a["good"]
        tot["aligned"] += a["aligned"]
        tot["right"] += f["right"]
        tot["flagged"] += f["flagged"]
        tot["divergences"] += f["divergences"]
        tot["false"] += f["false_flags"]
        tot["agree"] += f["agree"]
    r = tot["found"] / tot["must"] if tot["must"] else 0.0
    p = tot["good"] / tot["aligned"] if tot["aligned"] else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return [
        "overall",
        f"{tot['found']}/{tot['must']}",
        r,
        f"{tot['good']}/{tot['aligned']}",
        p,
        f1,
        f"{tot['right']}/{tot['divergences']} = {tot['right'] / max(tot['divergences'], 1):.0%}",
        f"{tot['flagged']}/{tot['divergences']}",
        f"{tot['false']}/{tot['agree']} = {tot['false'] / max(tot['agree'], 1):.0%}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="onnx", help="embedding backend (default: onnx, the app's)")
    parser.add_argument("--root", type=Path, default=REALNEWS, help="the realnews folder")
    parser.add_argument("--story", nargs="*", help="only these stories")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, wrong links, flags")
    parser.add_argument("--json", type=Path, help="save the per-story results")
    parser.add_argument("--keep", type=Path, help="write the tables here instead of a temporary folder")
    args = parser.parse_args(argv)
    if not (args.root / "score.py").exists():
        print(f"no development set at {args.root}; nothing to do")
        return 0
    from bench.bench import table

    scorer = load_scorer(args.root)
    stories = sorted(p for p in (args.root / "stories").iterdir() if p.is_dir())
    if args.story:
        stories = [p for p in stories if p.name in args.story]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="realnews-") as tmp:
        base = args.keep or Path(tmp)
        for story in stories:
            gold = args.root / "gold" / f"{story.name}.json"
            if not gold.exists():
                continue
            out = base / story.name
            run_story(story, out, args.backend)
            results[story.name] = score_story(scorer, gold, out, args.verbose)
            if args.verbose:
                print(f"== {story.name}\n{results[story.name]['log']}")
    headers = [
        "story",
        "musts found",
        "recall",
        "aligned right",
        "precision",
        "F1",
        "right relation",
        "flagged",
        "false flags",
    ]
    rows = [summarise(name, res) for name, res in results.items()]
    rows.append(overall(results))
    print(f"realnews development set, backend {args.backend}")
    print(table(headers, rows))
    if args.json:
        args.json.write_text(
            json.dumps(
                {k: {"align": v["align"], "facts": v["facts"]} for k, v in results.items()},
                indent=1,
                ensure_ascii=False,
                default=str,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
