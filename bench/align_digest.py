"""Digests of the aligner's output, to prove a refactor changes nothing (or to show what a change changed).

For each workload (the demo set, the 5 seeds, a 30-source synthetic story) it segments and embeds once with
the chosen backend, caches the aligner's inputs (sentences, vectors, texts) in a pickle, and prints one
SHA-256 per part of ``align_sources``'s result: claim groups (ids, passages with sentence ranges, offsets and
text), links (both passages, similarity, margin, lexical, direct flag), unique passages, and the number of
linked claims. Re-running with the same cache feeds the aligner byte-identical inputs, so equal digests mean
an identical result. Asserts nothing:

    python bench/align_digest.py [--backend onnx] [--cache /tmp/align_inputs.pkl] [--refresh] [--workload ...]
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

WORKLOADS = ("demo", "seeds", "synthetic30")


def load_articles(name: str) -> list:
    from core.demo import demo_articles
    from core.ingest import load_path

    if name == "demo":
        return demo_articles()
    if name == "seeds":
        seeds = REPO_ROOT.parent / "shared" / "seeds"
        return [load_path(p) for p in sorted(seeds.glob("*.txt"))]
    if name == "synthetic30":
        import random

        from bench.bench import ECB_DOCS, read_ecb_docs
        from core.synthetic import synthetic_story

        extra: list[str] = []
        if ECB_DOCS.is_file():
            rng = random.Random(7)
            pool = [s["text"] for d in read_ecb_docs() for s in d["sentences"] if 40 <= len(s["text"]) <= 300]
            extra = rng.sample(pool, min(len(pool), 4000))
        return synthetic_story(30, extra)
    raise ValueError(name)


def build_inputs(backend: str, names: list[str]) -> dict[str, tuple]:
    from core.embed import load_embedder
    from core.pipeline import embed_all, segment_all

    embedder = load_embedder(backend)
    out = {}
    for name in names:
        arts = load_articles(name)
        sentences = segment_all(arts)
        vectors = embed_all(sentences, embedder)
        out[name] = (sentences, vectors, {a.source_id: a.text for a in arts})
    return out


def _passage(p) -> tuple:
    return (p.source_id, p.first, p.last, p.start, p.end, p.text)


def digests(result) -> dict[str, str]:
    """One SHA-256 (first 16 hex digits) per part of an ``AlignResult``."""

    def h(obj: object) -> str:
        return hashlib.sha256(repr(obj).encode("utf-8")).hexdigest()[:16]

    claims = [(c.claim_id, tuple(_passage(p) for p in c.passages)) for c in result.claims]
    links = [
        (_passage(k.a), _passage(k.b), k.similarity, k.margin, k.lexical, k.direct) for k in result.links
    ]
    unique = [_passage(p) for p in result.unique]
    return {
        "claims": h(claims),
        "links": h(links),
        "unique": h(unique),
        "counts": f"{len(result.claims)} claims / {len(result.links)} links / {len(result.unique)} unique",
        "linked": str(result.linked_claims),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/align_inputs.pkl"))
    parser.add_argument("--refresh", action="store_true", help="embed again even when the cache exists")
    parser.add_argument("--workload", nargs="*", default=list(WORKLOADS))
    args = parser.parse_args(argv)
    if args.refresh or not args.cache.exists():
        inputs = build_inputs(args.backend, list(WORKLOADS))
        args.cache.write_bytes(pickle.dumps(inputs))
    inputs = pickle.loads(args.cache.read_bytes())  # our own cache file

    from core.align import align_sources
    from core.config import DEFAULT_LIMITS

    for name in args.workload:
        sentences, vectors, texts = inputs[name]
        t0 = time.process_time()
        result = align_sources(sentences, vectors, texts=texts, max_links=DEFAULT_LIMITS.max_passage_pairs)
        cpu = time.process_time() - t0
        d = digests(result)
        print(
            f"{name:12s} claims {d['claims']}  links {d['links']}  unique {d['unique']}  "
            f"linked {d['linked']}  ({d['counts']}; align {cpu:.2f} CPU-s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
