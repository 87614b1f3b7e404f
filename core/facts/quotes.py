"""Quoted speech and quoted terms."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from core.facts import resources as R


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """One quotation; ``start/end`` cover the marks, ``inner`` is the wording inside them.

    Attributes:
        wording: Normalised wording used for matching (case-folded, quotes/apostrophes unified,
            outer punctuation dropped).
        speech: True for a quoted sentence (>= ``QUOTE_SPEECH_MIN_WORDS`` words), False for a term.
    """

    start: int
    end: int
    text: str
    inner: str
    wording: str
    speech: bool


_APOS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def normalise_wording(s: str) -> str:
    """Case-fold, unify quote marks and dashes, collapse spaces and drop outer punctuation."""
    s = re.sub(r"\s+", " ", s.translate(_APOS)).strip().casefold()
    return R.QUOTE_PUNCT.sub("", s)


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised wordings (difflib ratio, 0..1)."""
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def content_overlap(a: str, b: str) -> float:
    """Share of the shorter wording's content words (three letters or more, no function word) that the
    other wording uses too: high for one statement transcribed or paraphrased two ways."""
    wa = {w for w in R.QUOTE_WORD.findall(a) if w not in R.MEASURE_STOP}
    wb = {w for w in R.QUOTE_WORD.findall(b) if w not in R.MEASURE_STOP}
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def find_quotes(text: str) -> list[QuoteMention]:
    """Find quotations in curly or straight, double or single quotes.

    Args:
        text: Any text (a passage).

    Returns:
        Quote mentions in text order, offsets into ``text``.
    """
    out: list[QuoteMention] = []
    for m in R.QUOTE.finditer(text):
        inner = m.group("c") or m.group("s") or m.group("cs") or m.group("ss") or ""
        wording = normalise_wording(inner)
        if not wording or not any(ch.isalpha() for ch in wording):
            continue
        speech = len(wording.split()) >= R.QUOTE_SPEECH_MIN_WORDS
        out.append(QuoteMention(m.start(), m.end(), m.group(0), inner, wording, speech))
        if len(out) >= R.MAX_FACTS_PER_KIND:
            break
    return out
