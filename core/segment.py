"""Sentence segmentation with character offsets into the cleaned text.

Written here rather than taken from a library: pysbd is unmaintained (last release 2021) and its
``char_span`` offsets drift on repeated text, NLTK's Punkt needs a data download, and spaCy's parser
costs about as much per sentence as the embedding itself. News text needs a handful of rules that are
easy to state and test: abbreviations and initials, dotted acronyms, decimals and thousands
separators, quotes that close a sentence, ellipses, and headline lines without a final full stop.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from core.config import DEFAULT_LIMITS, Limits
from core.model import Article, Sentence

# Abbreviations that do not end a sentence when followed by a capitalised word (titles before a name,
# "No. 5", months, street types...).
_ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof sr jr st mt ft gen col lt sgt cpl pvt capt cmdr maj adm brig rep reps sen
    gov pres rev msgr hon amb supt insp det const cllr atty no nos vs v approx est fig figs vol vols op
    cf ca jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp llc plc bros dept univ assn
    ave blvd rd mon tue tues wed thu thur thurs fri sat sun
""".split()  # noqa: SIM905 - a word list reads best as prose
)
# ... but these also end sentences ("... said Roland Butler Jr. The search ...", "... of Acme Inc. It
# ..."): a boundary when the next word is a common sentence opener, as after a dotted acronym.
_ENDING_ABBREVIATIONS = frozenset({"jr", "sr", "inc", "ltd", "co", "corp", "llc", "plc", "bros"})
# After a dotted acronym ("U.S.", "a.m."), only these common openers start a new sentence.
_OPENERS = frozenset(
    """the a an he she it they we i you his her its their our this that these those there but and in
    on at for after before when while however meanwhile yet so if as according one two some many
    most all no what who why how
""".split()  # noqa: SIM905 - a word list reads best as prose
)
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace. Ingest makes
# curly quotes straight, but an Article built elsewhere may keep them: "lucky.” Then" ends here too. A
# quote mark standing alone after the stop ('lucky. " Then', as detokenised text has it) is a closing
# one too: an opening quote sticks to its word. Measured on ECB+ (sentence ends after a closing quote
# inside a paragraph, Articles built without ingest): curly 0/117 -> 113/117, straight 672/843 -> see
# the commit message.
_CLOSERS = "\"')]»”’"
_CANDIDATE = re.compile(rf"(?:\.{{3}}|…|[.!?])+(?: ?[{re.escape(_CLOSERS)}])*(?=\s)")
_NEXT_START = re.compile(r"\s+([\"'(\[«“‘]*)(\S+)")
_WORD_BEFORE = re.compile(r"([\w.'\-]+)$")
_HEADING_END = re.compile(r"[.!?:;…,\"')\]”’]$")
# A seam where a pasted web page lost the break between two blocks: a lower-case word run straight into a
# capitalised one ("...during stormDevastation struck..."), usually a related-link headline glued to the
# next paragraph. In the 982 ECB+ articles the pattern occurs twice, each such a seam; names (McDonald,
# iPhone, eBay, YouTube), handles, paths and domains do not match it. A function word before the seam is a
# lost space inside a sentence ("theGeological Survey"), not a block boundary.
_SEAM = re.compile(r"(?<![@#/.\w])([a-z]{3,})(?=[A-Z][a-z]{2,}\b|A )")
_NOT_SEAM = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "into",
        "onto",
        "over",
        "than",
        "then",
        "when",
        "what",
        "who",
        "which",
        "was",
        "were",
        "are",
        "has",
        "had",
        "have",
        "its",
        "our",
        "their",
        "his",
        "her",
        "but",
        "nor",
        "yet",
        "not",
        "also",
        "about",
        "after",
        "before",
        "said",
        "says",
    ]
)


