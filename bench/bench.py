"""End-to-end benchmark of ``core.pipeline.compare``: stage times, throughput, memory, overhead over encode.

For each backend (default: ``onnx`` = int8, the app's and the CLI's; ``torch``, the reference, on request)
and each workload it prints per-stage times (segment, embed, align, facts), sentences/s, peak and current
RSS, and the ratio of the whole comparison to a bare ``encode`` of exactly the texts the pipeline embeds
(inner embedder, no cache) on the same backend:

* cold: a fresh ``CachingEmbedder`` around the already loaded model (import and load are timed apart);
  the first compare of the process is shown on its own, since it pays the one-off inference warm-up;
* warm: the same comparison again, every vector cached.

Every backend runs in its own fresh process (so import time and peak RSS are its own), and everything of
one backend (bare encode, cold and warm comparisons) runs in that one process, back to back, so ratios hold
on a noisy machine. Peak RSS per workload is the kernel's high-water mark (VmHWM), reset before each
workload through ``/proc/self/clear_refs``; ``ru_maxrss`` is the peak of the whole process.

Workloads (a data workload is skipped when its folder is absent), in this order:

* ``seeds``: ``../shared/seeds/*.txt`` (5 articles; run first so its first compare is the process's first);
* ``demo``: the bundled demo set;
* ``ecbplus``: ``../shared/eval/ecbplus/docs.jsonl``, the 86 sub-topics compared group by group;
* ``synthetic``: one generated story of 200 sources (demo + ECB+ sentences, dropped, reworded, shuffled).

``--scale`` (issue 16) instead measures ONE comparison per row, each in a fresh process, on the default ONNX
backend: 2/20/100/200 ECB+ documents (sub-topic after sub-topic) and 2/20/100/200 synthetic retellings of one
story (``--quick``: 2/10/30). It prints CPU-seconds (``time.process_time``, all threads) per stage (embed,
align, facts, whole), whole/embed, peak RSS (VmHWM, models included) and the growth exponent of each stage
(least squares on log-log), then the process's first compare of the seeds against a bare encode of the same
sentences, as the CLI pays it (spaCy loads meanwhile) and as the app server does (loaded at start), for each
``--threads`` count (NEWSCOMPARE_THREADS: onnxruntime intra-op and BLAS).

Run from the repo root; asserts nothing:

    python bench/bench.py [--backend onnx torch] [--quick] [--workloads seeds demo] [--sources 200]
    python bench/bench.py --scale [--quick] [--threads 1 2]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
ECB_DOCS = SHARED / "eval" / "ecbplus" / "docs.jsonl"
FACTS_INIT = REPO_ROOT / "core" / "facts" / "__init__.py"
WORKLOADS = ("seeds", "demo", "ecbplus", "synthetic")
STAGES = ("segment", "embed", "align", "facts")
TARGET_RATIO = 1.3
TARGET_WARM_S = 0.100
TARGET_ECB_MB = 2048

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


# --------------------------------------------------------------------------------------------- memory


def _status_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def rss_mb() -> float:
    return _status_kib("VmRSS") / 1024


def hwm_mb() -> float:
    return _status_kib("VmHWM") / 1024


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def reset_hwm() -> bool:
    """Resets VmHWM to the current RSS (Linux >= 4.0); False when the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


# --------------------------------------------------------------------------------------------- workloads


@dataclass
class Workload:
    name: str
    groups: list[list]  # lists of Articles, each compared on its own
    reps: int = 1
    notes: list[str] = field(default_factory=list)


def load_seeds() -> Workload | None:
    from core.ingest import load_path

    files = sorted(SEEDS_DIR.glob("*.txt"))
    if not files:
        return None
    return Workload("seeds", [[load_path(p) for p in files]], reps=5)


def load_demo() -> Workload:
    from core.demo import demo_articles

    return Workload("demo", [demo_articles()], reps=5)


def read_ecb_docs() -> list[dict]:
    with ECB_DOCS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def load_ecbplus(max_groups: int | None = None) -> Workload | None:
    from core.ingest import IngestError, article_from_text

    if not ECB_DOCS.is_file():
        return None
    by_sub: dict[str, list] = {}
    notes = []
    for doc in read_ecb_docs():
        try:
            art = article_from_text(doc["doc_id"], doc["text"], origin="ecbplus")
        except IngestError as exc:
            notes.append(f"skipped {exc}")
            continue
        by_sub.setdefault(doc["subtopic"], []).append(art)
    groups = [g for _, g in sorted(by_sub.items()) if len(g) >= 2]
    if max_groups is not None:
        groups = groups[:max_groups]
        notes.append(f"--quick: first {max_groups} sub-topics only")
    return Workload("ecbplus", groups, reps=1, notes=notes)


