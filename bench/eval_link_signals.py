"""Which pairwise signal separates right from wrong links on the realnews development set (issue 10, item 3).

For every direct candidate link the aligner makes (``link_source_pairs``: after the margin and score floors,
before grouping) between two documents of a story's gold, the link is labelled good (a gold ``must`` or
``ok`` pair, matched as the set's scorer matches them) or wrong (any other pair). Then, per signal, the cut
that removes the most wrong links net of good ones, and how many good and wrong links fall on each side,
for all links and for the ambiguous band (margin < 1.5, where wrong and good links overlap):

* ``cosine``: cosine of the passage embeddings;
* ``margin``: the link's ratio margin (what the aligner ranks by);
* ``coverage_min`` / ``coverage_max``: IDF-weighted share of one side's content tokens (``lexical.tokens``)
  found in the other, the smaller / larger of the two directions;
* ``bertscore_f``: BERTScore-style greedy token matching (Zhang et al. 2020) with the same packaged ONNX
  model's contextual token states and IDF over the story's word pieces: each token's best cosine on the
  other side, IDF-weighted, recall and precision combined as F1;
* numbers: for links where both sides state numbers, whether they share one.

The token states come from the ONNX session of ``core.embed.onnx.OnnxEmbedder`` (its private
``_session`` / ``_tokenizer``): the app's embedder pools them away, so this is a measurement, not a stage.
Reads the set in place (``../shared/eval/realnews``; never copied). Asserts nothing:

    python bench/eval_link_signals.py [--band 1.5] [-v]
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
REALNEWS = REPO_ROOT.parent / "shared" / "eval" / "realnews"
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def norm(s: str) -> str:
    """The scorer's normalisation (case, curly quotes, dashes, spaces)."""
    s = (s or "").lower()
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("\u00a0", " ")):
        s = s.replace(a, b)
    return re.sub(r"\s+", " ", s)


def label(gold: dict, sa: str, ta: str, sb: str, tb: str) -> str | None:
    """'good' (a must or ok pair), 'wrong', or None when a source is not in the gold."""
    inv = {v: k for k, v in gold["docs"].items()}
    if sa not in inv or sb not in inv:
        return None
    a, b, ta, tb = inv[sa], inv[sb], norm(ta), norm(tb)
    for x, snip_x, y, snip_y in gold["must"] + gold["ok"]:
        sx, sy = norm(snip_x), norm(snip_y)
        if ((a, b) == (x, y) and sx in ta and sy in tb) or ((a, b) == (y, x) and sy in ta and sx in tb):
            return "good"
    return "wrong"


class TokenStates:
    """Contextual token vectors (unit rows, [CLS]/[SEP] dropped) of the packaged ONNX model, cached."""

    def __init__(self) -> None:
        from core.embed.onnx import OnnxEmbedder

        self.model = OnnxEmbedder()
        self.cache: dict[str, tuple[list[int], np.ndarray]] = {}

    def __call__(self, text: str) -> tuple[list[int], np.ndarray]:
        hit = self.cache.get(text)
        if hit is None:
            enc = self.model._tokenizer.encode(text[:2000])
            ids = np.array([enc.ids], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            if "token_type_ids" in self.model._input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            h = self.model._session.run(["last_hidden_state"], feeds)[0][0][1:-1]
            hit = (list(enc.ids[1:-1]), h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-9))
            self.cache[text] = hit
        return hit


def bertscore(tok: TokenStates, idf: dict[int, float], a: str, b: str) -> float:
    ia, ha = tok(a)
    ib, hb = tok(b)
    if not ia or not ib:
        return 0.0
    sim = ha @ hb.T
    wa = np.array([idf.get(t, 1.0) for t in ia])
    wb = np.array([idf.get(t, 1.0) for t in ib])
    r = float((sim.max(axis=1) * wa).sum() / wa.sum())
    p = float((sim.max(axis=0) * wb).sum() / wb.sum())
    return 2 * r * p / (r + p) if r + p else 0.0


