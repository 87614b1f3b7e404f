"""Alignment cost against embedding cost at every scale, in CPU-seconds (the machine is shared).

Workloads (data read in place from ``../shared``; never copied):

* ``ecb:N``: the first N ECB+ articles (corpus order, several topics) in one comparison;
* ``syn:N``: ``bench.bench.synthetic_story`` with N sources (ECB+ sentences as each source's own extras);
* ``retell:N``: N retellings of one ~33,000-character article made of ECB+ sentences (each retelling keeps
  95 % of the sentences, rewords 30 %, swaps a few neighbours, adds 0-4 of its own), the hostile case of
  issue 15 item 6 at N = 60;
* ``copies:N``: N verbatim copies of that article.

For each it segments, embeds with a fresh ``CachingEmbedder`` (so duplicate sentences are embedded once,
as in the app) and times, in CPU-seconds of this process (``time.process_time``, all threads): the embed
stage and ``align_sources`` (median of ``--reps``). Vectors are cached in ``--cache`` so a re-run only
aligns. Prints one row per workload and the growth exponent of each stage between consecutive sizes.
Asserts nothing:

    python bench/bench_align_scale.py [--backend onnx] [--reps 3] [--workload ecb:20 syn:200 retell:60 ...]

``--whole`` instead runs the whole ``core.pipeline.compare`` (default ``Limits``, facts on, a fresh
``CachingEmbedder`` around the loaded model) on each workload once, and prints the CPU-seconds of each stage
and of the whole call, the work estimate the budget checks (``core.pipeline.estimate_work``), and whether
the comparison finished or was refused up front (the case of issue 15 item 6 is ``retell:60``):

    python bench/bench_align_scale.py --whole --workload retell:60
"""

from __future__ import annotations

import argparse
import math
import pickle
import random
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_WORKLOADS = [
    *(f"ecb:{n}" for n in (2, 5, 10, 20, 50, 100, 200)),
    *(f"syn:{n}" for n in (2, 5, 10, 20, 50, 100, 200)),
    "copies:60",
    "retell:60",
]
ARTICLE_CHARS = 33_000


def _ecb_docs() -> list[dict]:
    from bench.bench import ECB_DOCS, read_ecb_docs

    return read_ecb_docs() if ECB_DOCS.is_file() else []


def base_article(chars: int = ARTICLE_CHARS) -> list[list[str]]:
    """Paragraphs (lists of sentences) of one long article made of ECB+ sentences, ``chars`` long."""
    rng = random.Random(11)
    pool = [s["text"].strip() for d in _ecb_docs() for s in d["sentences"] if 60 <= len(s["text"]) <= 260]
    rng.shuffle(pool)
    paras: list[list[str]] = []
    size = 0
    while size < chars and pool:
        para = [pool.pop() for _ in range(rng.randint(1, 3)) if pool]
        paras.append(para)
        size += sum(len(s) + 1 for s in para) + 1
    return paras


def retellings(n: int, *, reword_share: float = 0.3, copies: bool = False) -> list:
    """``n`` retellings (or verbatim copies) of ``base_article()``, as Articles."""
    from core.ingest import article_from_text
    from core.synthetic import reword

    base = base_article()
    own = [s for para in base_article(8_000) for s in para]  # sentences of no other source
    out = []
    for i in range(n):
        rng = random.Random(1000 + i)
        paras = []
        for para in base:
            sents = list(para)
            if not copies:
                sents = [
                    reword(s, rng) if rng.random() < reword_share else s for s in sents if rng.random() > 0.05
                ]
                if len(sents) > 1 and rng.random() < 0.1:
                    sents[0], sents[1] = sents[1], sents[0]
            if sents:
                paras.append(" ".join(sents))
        if not copies:
            for s in rng.sample(own, rng.randint(0, 4)):
                paras.insert(rng.randint(0, len(paras)), s)
        out.append(article_from_text(f"r{i:03d}", "\n\n".join(paras), origin="bench"))
    return out


def load_workload(name: str) -> list:
    from core.ingest import IngestError, article_from_text
    from core.synthetic import synthetic_story

    kind, n_text = name.split(":")
    n = int(n_text)
    if kind == "ecb":
        arts = []
        for d in _ecb_docs():
            try:
                arts.append(article_from_text(d["doc_id"], d["text"], origin="ecbplus"))
            except IngestError:
                continue
            if len(arts) == n:
                break
        return arts
    if kind == "syn":
        rng = random.Random(7)
        pool = [s["text"] for d in _ecb_docs() for s in d["sentences"] if 40 <= len(s["text"]) <= 300]
        return synthetic_story(n, rng.sample(pool, min(len(pool), 4000)) if pool else [])
    if kind in {"retell", "copies"}:
        return retellings(n, copies=kind == "copies")
    raise ValueError(f"unknown workload {name!r}")


