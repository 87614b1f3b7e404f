"""Alignment quality on ECB+: precision, recall and F1 of cross-document sentence pairs, per AlignConfig.

Each of the 86 sub-topics (several outlets on one story) is compared on its own with
``compare(..., with_facts=False)``. Every link of the Comparison (direct or implied by a claim group) pairs
each sentence of one passage with each sentence of the other; each of our sentences stands for the ECB+
sentence(s) its character span overlaps (our segmentation may differ from the corpus's, and cleaning may
shift offsets, which are mapped back through a character alignment of the two texts).

Scored against ``sentence_pairs.jsonl`` (two sentences share a coreferent event) restricted to ECB+'s
``selected`` sentences on both sides and to same-sub-topic pairs, as the data set's README recommends:

* ``all``: every such gold pair;
* ``strict``: ignoring ``reporting_only`` pairs (only a shared "said"): they count neither way.

Gold recall is incomplete outside selected sentences, which is why nothing else is scored. The embeddings
are cached, so the sweep re-aligns only. Baselines: plain cosine threshold over the same sentences, and
mutual nearest neighbours above a cosine floor. Run from the repo root; asserts nothing:

    python bench/eval_align.py [--backend onnx|torch] [--max-groups N] [--no-sweep]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
ECB_DIR = REPO_ROOT.parent / "shared" / "eval" / "ecbplus"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

Key = tuple[str, int]  # (doc_id, ECB+ sid)
PairKey = tuple[Key, Key]


def pair_key(x: Key, y: Key) -> PairKey:
    return (x, y) if x <= y else (y, x)


@dataclass
class Group:
    subtopic: str
    articles: list  # core.model.Article
    # Per doc: for each of our sentence indices, the ECB+ sids it overlaps.
    sent_map: dict[str, dict[int, tuple[int, ...]]]
    sentences: dict  # source id -> tuple[Sentence, ...]


def char_map(orig: str, clean: str) -> np.ndarray:
    """For every character offset of ``orig`` (0..len), the corresponding offset in ``clean``."""
    if orig == clean:
        return np.arange(len(orig) + 1)
    out = np.zeros(len(orig) + 1, dtype=np.int64)
    sm = difflib.SequenceMatcher(None, orig, clean, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out[i1:i2] = np.arange(j1, j2)
        else:
            out[i1:i2] = j1
    out[len(orig)] = len(clean)
    return out


def load_groups(max_groups: int | None) -> tuple[list[Group], dict[Key, bool], list[str]]:
    from core.ingest import IngestError, article_from_text
    from core.pipeline import segment_all

    docs = [json.loads(line) for line in (ECB_DIR / "docs.jsonl").open(encoding="utf-8")]
    selected: dict[Key, bool] = {}
    by_sub: dict[str, list[tuple[dict, object]]] = {}
    notes = []
    for d in docs:
        for s in d["sentences"]:
            selected[(d["doc_id"], s["sid"])] = bool(s["selected"])
        try:
            art = article_from_text(d["doc_id"], d["text"], origin="ecbplus")
        except IngestError as exc:
            notes.append(f"skipped {exc}")
            continue
        by_sub.setdefault(d["subtopic"], []).append((d, art))
    groups = []
    for sub, members in sorted(by_sub.items()):
        if len(members) < 2:
            continue
        arts = [a for _, a in members]
        sentences = segment_all(arts)
        sent_map: dict[str, dict[int, tuple[int, ...]]] = {}
        for d, art in members:
            cmap = char_map(d["text"], art.text)
            spans = [(int(cmap[s["start"]]), int(cmap[s["end"]]), s["sid"]) for s in d["sentences"]]
            per: dict[int, tuple[int, ...]] = {}
            for ours in sentences[art.source_id]:
                per[ours.index] = tuple(sid for a, b, sid in spans if min(b, ours.end) > max(a, ours.start))
            sent_map[art.source_id] = per
        groups.append(Group(sub, arts, sent_map, sentences))
        if max_groups is not None and len(groups) >= max_groups:
            break
    return groups, selected, notes


def load_gold(docs: set[str]) -> tuple[set[PairKey], set[PairKey]]:
    """(gold pairs, reporting-only gold pairs) with both sides selected, same sub-topic, docs compared."""
    gold: set[PairKey] = set()
    reporting: set[PairKey] = set()
    for line in (ECB_DIR / "sentence_pairs.jsonl").open(encoding="utf-8"):
        p = json.loads(line)
        if (
            not (p["both_selected"] and p["same_subtopic"])
            or p["doc_a"] not in docs
            or p["doc_b"] not in docs
        ):
            continue
        k = pair_key((p["doc_a"], p["sid_a"]), (p["doc_b"], p["sid_b"]))
        gold.add(k)
        if p["reporting_only"]:
            reporting.add(k)
    return gold, reporting


def expand(
    group: Group, pairs: Iterable[tuple[str, int, str, int]], selected: dict[Key, bool]
) -> set[PairKey]:
    """Our (doc, sentence index) pairs -> ECB+ sentence pairs with both sides selected."""
    out: set[PairKey] = set()
    for da, ia, db, ib in pairs:
        for x in group.sent_map[da].get(ia, ()):
            if not selected.get((da, x)):
                continue
            for y in group.sent_map[db].get(ib, ()):
                if selected.get((db, y)):
                    out.add(pair_key((da, x), (db, y)))
    return out


def predicted_pairs(
    group: Group, comparison, selected: dict[Key, bool], *, direct_only: bool
) -> set[PairKey]:
    ours = (
        (link.a.source_id, i, link.b.source_id, j)
        for link in comparison.links
        if link.direct or not direct_only
        for i in link.a.indices
        for j in link.b.indices
    )
    return expand(group, ours, selected)


@dataclass
class Score:
    pred: int
    tp: int
    gold: int

    @property
    def p(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def r(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


def score(pred: set[PairKey], gold: set[PairKey], reporting: set[PairKey]) -> tuple[Score, Score]:
    full = Score(len(pred), len(pred & gold), len(gold))
    strict_gold = gold - reporting
    strict_pred = pred - reporting
    strict = Score(len(strict_pred), len(strict_pred & strict_gold), len(strict_gold))
    return full, strict


def baseline_pairs(group: Group, vectors: dict[str, np.ndarray], selected, threshold: float, mutual: bool):
    ids = [a.source_id for a in group.articles]
    ours = []
    for x, da in enumerate(ids):
        body_a = [s.index for s in group.sentences[da] if not s.is_heading]
        for db in ids[x + 1 :]:
            body_b = [s.index for s in group.sentences[db] if not s.is_heading]
            if not body_a or not body_b:
                continue
            sims = vectors[da][body_a] @ vectors[db][body_b].T
            ok = sims >= threshold
            if mutual:
                ok &= (sims == sims.max(axis=1, keepdims=True)) & (sims == sims.max(axis=0, keepdims=True))
            ours.extend((da, body_a[i], db, body_b[j]) for i, j in zip(*np.nonzero(ok), strict=True))
    return expand(group, ours, selected)


def sweep_configs(default) -> list[tuple[str, object]]:
    out = [("default", default)]
    for v in (1.04, 1.08, 1.16, 1.20):
        out.append((f"min_margin={v}", replace(default, min_margin=v)))
    for v in (0.55, 0.60, 0.70, 0.75):
        out.append((f"min_score={v}", replace(default, min_score=v)))
    for v in (0.0, 0.25, 0.75, 1.0):
        out.append((f"lexical_weight={v}", replace(default, lexical_weight=v)))
    out.append(("allow_merges=False", replace(default, allow_merges=False)))
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """``bench.table`` with every float at three decimals (scores, not timings)."""
    from bench.bench import table as plain_table

    return plain_table(headers, [[f"{c:.3f}" if isinstance(c, float) else c for c in r] for r in rows])


def row(name: str, full: Score, strict: Score, seconds: float | None = None) -> list[object]:
    return [
        name,
        full.pred,
        full.tp,
        full.p,
        full.r,
        full.f1,
        strict.p,
        strict.r,
        strict.f1,
        "-" if seconds is None else f"{seconds:.1f}",
    ]


HEADERS = ["config", "pred", "tp", "P", "R", "F1", "P strict", "R strict", "F1 strict", "align s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="onnx", choices=["onnx", "torch", "hashing"])
    parser.add_argument("--max-groups", type=int, default=None, help="only the first N sub-topics")
    parser.add_argument("--no-sweep", action="store_true", help="default config and baselines only")
    args = parser.parse_args()
    if not (ECB_DIR / "docs.jsonl").is_file():
        print(f"ECB+ not found at {ECB_DIR}; nothing to evaluate")
        return 0

    from core.config import DEFAULT_ALIGN
    from core.embed import CachingEmbedder, load_embedder
    from core.pipeline import CompareError, compare, embed_all

    t0 = time.perf_counter()
    groups, selected, notes = load_groups(args.max_groups)
    docs = {a.source_id for g in groups for a in g.articles}
    gold, reporting = load_gold(docs)
    embedder = CachingEmbedder(load_embedder(args.backend))
    vectors = [embed_all(g.sentences, embedder) for g in groups]
    print(
        f"backend {embedder.name}; {len(groups)} sub-topics, {len(docs)} docs, "
        f"{sum(len(s) for g in groups for s in g.sentences.values())} of our sentences, "
        f"embedded in {time.perf_counter() - t0:.0f} s"
    )
    n_sel = sum(1 for (d, _), v in selected.items() if v and d in docs)
    print(
        f"gold: {len(gold)} pairs over {n_sel} selected sentences (both sides selected, same sub-topic), "
        f"{len(reporting)} of them reporting-only; 'strict' ignores those"
    )
    for note in notes:
        print(f"note: {note}")
    unmapped = sum(1 for g in groups for d, per in g.sent_map.items() for sids in per.values() if not sids)
    multi = sum(1 for g in groups for per in g.sent_map.values() for sids in per.values() if len(sids) > 1)
    print(f"segmentation: {multi} of our sentences span >1 ECB+ sentence, {unmapped} map to none")

    def evaluate(config, *, direct_only: bool = False) -> tuple[Score, Score, float]:
        preds: set[PairKey] = set()
        seconds = 0.0
        for g in groups:
            try:
                comp = compare(g.articles, embedder, config, with_facts=False)
            except CompareError:
                continue
            seconds += comp.timings.get("align", 0.0)
            preds |= predicted_pairs(g, comp, selected, direct_only=direct_only)
        full, strict = score(preds, gold, reporting)
        return full, strict, seconds

    rows = []
    configs = sweep_configs(DEFAULT_ALIGN) if not args.no_sweep else [("default", DEFAULT_ALIGN)]
    for name, cfg in configs:
        full, strict, secs = evaluate(cfg)
        rows.append(row(name, full, strict, secs))
        print(f"  {name}: F1 {full.f1:.3f}", file=sys.stderr, flush=True)
        if name == "default":
            full_d, strict_d, secs_d = evaluate(cfg, direct_only=True)
            rows.append(row("default, direct links only", full_d, strict_d, secs_d))
    for mutual in (False, True):
        for t in (0.4, 0.5, 0.6, 0.7):
            if not mutual and t == 0.4:
                continue
            preds: set[PairKey] = set()
            for g, vec in zip(groups, vectors, strict=True):
                preds |= baseline_pairs(g, vec, selected, t, mutual)
            full, strict = score(preds, gold, reporting)
            rows.append(row(f"{'mutual-NN + ' if mutual else ''}cosine >= {t}", full, strict))
    print()
    print(table(HEADERS, rows))
    d = DEFAULT_ALIGN
    print(
        "\ndefault AlignConfig: "
        + ", ".join(f"{f.name}={getattr(d, f.name)}" for f in fields(d))
        + "\npairs counted on ECB+ sentences (both selected); a link of an n- and an m-sentence passage"
        " gives n*m pairs.\nGold is a proxy (a shared coreferent event, not 'same content') and is"
        " incomplete outside selected sentences, so precision is a lower bound."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