def story_links(story_dir: Path, gold: dict, tok: TokenStates, embedder: Any) -> list[dict]:
    """Every labelled direct candidate link of one story with its signals."""
    from core.align.candidates import link_source_pairs
    from core.align.lexical import tokens
    from core.align.units import build_story
    from core.config import DEFAULT_ALIGN
    from core.ingest import expand_paths, load_path, unique_ids
    from core.pipeline import embed_all, segment_all

    arts = unique_ids([load_path(p) for p in expand_paths([story_dir])])
    sents = segment_all(arts)
    texts = {a.source_id: a.text for a in arts}
    story = build_story(sents, embed_all(sents, embedder), texts)
    body = [s.text for sid in story.order for s in story.units[sid].sentences]
    df_tok: collections.Counter[str] = collections.Counter()
    df_piece: collections.Counter[int] = collections.Counter()
    for text in body:
        df_tok.update(set(tokens(text)))
        df_piece.update(set(tok(text)[0]))
    n = len(body)
    idf_tok = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df_tok.items()}
    idf_piece = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df_piece.items()}
    out = []
    table = link_source_pairs(story, DEFAULT_ALIGN)
    for (ai, bi, af, al, bf, bl), (_, margin) in zip(table.ints.tolist(), table.floats.tolist(), strict=True):
        sa, sb = story.order[ai], story.order[bi]
        ua, ub = story.units[sa], story.units[sb]
        ta = texts[sa][ua.sentences[af].start : ua.sentences[al].end]
        tb = texts[sb][ub.sentences[bf].start : ub.sentences[bl].end]
        lab = label(gold, sa, ta, sb, tb)
        if lab is None:
            continue
        da, db = ua.dense[af : al + 1].sum(axis=0), ub.dense[bf : bl + 1].sum(axis=0)
        cos = float(da @ db / (np.linalg.norm(da) * np.linalg.norm(db)))
        ka, kb = set(tokens(ta)), set(tokens(tb))
        shared = sum(idf_tok[t] for t in ka & kb)
        cover = (
            shared / max(sum(idf_tok[t] for t in ka), 1e-9),
            shared / max(sum(idf_tok[t] for t in kb), 1e-9),
        )
        na = {x.replace(",", "") for x in _NUM.findall(ta)}
        nb = {x.replace(",", "") for x in _NUM.findall(tb)}
        out.append(
            {
                "story": story_dir.name,
                "label": lab,
                "cosine": cos,
                "margin": margin,
                "coverage_min": min(cover),
                "coverage_max": max(cover),
                "bertscore_f": bertscore(tok, idf_piece, ta, tb),
                "numbers_shared": (bool(na & nb) if na and nb else None),
            }
        )
    return out


SIGNALS = ("cosine", "margin", "coverage_min", "coverage_max", "bertscore_f")


def best_cut(rows: list[dict], signal: str) -> tuple[float, int, int]:
    """The cut (drop links below it) removing the most wrong links net of good ones: (cut, good below,
    wrong below)."""
    best = (min(r[signal] for r in rows), 0, 0)
    for v in sorted({r[signal] for r in rows}):
        good = sum(1 for r in rows if r["label"] == "good" and r[signal] < v)
        wrong = sum(1 for r in rows if r["label"] == "wrong" and r[signal] < v)
        if wrong - good > best[2] - best[1]:
            best = (v, good, wrong)
    return best


def report(rows: list[dict], title: str) -> None:
    from bench.bench import table

    n_good = sum(r["label"] == "good" for r in rows)
    n_wrong = len(rows) - n_good
    print(f"\n{title}: {n_good} gold-good, {n_wrong} gold-wrong direct links")
    out = []
    for s in SIGNALS:
        cut, good, wrong = best_cut(rows, s)
        out.append([s, f"{cut:.3f}", good, n_good - good, wrong, n_wrong - wrong])
    both = [r for r in rows if r["numbers_shared"] is not None]
    g_no = sum(1 for r in both if r["label"] == "good" and not r["numbers_shared"])
    w_no = sum(1 for r in both if r["label"] == "wrong" and not r["numbers_shared"])
    g_all = sum(1 for r in both if r["label"] == "good")
    out.append(["numbers shared", "no/yes", g_no, g_all - g_no, w_no, len(both) - g_all - w_no])
    print(table(["signal", "cut", "good below", "good above", "wrong below", "wrong above"], out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REALNEWS)
    parser.add_argument("--band", type=float, default=1.5, help="ambiguous band: margin below this")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the links, lowest BERTScore first")
    args = parser.parse_args(argv)
    if not (args.root / "gold").is_dir():
        print(f"no development set at {args.root}; nothing to do")
        return 0
    from core.embed import load_embedder

    tok = TokenStates()
    embedder = load_embedder("onnx")
    rows: list[dict] = []
    for story_dir in sorted(p for p in (args.root / "stories").iterdir() if p.is_dir()):
        gold_path = args.root / "gold" / f"{story_dir.name}.json"
        if gold_path.exists():
            rows += story_links(story_dir, json.loads(gold_path.read_text(encoding="utf-8")), tok, embedder)
    report(rows, "all direct candidate links")
    report([r for r in rows if r["margin"] < args.band], f"ambiguous band (margin < {args.band})")
    if args.verbose:
        for r in sorted(rows, key=lambda r: r["bertscore_f"]):
            print(f"{r['label']:5s} bs {r['bertscore_f']:.3f} cos {r['cosine']:.3f} m {r['margin']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