def prepared(name: str, backend: str, cache: Path) -> tuple:
    """(articles, sentences, vectors, embed CPU-s, distinct texts embedded), cached on disk."""
    path = cache / f"{name.replace(':', '_')}.{backend}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())  # our own cache file
    from core.config import Limits
    from core.embed import CachingEmbedder, load_embedder
    from core.pipeline import embed_all, segment_all

    arts = load_workload(name)
    sentences = segment_all(arts, limits=Limits(max_sources=10_000, max_total_chars=10**9))
    embedder = CachingEmbedder(load_embedder(backend))
    embedder.encode(["warm-up"])
    distinct = len({s.text for ss in sentences.values() for s in ss})
    t0 = time.process_time()
    vectors = embed_all(sentences, embedder)
    embed_cpu = time.process_time() - t0
    out = (arts, sentences, vectors, embed_cpu, distinct)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def whole(names: list[str], backend: str) -> int:
    """The whole comparison of each workload, CPU-seconds per stage (see the module docstring)."""
    from core import pipeline
    from core.embed import CachingEmbedder, load_embedder

    model = load_embedder(backend)  # also limits BLAS threads, as the app and the CLI do
    model.encode(["warm-up"])
    cpu: dict[str, float] = {}

    def timed(stage: str, fn):
        def run(*args, **kwargs):
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - t0

        return run

    pipeline.segment_all = timed("segment", pipeline.segment_all)
    pipeline.embed_all = timed("embed", pipeline.embed_all)
    pipeline.align_sources = timed("align", pipeline.align_sources)
    pipeline.compare_facts = timed("facts", pipeline.compare_facts)
    for name in names:
        arts = load_workload(name)
        cpu.clear()
        sentences = pipeline.segment_all(arts)
        work = pipeline.estimate_work(sentences)
        cpu.clear()
        t0 = time.process_time()
        try:
            cmp = pipeline.compare(arts, CachingEmbedder(model))
            found = f"{len(cmp.claims)} claims, {len(cmp.links)} links, {len(cmp.facts)} fact pairs"
            outcome = f"finished: {found}"
        except pipeline.CompareError as exc:
            outcome = f"refused up front: {exc}"
        total = time.process_time() - t0
        stages = ", ".join(f"{k} {v:.2f}" for k, v in cpu.items())
        chars = sum(len(a.text) for a in arts)
        print(
            f"{name}: {len(arts)} sources, {chars:,} chars, {work.sentences:,} sentences, "
            f"{work.score_cells:,} score cells, {work.pair_links:,} pair links\n"
            f"  whole compare {total:.2f} CPU-s ({stages})\n  {outcome}",
            flush=True,
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/align_scale"))
    parser.add_argument("--workload", nargs="*", default=DEFAULT_WORKLOADS)
    parser.add_argument("--whole", action="store_true", help="the whole compare, CPU-s per stage")
    args = parser.parse_args(argv)
    if not _ecb_docs():
        print("ECB+ not found under ../shared/eval/ecbplus; nothing to measure")
        return 0
    if args.whole:
        return whole(args.workload, args.backend)
    from core.embed import limit_blas_threads

    limit_blas_threads()  # as load_embedder does in the app and the CLI (cached vectors load no model)
    from bench.bench import table
    from core.align import align_sources
    from core.config import DEFAULT_LIMITS

    rows = []
    previous: dict[str, tuple[int, float, float]] = {}
    for name in args.workload:
        arts, sentences, vectors, embed_cpu, distinct = prepared(name, args.backend, args.cache)
        texts = {a.source_id: a.text for a in arts}
        n_sent = sum(len(s) for s in sentences.values())
        times = []
        for _ in range(args.reps):
            t0 = time.process_time()
            result = align_sources(
                sentences, vectors, texts=texts, max_links=DEFAULT_LIMITS.max_passage_pairs
            )
            times.append(time.process_time() - t0)
        align_cpu = statistics.median(times)
        kind = name.split(":")[0]
        growth = "-"
        if kind in previous:
            n0, e0, a0 = previous[kind]
            if n_sent > n0 and a0 > 0 and e0 > 0:
                k = math.log(n_sent / n0)
                growth = f"{math.log(embed_cpu / e0) / k:.2f} / {math.log(align_cpu / a0) / k:.2f}"
        previous[kind] = (n_sent, embed_cpu, align_cpu)
        rows.append(
            [
                name,
                len(arts),
                n_sent,
                distinct,
                f"{embed_cpu:.2f}",
                f"{align_cpu:.2f}",
                f"{align_cpu / max(embed_cpu, 1e-9):.2f}",
                len(result.claims),
                len(result.links),
                growth,
            ]
        )
        print(f"  {name}: embed {embed_cpu:.2f} / align {align_cpu:.2f} CPU-s", file=sys.stderr, flush=True)
    headers = ["workload", "sources", "sentences", "embedded", "embed CPU-s", "align CPU-s", "align/embed",
               "claims", "links", "growth embed/align"]  # fmt: skip
    print(f"backend {args.backend}; align = median of {args.reps}; growth = exponent in sentences")
    print(table(headers, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
