"""Story clustering scored on ECB+ without its labels: all 982 articles are clustered as one flat pile and
the groups are scored against the 86 sub-topics (B-cubed precision/recall/F1 and adjusted Rand).

ECB+ is hard on purpose: each topic has two sub-topics about two *similar* events (two celebrities
entering rehab, two earthquakes), so a clustering that only sees "what kind of story" merges them.

Also prints a held-out check: the realnews development set (3 stories x 6 outlets, with titles) plus the
demo set (1 invented story, 4 outlets), 22 articles, 4 stories, dates removed so that only the text
decides. The default threshold is the centre of the range where this pile is split exactly.

    python bench/eval_cluster.py [--backend onnx|torch] [--weights 0 0.2 0.3 0.5 1]

An article that ingest cannot read stays a group of its own (it is still scored). Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
ECB_DOCS = SHARED / "eval" / "ecbplus" / "docs.jsonl"
REALNEWS = SHARED / "eval" / "realnews" / "stories"
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from core.batch.cluster import (  # noqa: E402
    DEFAULT_CLUSTER,
    FAR,
    ClusterConfig,
    article_vectors,
    cut,
    date_conflicts,
    lexical_similarity,
)
from core.batch.inputs import article_from_record, iter_jsonl, load_files  # noqa: E402
from core.ingest import IngestError  # noqa: E402
from core.model import Article  # noqa: E402

THRESHOLDS = [round(x, 3) for x in np.arange(0.50, 0.901, 0.025)]


def bcubed(pred: Sequence[int], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998): per article, the share of its predicted
    group that shares its gold story, and the share of its gold story found in its predicted group."""
    p_arr, g_arr = np.asarray(pred), np.asarray(gold, dtype=object)
    precision = recall = 0.0
    for i in range(len(p_arr)):
        same_pred, same_gold = p_arr == p_arr[i], g_arr == g_arr[i]
        both = float((same_pred & same_gold).sum())
        precision += both / same_pred.sum()
        recall += both / same_gold.sum()
    precision, recall = precision / len(p_arr), recall / len(p_arr)
    return precision, recall, 2 * precision * recall / (precision + recall)


def load_ecb() -> tuple[list[Article], list[str], list[str]]:
    """Readable articles with their sub-topic, and the sub-topics of the unreadable ones."""
    articles, gold, unreadable = [], [], []
    for number, record, _ in iter_jsonl(ECB_DOCS):
        if record is None:
            continue
        try:
            articles.append(article_from_record(record, line=number, origin="ecb+"))
            gold.append(str(record["subtopic"]))
        except IngestError:
            unreadable.append(str(record["subtopic"]))
    return articles, gold, unreadable


def load_heldout() -> tuple[list[Article], list[str]]:
    from core.demo import demo_articles

    articles, gold = list(demo_articles()), ["demo"] * 4
    if REALNEWS.is_dir():
        for story in sorted(p for p in REALNEWS.iterdir() if p.is_dir()):
            found, _ = load_files([story])
            articles += [replace(a, source_id=f"{story.name}/{a.source_id}") for a in found]
            gold += [story.name] * len(found)
    # Dates removed: the four stories are years apart, and the dates guard alone would keep them apart.
    return [replace(a, published=None) for a in articles], gold


class Scorer:
    """Distances computed once per pile (semantic and lexical parts apart), then cut at any threshold."""

    def __init__(self, articles: Sequence[Article], embedder: object, config: ClusterConfig) -> None:
        t0 = time.perf_counter()
        vectors = article_vectors(articles, embedder, lead=config.lead_sentences)  # type: ignore[arg-type]
        self.embed_seconds = time.perf_counter() - t0
        self.semantic = vectors @ vectors.T
        self.lexical = lexical_similarity(articles)
        self.conflicts = date_conflicts(articles, config.max_days)

    def labels(self, weight: float, threshold: float, extra: int = 0) -> list[int]:
        distance = np.clip(1.0 - (weight * self.semantic + (1 - weight) * self.lexical), 0.0, 2.0)
        distance[self.conflicts] = FAR
        np.fill_diagonal(distance, 0.0)
        labels = [0] * len(distance)
        for n, group in enumerate(cut((distance + distance.T) / 2, threshold)):
            for i in group:
                labels[i] = n
        top = max(labels, default=-1)
        return labels + list(range(top + 1, top + 1 + extra))  # unreadable articles: one group each