def _is_boundary(text: str, end: int, candidate: str) -> bool:
    """Whether a candidate (stop plus closing quotes) ending at ``end`` (exclusive) is a boundary."""
    punct = candidate.rstrip(_CLOSERS + " ")
    nxt = _NEXT_START.match(text, end)
    if not nxt:
        return False
    opener, word = nxt.group(1), nxt.group(2)
    first = word[0]
    if not (
        first.isupper()
        or first.isdigit()
        or first == "*"
        or (opener and first.isalpha())
        or not first.isascii()
    ):
        return False  # "... they are not animals!' she said", "e.g. this"
    if first.isalpha() and not first.isascii() and not first.isupper() and first.lower() != first:
        return False
    if punct.startswith(".") and not punct.startswith("..."):
        stop = end - len(candidate) + 1  # just after the first stop
        window = max(0, stop - 64)  # a bounded look-back: searching from 0 is quadratic in the text
        before = _WORD_BEFORE.search(text, window, stop)
        token = before.group(1) if before and (before.start() > window or window == 0) else ""
        bare = token.rstrip(".").lower()
        if bare in _ABBREVIATIONS:
            return bare in _ENDING_ABBREVIATIONS and word.strip("\"'“‘").lower() in _OPENERS
        if re.fullmatch(r"[A-Z]", token.rstrip(".")):
            return False  # an initial: "J. Smith"
        if re.fullmatch(r"(?:[A-Za-z]\.){2,}", token):
            return word.strip("\"'“‘").lower() in _OPENERS  # "in the U.S. The ..." vs "U.S. Army"
    return True


def _split_long(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cuts a span longer than ``limit`` characters at word boundaries (prefer after , ; :)."""
    while end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(", "), window.rfind("; "), window.rfind(": "))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        yield start, start + cut + 1
        start += cut + 1
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _seams(text: str) -> list[int]:
    """Offsets of glued block seams (``_SEAM``) in ``text``, in order (a seam never spans a line break)."""
    return [m.end() for m in _SEAM.finditer(text) if m.group(1) not in _NOT_SEAM]


def _spans(text: str, limits: Limits, seams: list[int]) -> Iterator[tuple[int, int]]:
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.span()
        cuts = [
            m.end()
            for m in _CANDIDATE.finditer(text, p_start, p_end)
            if _is_boundary(text, m.end(), m.group(0))
        ]
        cursor = p_start
        inside = seams[bisect.bisect_right(seams, p_start) : bisect.bisect_left(seams, p_end)]
        for cut in sorted({*cuts, *inside}):
            yield from _split_long(text, cursor, cut, limits.max_sentence_chars)
            cursor = cut
        yield from _split_long(text, cursor, p_end, limits.max_sentence_chars)


def split_sentences(article: Article, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Sentence, ...]:
    """Splits an article's cleaned text into sentences.

    A one-line paragraph of at most 12 words without final punctuation is a heading (``is_heading``):
    kept in reading order but not aligned. When such lines would make up most of the text (an article
    with no punctuation at all), none is treated as a heading.

    Returns:
        Sentences in order, with ``text == article.text[start:end]``, trimmed of whitespace.
    """
    text = article.text
    seam_list = _seams(text)
    seams = set(seam_list)
    raw: list[tuple[int, int]] = []
    for span_start, span_end in _spans(text, limits, seam_list):
        s, e = span_start, span_end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and re.search(r"\w", text[s:e]):
            raw.append((s, e))

    def heading(s: int, e: int) -> bool:
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        whole_line = text[line_start:line_end].strip() == text[s:e]
        # A headline glued to the paragraph after it starts its line and ends at the seam.
        glued = text[line_start:s].strip() == "" and e < len(text) and text[e].isupper() and e in seams
        return (whole_line or glued) and len(text[s:e].split()) <= 12 and not _HEADING_END.search(text[s:e])

    flags = [heading(s, e) for s, e in raw]
    heading_chars = sum(e - s for (s, e), f in zip(raw, flags, strict=True) if f)
    if heading_chars * 2 > sum(e - s for s, e in raw):
        flags = [False] * len(raw)
    return tuple(
        Sentence(article.source_id, i, s, e, text[s:e], is_heading=f)
        for i, ((s, e), f) in enumerate(zip(raw, flags, strict=True))
    )
