"""Fact pairs before/after a change to ``core.facts``: digests and CPU of the facts stage on fixed claims.

Alignment is taken out of the picture: ``--snapshot DIR`` runs the pipeline once (ONNX, no facts) on the demo
set, the seeds, the realnews development set and the first 13 ECB+ stories, and pickles each set's articles
and compared claim groups into DIR (outside the repository: the texts are copyrighted). ``--digest DIR`` then
runs only ``core.facts.compare_facts`` on those claims and prints, per set, the number of fact pairs (``same``
included), a SHA-256 over their ``repr`` and the median CPU seconds of the facts stage::

    python bench/facts_digest.py --snapshot /tmp/facts-snap
    python bench/facts_digest.py --digest /tmp/facts-snap [--repeat 3] [--dump OUT_DIR]

``--dump`` writes each set's pairs one per line, to ``diff`` two runs. The NER and analysis caches are
cleared before every run (what a fresh comparison pays; spaCy itself stays loaded). Asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _sets() -> dict[str, list[object]]:
    import dataclasses

    from core.demo import demo_articles
    from core.ingest import article_from_text, load_path, unique_ids

    out: dict[str, list[object]] = {"demo": list(demo_articles())}
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if seeds:
        arts = [dataclasses.replace(load_path(p), source_id=p.name[:3]) for p in seeds]
        out["seeds-012"] = [a for a in arts if a.source_id in {"000", "001", "002"}]
        out["seeds-all"] = arts
    stories = SHARED / "eval" / "realnews" / "stories"
    if stories.is_dir():
        for story in sorted(p for p in stories.iterdir() if p.is_dir()):
            out[f"dev-{story.name}"] = unique_ids([load_path(p) for p in sorted(story.glob("*.txt"))])
    docs = SHARED / "eval" / "ecbplus" / "docs.jsonl"
    if docs.exists():
        by_sub: dict[str, list[object]] = {}
        for line in docs.open(encoding="utf-8"):
            d = json.loads(line)
            try:
                by_sub.setdefault(d["subtopic"], []).append(article_from_text(d["doc_id"], d["text"]))
            except Exception:  # noqa: BLE001 - skipped like the ECB+ benchmark does
                continue
        subs = [s for s in sorted(by_sub) if len(by_sub[s]) >= 2][:13]
        for s in subs:
            out[f"ecb-{s}"] = by_sub[s]
    return out


def snapshot(folder: Path) -> None:
    from core.embed import CachingEmbedder, load_embedder
    from core.pipeline import compare

    folder.mkdir(parents=True, exist_ok=True)
    embedder = CachingEmbedder(load_embedder("onnx"))
    for name, arts in _sets().items():
        cmp = compare(arts, embedder, with_facts=False)  # type: ignore[arg-type]
        n = cmp.compared_claims
        claims = cmp.claims if n is None else cmp.claims[:n]
        with (folder / f"{name}.pkl").open("wb") as f:
            pickle.dump((tuple(arts), tuple(claims)), f)
        print(f"{name:32} {len(arts):3} sources {len(claims):4} claims")


def _clear_caches() -> None:
    """Every cache of ``core.facts`` (NER results, analyses, normalised names, ...): what a fresh
    process pays; spaCy itself stays loaded."""
    from core.facts import names

    cache = getattr(names, "_NER_CACHE", None)
    if cache is not None:
        cache.clear()
    for mod_name, mod in list(sys.modules.items()):
        if not mod_name.startswith("core.facts") or mod is None:
            continue
        for fn in list(vars(mod).values()):
            if callable(fn) and hasattr(fn, "cache_clear") and getattr(fn, "__module__", "") == mod_name:
                fn.cache_clear()


def digest(folder: Path, *, repeat: int, dump: Path | None) -> None:
    try:
        from core.facts import compare_facts
    except ImportError:  # before the move
        from core.pipeline import compare_facts  # type: ignore[attr-defined,no-redef]
    from core.facts.names import get_nlp

    get_nlp()
    total_cpu = 0.0
    all_hash = hashlib.sha256()
    print(f"{'set':32} {'pairs':>6} {'non-same':>8} {'cpu s':>7}  sha256")
    for path in sorted(folder.glob("*.pkl")):
        with path.open("rb") as f:
            arts, claims = pickle.load(f)
        times = []
        pairs = ()
        for _ in range(repeat):
            _clear_caches()
            t0 = time.process_time()
            pairs = compare_facts(arts, claims)
            times.append(time.process_time() - t0)
        lines = [repr(p) for p in pairs]
        h = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        all_hash.update(h.encode())
        cpu = statistics.median(times)
        total_cpu += cpu
        non_same = sum(1 for p in pairs if p.relation != "same")
        print(f"{path.stem:32} {len(pairs):6} {non_same:8} {cpu:7.2f}  {h[:16]}")
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{path.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{'all':32} {'':6} {'':8} {total_cpu:7.2f}  {all_hash.hexdigest()[:16]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path)
    parser.add_argument("--digest", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args(argv)
    if args.snapshot:
        snapshot(args.snapshot)
    if args.digest:
        digest(args.digest, repeat=args.repeat, dump=args.dump)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
