"""Synthetic retellings of the demo story for benchmarks and scale tests (deterministic, no copied text).

Each source keeps some of the demo set's body sentences in story order with local swaps, rewords about half
of them (synonyms, a dropped word, an attribution, sometimes a changed number) and adds sentences of its own
from an ``extra_pool`` (the benchmarks pass ECB+ sentences; without one, the demo's own sentences).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from core.demo import demo_articles
from core.ingest import article_from_text
from core.model import Article
from core.segment import split_sentences

_SYNONYMS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "about": "around",
    "more than": "over",
    "people": "residents",
    "officials": "authorities",
    "announced": "reported",
    "after": "following",
    "before": "ahead of",
    "began": "started",
    "large": "big",
    "small": "minor",
    "major": "significant",
    "police": "officers",
    "killed": "left dead",
    "attack": "assault",
    "also": "additionally",
    "week": "seven days",
    "city": "town",
}
_SYN_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in _SYNONYMS) + r")\b")
_NUM_RE = re.compile(r"\b\d{2,}\b")


def reword(text: str, rng: random.Random) -> str:
    """A deterministic light paraphrase: synonyms, a dropped word, an attribution, sometimes a new number."""
    text = _SYN_RE.sub(lambda m: _SYNONYMS[m.group(1)] if rng.random() < 0.6 else m.group(1), text)
    words = text.split(" ")
    droppable = [i for i, w in enumerate(words[1:-1], 1) if len(w) > 4 and w.isalpha() and w.islower()]
    if droppable and rng.random() < 0.4:
        del words[rng.choice(droppable)]
    text = " ".join(words)
    if rng.random() < 0.2 and text.endswith("."):
        text = text[:-1] + rng.choice((", officials said.", ", according to reports.", ", sources say."))
    if rng.random() < 0.15:
        text = _NUM_RE.sub(lambda m: str(int(m.group(0)) + rng.randint(1, 9)), text, count=1)
    return text


def synthetic_story(n_sources: int, extra_pool: Sequence[str], seed: int = 20240611) -> list[Article]:
    """One story told by ``n_sources`` sources: each keeps 11-17 of the demo set's body sentences (story
    order with local swaps), rewords about half, adds 3-7 sentences of its own, in paragraphs of 1-3."""
    core_pool = [s.text for a in demo_articles() for s in split_sentences(a) if not s.is_heading]
    extra = list(extra_pool) or core_pool
    out = []
    for i in range(n_sources):
        rng = random.Random(seed * 1000 + i)
        k = min(len(core_pool), rng.randint(11, 17))
        picked = [core_pool[j] for j in sorted(rng.sample(range(len(core_pool)), k))]
        for j in range(len(picked) - 1):
            if rng.random() < 0.15:
                picked[j], picked[j + 1] = picked[j + 1], picked[j]
        sents = [reword(t, rng) if rng.random() < 0.5 else t for t in picked]
        for t in rng.sample(extra, min(len(extra), rng.randint(3, 7))):
            sents.insert(rng.randint(0, len(sents)), t)
        paras, pos = [], 0
        while pos < len(sents):
            step = rng.randint(1, 3)
            paras.append(" ".join(sents[pos : pos + step]))
            pos += step
        out.append(
            article_from_text(
                f"syn{i:03d}", "\n\n".join(paras), title=f"Synthetic source {i:03d}", origin="synthetic"
            )
        )
    return out
