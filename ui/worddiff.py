"""A word diff of two passages that stays readable when one paraphrases the other. Pure, no Streamlit.

Words and punctuation are the tokens; the spaces after each token are kept with it, so the diff prints
the passage as it was written ("violence and torture. Such", never "violenceand torture.Such"). Tokens
match case-insensitively (a sentence-initial "The" is the same word as "the"). On a paraphrase, a plain
token diff shreds the text into single words kept between changes ("the", ","); such short runs between
two changes are folded into the change, so a reworded phrase reads as one phrase replaced by another
(the idea of diff-match-patch's semantic clean-up).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from ui.text import esc

_TOKEN = re.compile(r"(\w+(?:['’]\w+)*|[^\w\s])(\s*)")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


@dataclass(frozen=True)
class Token:
    text: str
    space: str  # the whitespace that followed it

    @property
    def key(self) -> str:
        return self.text.lower().translate(_QUOTES)


def tokens(text: str) -> list[Token]:
    """Word and punctuation tokens of ``text``, each with the whitespace after it."""
    return [Token(m.group(1), m.group(2)) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True)
class Segment:
    """``reference[a0:a1]`` against ``text[b0:b1]`` (token indices): equal, or changed."""

    equal: bool
    a0: int
    a1: int
    b0: int
    b1: int


def segments(a: list[Token], b: list[Token]) -> list[Segment]:
    """Equal and changed runs of tokens; an equal run between two changes is folded into them when it is
    no longer than the change on either side (so "cost 14 million" vs "cost 18 million" keeps "million",
    while "the" between two reworded phrases joins them)."""
    sm = difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False)
    segs = [Segment(op == "equal", i1, i2, j1, j2) for op, i1, i2, j1, j2 in sm.get_opcodes()]
    changed = True
    while changed:
        changed = False
        for i in range(1, len(segs) - 1):
            seg, before, after = segs[i], segs[i - 1], segs[i + 1]
            if seg.equal and not before.equal and not after.equal:
                kept = _chars(b[seg.b0 : seg.b1])
                if kept <= _size(a, b, before) and kept <= _size(a, b, after):
                    segs[i - 1 : i + 2] = [Segment(False, before.a0, after.a1, before.b0, after.b1)]
                    changed = True
                    break
    return segs


def _chars(run: list[Token]) -> int:
    return len(_join(run))


def _size(a: list[Token], b: list[Token], seg: Segment) -> int:
    return max(_chars(a[seg.a0 : seg.a1]), _chars(b[seg.b0 : seg.b1]))


def _join(run: list[Token]) -> str:
    """The tokens as written, without the space after the last one."""
    return "".join(t.text + t.space for t in run[:-1]) + run[-1].text if run else ""


def word_diff_html(reference: str, text: str) -> str:
    """``text`` against ``reference``: words only here in ``<ins>``, words only there in ``<del>``.

    Within a changed run, a word that the other side's changed runs also hold was moved or kept in a
    reworded phrase: it is shown unmarked (and not repeated as deleted), so a paraphrase marks the words
    that changed rather than every word. Punctuation is never marked. Everything is escaped; the spacing of
    ``text`` is kept.
    """
    a, b = tokens(reference), tokens(text)
    segs = segments(a, b)
    removed = Counter(t.key for s in segs if not s.equal for t in a[s.a0 : s.a1] if _is_word(t))
    added = Counter(t.key for s in segs if not s.equal for t in b[s.b0 : s.b1] if _is_word(t))
    moved_in, moved_out = removed & added, removed & added
    out: list[str] = []
    for seg in segs:
        new = b[seg.b0 : seg.b1]
        if seg.equal:
            out.append(esc("".join(t.text + t.space for t in new)))
            continue
        gone = _deleted(a[seg.a0 : seg.a1], moved_out)
        if gone:
            if out and not out[-1].endswith(" ") and seg.a0 > 0 and a[seg.a0 - 1].space:
                out.append(" ")  # the reference had a space here: keep the deleted words apart
            out.append(f"<del>{esc(gone)}</del>")
            out.append(" " if new or a[seg.a1 - 1].space else "")
        out.append(_inserted(new, moved_in))
    return "".join(out).rstrip()


def _is_word(t: Token) -> bool:
    return t.text[0].isalnum() or t.text[0] == "_"


def _take(pool: Counter[str], key: str) -> bool:
    """Whether ``key`` is still in ``pool`` (and takes one out)."""
    if pool[key] > 0:
        pool[key] -= 1
        return True
    return False


def _deleted(run: list[Token], moved: Counter[str]) -> str:
    """The words of a changed run of the reference that ``text`` does not hold, as written there."""
    keep = [_is_word(t) and not _take(moved, t.key) for t in run]
    for i, t in enumerate(run):  # "14,000": punctuation between two kept words stays
        if not keep[i] and not _is_word(t) and not t.space and 0 < i < len(run) - 1:
            keep[i] = keep[i - 1] and keep[i + 1]
    out = ""
    for i, t in enumerate(run):
        if keep[i]:
            if out and not (keep[i - 1] and not run[i - 1].space):
                out += " "
            out += t.text
    return out


def _inserted(run: list[Token], moved: Counter[str]) -> str:
    """A changed run of ``text``: its new words in ``<ins>``, moved words and punctuation plain."""
    out: list[str] = []
    marked: list[Token] = []

    def flush() -> None:
        if marked:
            out.append(f"<ins>{esc(_join(marked))}</ins>{esc(marked[-1].space)}")
            marked.clear()

    for i, t in enumerate(run):
        if _is_word(t) and not _take(moved, t.key):
            marked.append(t)
        elif marked and not t.space and i + 1 < len(run) and _is_word(run[i + 1]):
            marked.append(t)  # "14,000" or "well-known": punctuation inside a new phrase stays in it
        else:
            flush()
            out.append(esc(t.text + t.space))
    flush()
    return "".join(out)


def similarity(reference: str, text: str) -> float:
    """Share of tokens the two passages have in common, 0..1 (difflib's ratio on word keys)."""
    a, b = tokens(reference), tokens(text)
    return difflib.SequenceMatcher(None, [t.key for t in a], [t.key for t in b], autojunk=False).ratio()