from core.synthetic import synthetic_story  # noqa: E402 - needs the path set above


def load_synthetic(n_sources: int) -> Workload:
    extra: list[str] = []
    notes = []
    if ECB_DOCS.is_file():
        rng = random.Random(7)
        pool = [s["text"] for d in read_ecb_docs() for s in d["sentences"] if 40 <= len(s["text"]) <= 300]
        extra = rng.sample(pool, min(len(pool), 4000))
    else:
        notes.append("ECB+ absent: extra sentences drawn from the demo set")
    arts = synthetic_story(n_sources, extra)
    return Workload("synthetic", [arts], reps=1, notes=notes)


# --------------------------------------------------------------------------------------------- measuring


@dataclass
class RunResult:
    wall: float
    stages: dict[str, float]
    n_claims: int = 0
    n_links: int = 0
    n_facts: int = 0


def run_compare(
    groups: Sequence[Sequence], embedder, limits, with_facts: bool, errors: list[str] | None = None
) -> RunResult:
    """Runs ``compare`` group by group, exactly as the app and the CLI do (with facts, the NER model
    loads in a thread while the sentences embed). A group that fails is recorded in ``errors`` and
    skipped, so one failure does not end the benchmark."""
    from core.pipeline import CompareError, compare

    stages = dict.fromkeys(STAGES, 0.0)
    claims = links = facts = 0
    t0 = time.perf_counter()
    for g in groups:
        try:
            comp = compare(g, embedder, limits=limits, with_facts=with_facts)
        except CompareError as exc:
            if errors is not None:
                errors.append(str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - report and go on
            if errors is not None:
                errors.append(f"compare failed: {type(exc).__name__}: {exc}")
            continue
        for k, v in comp.timings.items():
            stages[k] = stages.get(k, 0.0) + v
        claims += len(comp.claims)
        links += len(comp.links)
        facts += len(comp.facts)
    return RunResult(time.perf_counter() - t0, stages, claims, links, facts)


def pipeline_texts(groups: Sequence[Sequence], limits) -> list[list[str]]:
    """Per group, exactly the texts a fresh CachingEmbedder hands to the inner model (deduplicated, in order,
    minus texts an earlier group already embedded)."""
    from core.pipeline import segment_all

    seen: set[str] = set()
    out = []
    for g in groups:
        texts = [s.text for sents in segment_all(g, limits=limits).values() for s in sents]
        missing = [t for t in dict.fromkeys(texts) if t not in seen]
        seen.update(missing)
        out.append(missing)
    return out


def bare_encode(inner, texts_per_group: Sequence[Sequence[str]]) -> float:
    t0 = time.perf_counter()
    for texts in texts_per_group:
        if texts:
            inner.encode(list(texts))
    return time.perf_counter() - t0


def profile_align(groups: Sequence[Sequence], embedder, limits, top: int = 18) -> str:
    """cProfile of ``align_sources`` alone (vectors come from the warm cache), top functions."""
    from core.align import align_sources
    from core.pipeline import embed_all, segment_all

    g = groups[0]
    sentences = segment_all(g, limits=limits)
    vectors = embed_all(sentences, embedder)
    texts = {a.source_id: a.text for a in g}
    prof = cProfile.Profile()
    prof.enable()
    align_sources(sentences, vectors, texts=texts)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def measure_workload(wl: Workload, inner, with_facts: bool, *, profile: bool, align_budget_s: float) -> dict:
    from core.config import Limits
    from core.embed import CachingEmbedder

    big = Limits(max_sources=100_000, max_total_chars=100_000_000)
    limits = big if wl.name == "synthetic" else Limits()
    n_sources = sum(len(g) for g in wl.groups)
    hwm_reset = reset_hwm()
    rss_before = rss_mb()
    texts = pipeline_texts(wl.groups, limits)
    n_texts = sum(len(t) for t in texts)
    from core.pipeline import segment_all

    n_sentences = sum(len(s) for g in wl.groups for s in segment_all(g, limits=limits).values())
    colds: list[RunResult] = []
    warms: list[RunResult] = []
    bares: list[float] = []
    ratios: list[float] = []
    errors: list[str] = []
    for rep in range(wl.reps):
        cache = CachingEmbedder(inner)
        if rep % 2 == 0:  # rep 0: the cold comparison comes first (the process's first, for seeds)
            cold = run_compare(wl.groups, cache, limits, with_facts, errors if rep == 0 else None)
            bare = bare_encode(inner, texts)
        else:
            bare = bare_encode(inner, texts)
            cold = run_compare(wl.groups, cache, limits, with_facts)
        colds.append(cold)
        bares.append(bare)
        ratios.append(cold.wall / bare if bare > 0 else float("nan"))
        skip_warm = wl.name == "synthetic" and cold.stages["align"] > align_budget_s
        if not skip_warm:
            warms.append(run_compare(wl.groups, cache, limits, with_facts))
    # The last cache holds every vector, so the profile is of alignment alone.
    prof_text = profile_align(wl.groups, cache, limits) if wl.name == "synthetic" and profile else ""
    first = colds[0]
    med = sorted(colds, key=lambda r: r.wall)[len(colds) // 2]
    return {
        "workload": wl.name,
        "groups": len(wl.groups),
        "sources": n_sources,
        "sentences": n_sentences,
        "embedded_texts": n_texts,
        "reps": wl.reps,
        "cold_first_s": first.wall,
        "cold_median_s": med.wall,
        "stages_first": first.stages,
        "stages_median": med.stages,
        "bare_median_s": statistics.median(bares),
        "bare_first_s": bares[0],
        "ratio_first": ratios[0],
        "ratio_median": statistics.median(ratios),
        "ratio_all": ratios,
        "warm_median_s": statistics.median(w.wall for w in warms) if warms else None,
        "warm_stages": warms[0].stages if warms else None,
        "sent_per_s": n_sentences / med.wall if med.wall else float("nan"),
        "bare_sent_per_s": n_texts / statistics.median(bares) if bares[0] else float("nan"),
        "claims": first.n_claims,
        "links": first.n_links,
        "facts": first.n_facts,
        "rss_before_mb": rss_before,
        "hwm_mb": hwm_mb() if hwm_reset else None,
        "rss_now_mb": rss_mb(),
        "maxrss_mb": maxrss_mb(),
        "errors": errors[:3],
        "n_errors": len(errors),
        "notes": wl.notes,
        "profile": prof_text,
    }


# --------------------------------------------------------------------------------------------- reporting


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    padded = [[*r, *([None] * (len(headers) - len(r)))] for r in rows]
    cells = [[str(h) for h in headers], *[[_fmt(c) for c in r] for r in padded]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append(
            "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v != v:  # noqa: PLR0124 - NaN check
            return "nan"
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def print_backend(res: dict) -> None:
    print(f"\n=== backend {res['backend']} ({res['embedder']}), facts {'on' if res['with_facts'] else 'OFF'}")
    print(
        f"import: core {res['import_core_s']:.2f} s, backend libs {res['import_backend_s']:.2f} s; "
        f"model load {res['load_s']:.2f} s; RSS after load {res['rss_after_load_mb']:.0f} MB"
    )
    rows = []
    for w in res["workloads"]:
        rows.append(
            [
                w["workload"],
                w["groups"],
                w["sources"],
                w["sentences"],
                w["cold_first_s"],
                w["cold_median_s"],
                w["bare_median_s"],
                w["ratio_first"],
                w["ratio_median"],
                None if w["warm_median_s"] is None else w["warm_median_s"] * 1000,
                w["sent_per_s"],
                w["bare_sent_per_s"],
            ]
        )
    print(
        table(
            [
                "workload",
                "groups",
                "srcs",
                "sents",
                "cold1 s",
                "cold s",
                "bare s",
                "ratio1",
                "ratio",
                "warm ms",
                "sent/s",
                "bare sent/s",
            ],
            rows,
        )
    )
    print("cold1 = first rep (for seeds: the process's first compare); cold/bare/ratio = median of reps")
    rows = []
    for w in res["workloads"]:
        f = w["stages_first"]
        rows.append(
            [w["workload"] + " cold1", *(f.get(k, 0.0) for k in STAGES), w["cold_first_s"] - sum(f.values())]
        )
        s = w["stages_median"]
        ws = w["warm_stages"] or {}
        other = w["cold_median_s"] - sum(s.values())
        rows.append(
            [
                w["workload"],
                *(s.get(k, 0.0) for k in STAGES),
                other,
                *(ws.get(k) for k in ("segment", "align")),
            ]
        )
    print(
        table(
            [
                "workload",
                "segment s",
                "embed s",
                "align s",
                "facts s",
                "other s",
                "warm seg s",
                "warm align s",
            ],
            rows,
        )
    )
    rows = [
        [
            w["workload"],
            w["reps"],
            w["claims"],
            w["links"],
            w["facts"],
            w["rss_before_mb"],
            w["hwm_mb"],
            w["rss_now_mb"],
            w["maxrss_mb"],
        ]
        for w in res["workloads"]
    ]
    print(
        table(
            [
                "workload",
                "reps",
                "claims",
                "links",
                "facts",
                "RSS before MB",
                "peak MB",
                "RSS now MB",
                "ru_maxrss MB",
            ],
            rows,
        )
    )
    print("peak MB = VmHWM during the workload (reset before it); ru_maxrss = whole process so far")
    for w in res["workloads"]:
        for note in w["notes"]:
            print(f"note {w['workload']}: {note}")
        if w["n_errors"]:
            print(f"note {w['workload']}: {w['n_errors']} problem(s), e.g. {w['errors'][0]}")
        if w["profile"]:
            print(f"\n--- cProfile of align_sources on {w['workload']} ({w['sources']} sources)")
            print(w["profile"])


def print_targets(results: Sequence[dict]) -> None:
    print("\n=== targets (reported, not asserted)")
    rows = []
    for res in results:
        by = {w["workload"]: w for w in res["workloads"]}
        if "seeds" in by:
            s = by["seeds"]
            rows.append(
                [
                    res["backend"],
                    "seeds cold compare / bare encode <= 1.3 (median)",
                    s["ratio_median"],
                    _ok(s["ratio_median"] <= TARGET_RATIO),
                ]
            )
            rows.append(
                [
                    res["backend"],
                    "seeds ditto, process's first compare",
                    s["ratio_first"],
                    _ok(s["ratio_first"] <= TARGET_RATIO),
                ]
            )
            warm = s["warm_median_s"]
            rows.append(
                [res["backend"], "seeds warm re-run < 100 ms", warm * 1000, _ok(warm < TARGET_WARM_S)]
            )
        if "ecbplus" in by and by["ecbplus"]["hwm_mb"] is not None:
            e = by["ecbplus"]
            rows.append(
                [res["backend"], "ECB+ peak RSS < 2048 MB", e["hwm_mb"], _ok(e["hwm_mb"] < TARGET_ECB_MB)]
            )
        if "synthetic" in by:
            y = by["synthetic"]
            rows.append(
                [
                    res["backend"],
                    f"synthetic {y['sources']} sources: align s",
                    y["stages_median"]["align"],
                    "",
                ]
            )
            rows.append([res["backend"], "synthetic peak RSS MB", y["hwm_mb"], ""])
    print(table(["backend", "target", "value", "met"], rows))


def _ok(flag: bool) -> str:
    return "yes" if flag else "NO"


# --------------------------------------------------------------------------------------------- worker


def run_backend(
    backend: str,
    workloads: Sequence[str],
    *,
    quick: bool,
    n_sources: int,
    profile: bool,
    align_budget_s: float,
    log: Callable[[str], None],
    partial_out: Path | None = None,
) -> dict:
    t0 = time.perf_counter()
    import core.pipeline  # noqa: F401 - the import being timed (numpy, scipy, core)

    t1 = time.perf_counter()
    if backend == "torch":
        import sentence_transformers  # noqa: F401 - the import being timed (torch, transformers)
    elif backend == "onnx":
        import onnxruntime  # noqa: F401 - the import being timed
        import tokenizers  # noqa: F401
    t2 = time.perf_counter()
    from core.embed import load_embedder

    inner = load_embedder(backend)
    t3 = time.perf_counter()
    with_facts = FACTS_INIT.is_file()
    res = {
        "backend": backend,
        "embedder": inner.name,
        "with_facts": with_facts,
        "import_core_s": t1 - t0,
        "import_backend_s": t2 - t1,
        "load_s": t3 - t2,
        "rss_after_load_mb": rss_mb(),
        "workloads": [],
    }
    for name in workloads:
        if name == "seeds":
            wl = load_seeds()
        elif name == "demo":
            wl = load_demo()
        elif name == "ecbplus":
            wl = load_ecbplus(10 if quick else None)
        else:
            wl = load_synthetic(min(n_sources, 40) if quick else n_sources)
        if wl is None:
            log(f"[{backend}] {name}: data absent, skipped")
            continue
        if quick:
            wl.reps = min(wl.reps, 3)
        log(f"[{backend}] {name}: {len(wl.groups)} groups, {sum(len(g) for g in wl.groups)} sources ...")
        started = time.perf_counter()
        w = measure_workload(wl, inner, with_facts, profile=profile, align_budget_s=align_budget_s)
        log(f"[{backend}] {name}: done in {time.perf_counter() - started:.1f} s")
        res["workloads"].append(w)
        if partial_out is not None:  # a crash later still leaves the finished workloads
            partial_out.write_text(json.dumps(res), encoding="utf-8")
    return res


# --------------------------------------------------------------------------------------------- --scale

SCALE_SIZES = (2, 20, 100, 200)
QUICK_SCALE_SIZES = (2, 10, 30)
SCALE_FAMILIES = ("ecb", "retell")


def scale_articles(family: str, n: int) -> list:
    """``n`` sources in ONE comparison: the first ``n`` ECB+ documents, sub-topic after sub-topic (so 2 are
    one story, 200 are about twenty), or one story retold by ``n`` synthetic sources (``synthetic_story``)."""
    from core.ingest import IngestError, article_from_text

    if family == "retell":
        return load_synthetic(n).groups[0]
    by_sub: dict[str, list[dict]] = {}
    for doc in read_ecb_docs():
        by_sub.setdefault(doc["subtopic"], []).append(doc)
    arts = []
    for doc in itertools.chain.from_iterable(by_sub.values()):
        try:
            arts.append(article_from_text(doc["doc_id"], doc["text"], origin="ecbplus"))
        except IngestError:
            continue
        if len(arts) == n:
            break
    return arts


def _cpu_compare(articles: Sequence, embedder, limits) -> tuple[dict[str, float], float, object]:
    """``compare`` with CPU-seconds per stage (``time.process_time``, every thread of the process),
    read at the stage changes ``compare`` reports through ``progress``; returns (stages, wall, comparison)."""
    from core.pipeline import compare

    marks: dict[str, float] = {}

    def progress(stage: str, _frac: float) -> None:
        marks.setdefault(stage, time.process_time())

    c0, w0 = time.process_time(), time.perf_counter()
    cmp = compare(articles, embedder, limits=limits, with_facts=True, progress=progress)
    wall = time.perf_counter() - w0
    end = time.process_time()
    order = ["embed", "align", "facts", "done"]
    stages = {"segment": marks.get("embed", end) - c0}
    for a, b in itertools.pairwise(order):
        stages[a] = marks.get(b, end) - marks.get(a, end)
    stages["whole"] = end - c0
    return stages, wall, cmp


def _scale_worker(spec: str) -> dict:
    """One measurement in this fresh process: ``family:n`` (the model and spaCy loaded first, so the stages
    hold only the comparison) or ``first`` (the seeds compared first thing, then a bare encode)."""
    from core.config import Limits
    from core.embed import DEFAULT_BACKEND, CachingEmbedder, load_embedder

    c0 = time.process_time()
    inner = load_embedder(DEFAULT_BACKEND)
    load_cpu = time.process_time() - c0
    big = Limits(max_sources=100_000, max_total_chars=100_000_000)
    if spec.startswith("first"):
        return _first_compare(inner, load_cpu, big, preload=spec == "first:app")
    from core.facts.names import get_nlp

    get_nlp()  # the app and the CLI load it beside the embedding; here it stays out of the stages
    family, n = spec.split(":")
    articles = scale_articles(family, int(n))
    texts = pipeline_texts([articles], big)
    reset_hwm()
    stages, wall, cmp = _cpu_compare(articles, CachingEmbedder(inner), big)
    hwm = hwm_mb()
    b0 = time.process_time()
    bare_encode(inner, texts)
    return {
        "spec": spec,
        "sources": len(articles),
        "sentences": sum(len(v) for v in cmp.sentences.values()),
        "embedded": sum(len(t) for t in texts),
        "stages": stages,
        "wall": wall,
        "bare": time.process_time() - b0,
        "claims": len(cmp.claims),
        "links": len(cmp.links),
        "facts": len(cmp.facts),
        "hwm_mb": hwm,
        "torch": "torch" in sys.modules,
    }


def _first_compare(inner, load_cpu: float, limits, *, preload: bool) -> dict:
    """The process's first compare of the seeds, a bare encode of exactly the texts it embedded, then a
    second cold compare (fresh vector cache).

    ``preload`` False is the command line: spaCy loads in its thread while the sentences embed, so its
    import and load count in the first compare. True is the app server: the model's warm-up encode and spaCy
    were loaded in the background at start (``ui.compute``), before any visitor's comparison.
    """
    from core.embed import CachingEmbedder

    if preload:
        from core.facts.names import get_nlp

        c0 = time.process_time()
        inner.encode(["A first sentence warms the model up."])
        get_nlp()
        load_cpu += time.process_time() - c0
    seeds = load_seeds()
    articles = seeds.groups[0] if seeds else load_demo().groups[0]
    texts = pipeline_texts([articles], limits)
    first, first_wall, _ = _cpu_compare(articles, CachingEmbedder(inner), limits)
    bares = []
    for _ in range(3):
        b0 = time.process_time()
        bare_encode(inner, texts)
        bares.append(time.process_time() - b0)
    second, second_wall, cmp = _cpu_compare(articles, CachingEmbedder(inner), limits)
    return {
        "spec": "first:app" if preload else "first:cli",
        "workload": "seeds" if seeds else "demo",
        "sources": len(articles),
        "embedded": sum(len(t) for t in texts),
        "load_cpu": load_cpu,
        "first": first,
        "first_wall": first_wall,
        "second": second,
        "second_wall": second_wall,
        "bare": statistics.median(bares),
        "claims": len(cmp.claims),
        "facts": len(cmp.facts),
        "hwm_mb": hwm_mb(),
        "torch": "torch" in sys.modules,
    }


def _run_worker(spec: str, threads: int, log: Callable[[str], None]) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--scale-worker",
            spec,
            "--worker-out",
            str(out),
        ]
        env = {**os.environ, "NEWSCOMPARE_THREADS": str(threads)}
        log(f"[scale] {spec} ({threads} thread(s)) ...")
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, check=False)
        if proc.returncode != 0 or not out.is_file():
            log(f"[scale] {spec}: worker failed (exit {proc.returncode})")
            return None
        return json.loads(out.read_text(encoding="utf-8"))


def growth_exponent(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log(y) on log(x): cost ~ x^k."""
    import numpy as np

    pts = [(x, y) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return float("nan")
    lx, ly = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(lx, ly, 1)[0])


SCALE_STAGES = ("embed", "align", "facts", "whole")
SCALE_HEADERS = (
    "workload", "sources", "sentences", *SCALE_STAGES, "whole/embed", "align/embed", "peak RSS MB", "claims",
    "facts", "torch",
)  # fmt: skip
FIRST_HEADERS = (
    "process", "threads", "model load", "1st compare", "1st wall s", "2nd compare", "2nd wall s",
    "bare encode", "1st/bare", "(load+1st)/bare", "2nd/bare", "peak RSS MB", "torch",
)  # fmt: skip


def _scale_row(r: dict) -> list[object]:
    st = r["stages"]
    return [
        r["spec"].split(":")[0], r["sources"], r["sentences"], *(st[s] for s in SCALE_STAGES),
        st["whole"] / st["embed"], st["align"] / st["embed"], r["hwm_mb"], r["claims"], r["facts"],
        "yes" if r["torch"] else "no",
    ]  # fmt: skip


def _first_row(threads: int, r: dict) -> list[object]:
    first, second, bare = r["first"]["whole"], r["second"]["whole"], r["bare"]
    return [
        r["spec"].split(":")[1], threads, r["load_cpu"], first, r["first_wall"], second, r["second_wall"],
        bare, first / bare, (first + r["load_cpu"]) / bare, second / bare, r["hwm_mb"],
        "yes" if r["torch"] else "no",
    ]  # fmt: skip


def _exponent_rows(rows: Sequence[dict], families: Sequence[str]) -> list[list[object]]:
    out: list[list[object]] = []
    for family in families:
        fam = [r for r in rows if r["spec"].startswith(family + ":")]
        for axis in ("sources", "sentences"):
            xs = [r[axis] for r in fam]
            ks = [growth_exponent(xs, [r["stages"][s] for r in fam]) for s in SCALE_STAGES]
            out.append([family, f"vs {axis}", *ks])
    return out


def run_scale(*, quick: bool, threads: Sequence[int], log: Callable[[str], None]) -> None:
    """``--scale``: CPU-seconds per stage from 2 to 200 sources, growth exponents, the first compare."""
    sizes = QUICK_SCALE_SIZES if quick else SCALE_SIZES
    families = [f for f in SCALE_FAMILIES if f != "ecb" or ECB_DOCS.is_file()]
    rows = [r for f in families for n in sizes if (r := _run_worker(f"{f}:{n}", threads[0], log)) is not None]
    print(f"\n=== --scale: CPU-s per stage, one comparison per row, backend onnx, {threads[0]} thread(s)")
    print(table(SCALE_HEADERS, [_scale_row(r) for r in rows]))
    print("\ngrowth exponent k (CPU ~ size^k, least squares on log-log over all sizes)")
    print(table(["workload", "axis", *SCALE_STAGES], _exponent_rows(rows, families)))
    print(
        "\n=== the process's first compare of the seeds, CPU-s. cli: spaCy loads in a thread while the "
        "sentences embed (counted in the 1st compare); app: model warm-up and spaCy loaded at server start "
        "(counted in 'model load')"
    )
    specs = [(n, kind) for kind in ("cli", "app") for n in threads]
    firsts = [(n, r) for n, kind in specs if (r := _run_worker(f"first:{kind}", n, log)) is not None]
    print(table(FIRST_HEADERS, [_first_row(n, r) for n, r in firsts]))
    print(
        "targets (issue 16): 1st compare <= 2x a bare encode; whole/embed <= 1.15 seeds, <= 1.3 at 200 ECB+"
    )


def main() -> int:
    from core.embed import BACKENDS, DEFAULT_BACKEND  # cheap, but kept out of the timed imports

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", nargs="+", default=[DEFAULT_BACKEND], choices=list(BACKENDS), help="default: the app's"
    )
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument(
        "--quick", action="store_true", help="10 ECB+ sub-topics, 40 synthetic sources, 3 reps"
    )
    parser.add_argument("--sources", type=int, default=200, help="sources of the synthetic story")
    parser.add_argument("--no-profile", action="store_true", help="skip cProfile of the synthetic align")
    parser.add_argument(
        "--align-budget", type=float, default=60.0, help="skip the synthetic warm run when align takes longer"
    )
    parser.add_argument(
        "--in-process", action="store_true", help="run all backends in this process (RSS/imports then mix)"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="CPU per stage for 2/20/100/200 sources, exponents, first compare",
    )
    parser.add_argument(
        "--threads", type=int, nargs="+", default=[1], help="--scale: thread counts for the first compare"
    )
    parser.add_argument("--scale-worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.chdir(REPO_ROOT)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.scale_worker:
        args.worker_out.write_text(json.dumps(_scale_worker(args.scale_worker)), encoding="utf-8")
        return 0
    if args.scale:
        run_scale(quick=args.quick, threads=args.threads, log=log)
        return 0

    kwargs = {
        "quick": args.quick,
        "n_sources": args.sources,
        "profile": not args.no_profile,
        "align_budget_s": args.align_budget,
        "log": log,
    }
    if args.worker_out:
        res = run_backend(args.backend[0], args.workloads, partial_out=args.worker_out, **kwargs)
        args.worker_out.write_text(json.dumps(res), encoding="utf-8")
        return 0
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, facts: {FACTS_INIT.is_file()}")
    results = []
    if args.in_process:
        results = [run_backend(b, args.workloads, **kwargs) for b in args.backend]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for b in args.backend:
                out = Path(tmp) / f"{b}.json"
                cmd = [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--backend",
                    b,
                    "--worker-out",
                    str(out),
                ]
                cmd += ["--workloads", *args.workloads, "--sources", str(args.sources)]
                cmd += ["--align-budget", str(args.align_budget)]
                cmd += ["--quick"] if args.quick else []
                cmd += ["--no-profile"] if args.no_profile else []
                proc = subprocess.run(cmd, cwd=REPO_ROOT, check=False)
                if proc.returncode != 0:
                    print(f"backend {b}: worker failed (exit {proc.returncode}); finished workloads follow")
                if not out.is_file():
                    continue
                results.append(json.loads(out.read_text(encoding="utf-8")))
    for res in results:
        print_backend(res)
    print_targets(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