def score(labels: list[int], gold: list[str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    p, r, f = bcubed(labels, gold)
    return {"P": p, "R": r, "F1": f, "ARI": adjusted_rand_score(gold, labels), "k": len(set(labels))}


def sweep(scorer: Scorer, gold: list[str], weights: Sequence[float], extra: int = 0) -> None:
    print(f"{'weight':>6} {'thr':>6} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'ARI':>6} {'groups':>6}")
    for w in weights:
        best = None
        for t in THRESHOLDS:
            s = score(scorer.labels(w, t, extra), gold)
            best = max(best or (0.0, t), (s["F1"], t))
            mark = (
                " <- default"
                if (w, t) == (DEFAULT_CLUSTER.embedding_weight, DEFAULT_CLUSTER.threshold)
                else ""
            )
            cells = f"{s['P']:>6.3f} {s['R']:>6.3f} {s['F1']:>6.3f} {s['ARI']:>6.3f} {s['k']:>6}"
            print(f"{w:>6.2f} {t:>6.3f} {cells}{mark}")
        assert best is not None
        print(f"  weight {w:.2f}: best B3 F1 {best[0]:.3f} at {best[1]:.3f}")


def evaluate(
    embedder: object, *, weights: Sequence[float] = (), verbose: bool = True
) -> dict[str, dict[str, float]]:
    """Scores of the default clustering on ECB+ and on the held-out pile (and the sweeps when verbose)."""
    out: dict[str, dict[str, float]] = {}
    if ECB_DOCS.exists():
        articles, gold, unreadable = load_ecb()
        scorer = Scorer(articles, embedder, DEFAULT_CLUSTER)
        gold_all = gold + unreadable
        if verbose:
            print(
                f"ECB+: {len(gold_all)} articles ({len(unreadable)} unreadable by ingest: singletons), "
                f"{len(set(gold_all))} sub-topics; article vectors in {scorer.embed_seconds:.1f} s"
            )
            sweep(scorer, gold_all, weights, extra=len(unreadable))
        out["ecbplus"] = score(
            scorer.labels(DEFAULT_CLUSTER.embedding_weight, DEFAULT_CLUSTER.threshold, len(unreadable)),
            gold_all,
        )
    articles, gold = load_heldout()
    scorer = Scorer(articles, embedder, DEFAULT_CLUSTER)
    if verbose:
        print(f"\nheld out (realnews + demo): {len(articles)} articles, {len(set(gold))} stories")
        sweep(scorer, gold, [DEFAULT_CLUSTER.embedding_weight])
    out["heldout"] = score(scorer.labels(DEFAULT_CLUSTER.embedding_weight, DEFAULT_CLUSTER.threshold), gold)
    return out


def main(argv: list[str] | None = None) -> int:
    from core.batch.work import default_backend, load_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=default_backend())
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.2, 0.3, 0.5, 1.0])
    args = parser.parse_args(argv)
    embedder = load_model(args.backend, threads=2)
    results = evaluate(embedder, weights=args.weights)
    print(
        f"\ndefault: threshold {DEFAULT_CLUSTER.threshold}, embedding weight "
        f"{DEFAULT_CLUSTER.embedding_weight}, lead {DEFAULT_CLUSTER.lead_sentences} sentences, {args.backend}"
    )
    for name, s in results.items():
        print(
            f"  {name}: B3 P {s['P']:.3f} R {s['R']:.3f} F1 {s['F1']:.3f}, "
            f"ARI {s['ARI']:.3f}, {s['k']:.0f} groups"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
