"""Page furniture: lines of a copy-paste or an extracted page that are not the article.

A copy-paste from a news site keeps the site's lines intact, so furniture is recognised line by line by an
ordered table of named rules (``LINE_RULES``): the first rule whose predicate holds decides what happens to
the line (dropped, kept, taken as the headline, or read as the publication date). A second, positional
step (``drop_footers``) removes the comment-policy and copyright block at the end of the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from core.ingest.dates import parse_date_line

_CREDIT = re.compile(
    r"(©|\(c\)\s*\d{4}|^(?:images?|photos?|pictures?|video|illustration)\s*(?:source|credit|by)?\s*:"
    r"|^(?:source|credit)\s*:|getty images|shutterstock|^image\s+\d+\s+of\s+\d+)",
    re.IGNORECASE,
)
# The end of the article: comments, copyright, tags. In the second half of the page, everything from here
# on is dropped; earlier, the line alone.
_END = re.compile(
    r"(join the conversation|leave a (?:comment|reply)|comment policy|we have no tolerance for comments"
    r"|all rights reserved|^copyright\b|share this (?:article|story)|^(?:tags|topics)\s*:|follow us on)",
    re.IGNORECASE,
)
# A rights notice ("Downloading, reproduction ... requires prior consent"): the end, however long it is.
_RIGHTS = re.compile(
    r"^(?:downloading|reproduction|republication|redistribution|no part of)\b.{0,2000}?"
    r"\b(?:consent|permission|prohibited|forbidden|not permitted)\b",
    re.IGNORECASE,
)
# Links to other stories, promotions and calls to action inside the article: the line (and, after a bare
# block header such as "More from World", the headline-like link lines under it) is dropped, never the
# paragraphs after it. Measured: a "More from ..." line in the second half of a page deleted the rest.
_LINKS = re.compile(
    r"(^related(?: content| articles| stories| coverage| news)?\s*:?$|^read more\b|^(?:also read|see also"
    r"|more from|more on this|recommended|most read|most popular|you may also like|editor'?s picks?"
    r"|trending now)\b|^advertisement$|click here to|sign up (?:for|to) (?:our|the)"
    r"|subscribe to (?:our|the))",
    re.IGNORECASE,
)
# What a copy-paste leaves of a link or a video: "Watch the footage here", "For the latest news, go to".
_CALL_TO_ACTION = re.compile(
    r"^(?:watch|listen|click|tap|subscribe|download)\b|\b(?:go to|visit|click here)\s*:?$", re.IGNORECASE
)
_AGENCY = (
    r"(?:AP|AFP|EPA|EPA-EFE|Reuters|REUTERS|Getty Images|GETTY|AAP|PA|Xinhua|XINHUA|Anadolu|ANADOLU|ANI|PTI"
    r"|IANS|Bloomberg|dpa|DPA|SIPA|Shutterstock|Alamy|NurPhoto|ZUMA|AP Photo|Photo)"
)
# A photo credit on its own line: "EPA/ NAME SURNAME", "AP Photo/Name", "AFP/Getty Images".
_PHOTO_CREDIT = re.compile(rf"^{_AGENCY}\s*/\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,3}}$")
# A caption: a line that ends with a photo credit. "(Photo: ...)", "(AP Photo/...)", "Photo: Name".
_CAPTION = re.compile(
    r"(?:\((?=[^()]*\b(?:photos?|images?|pictures?|file|photograph)\b)[^()]{1,80}\)"
    r"|\b(?:photo|image|picture|photograph)(?:\s+credit)?\s*:\s*[^.!?:]{1,60}"
    rf"|/\s*{_AGENCY}(?:\s+via\s+[\w ]{{1,30}})?)\s*$",
    re.IGNORECASE,
)
# ... or with an agency in brackets, when short (a long sentence tagged "(Anadolu)" is an article line).
_AGENCY_TAIL = re.compile(rf"\({_AGENCY}\)\s*$")
_BYLINE = re.compile(r"^(?i:by|words by|reporting by|written by)\s+[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,4}$")
_NAME_ONLY = re.compile(r"^[A-Z][a-z'\-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'\-]+|van|de|der|von|da|al)){1,3}$")
_SENTENCE_END = re.compile(r"[.!?:;…\"')\]]$")


def _is_heading_like(line: str) -> bool:
    words = line.split()
    return (0 < len(words) <= 25 and len(line) <= 200 and not _SENTENCE_END.search(line)) or (
        line.endswith("?") and len(words) <= 15
    )


def _is_paragraph(line: str) -> bool:
    return len(line.split()) >= 20 or (len(line) >= 80 and bool(_SENTENCE_END.search(line)))


def _fold(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


# --------------------------------------------------------------------------------------------------
# What the rules see


@dataclass(frozen=True, slots=True)
class Furniture:
    """The result of ``strip_furniture``.

    Attributes:
        title: The headline: the one given, or the first headline-like line of the page's top.
        paragraphs: The body, one paragraph per kept line, in reading order.
        removed: The lines dropped as furniture, in the order they were dropped.
        reasons: The name of the rule that dropped each line of ``removed`` (same order).
        published: The date of the first timestamp line, if any.
    """

    title: str
    paragraphs: tuple[str, ...]
    removed: tuple[str, ...]
    reasons: tuple[str, ...]
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class Line:
    """One non-empty line and the facts about it that the rules test."""

    index: int
    text: str
    fold: str  # lower case, punctuation folded to single spaces: how repeats are recognised
    n_words: int
    heading_like: bool  # short and without final punctuation (or a short question)
    date: dt.date | None  # the date when the whole line is a timestamp


@dataclass(slots=True)
class Page:
    """What the rules know about the whole page; ``title`` changes when the headline is found."""

    lines: list[str]
    counts: Counter[str]  # how often each heading-like line occurs (folded)
    heading_folds: frozenset[str]
    first_paragraph: int  # index of the first real paragraph: the page's top ends there
    title: str
    title_fold: str = field(init=False)

    def __post_init__(self) -> None:
        self.title_fold = _fold(self.title)

    def at_top(self, line: Line) -> bool:
        """Whether the line comes before the first real paragraph (and the page has one)."""
        return line.index < self.first_paragraph < len(self.lines)

    def repeats(self, line: Line) -> bool:
        return self.counts[line.fold] > 1


class Verdict(Enum):
    """What a rule does with the line it matches."""

    KEEP = "keep"
    DROP = "drop"
    HEADLINE = "headline"  # taken out of the body as the title (not listed as removed)
    TIMESTAMP = "timestamp"  # dropped; its date is the publication date unless one was found before


@dataclass(frozen=True, slots=True)
class LineRule:
    """A named rule: when ``applies`` holds for a line, ``verdict`` decides it."""

    name: str
    applies: Callable[[Line, Page], bool]
    verdict: Verdict


# --------------------------------------------------------------------------------------------------
# The rules


def _near_date_line(lines: list[str], i: int) -> bool:
    """Whether the nearest non-empty line before or after line i is a timestamp."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j]:
            j += step
        if 0 <= j < len(lines) and parse_date_line(lines[j]) is not None:
            return True
    return False


_MAX_LABEL = 30  # a glued label is shorter than this
_MIN_GLUED_HEADING = 20  # ... and the heading it is glued to longer


def _glued_label(line: Line, page: Page) -> bool:
    """A section label glued to a heading that occurs elsewhere ("NewsRising defiance: ..." after
    "Rising defiance: ..."): the line ends with another heading of over 20 characters, less than 30
    characters longer, and the join is not at a space.

    Linear in the page: the at most 29 suffixes of the line are looked up in the set of headings (the
    loop over every heading made 8,000 distinct heading-like lines take 97 s).
    """
    f = line.fold
    for k in range(1, min(_MAX_LABEL, len(f) - _MIN_GLUED_HEADING)):
        if f[k - 1] != " " and f[k:] in page.heading_folds:
            return True
    return False


def _is_caption(line: Line, _: Page) -> bool:
    """A photo caption: a line ending with a photo credit, or short and ending with "(Agency)"."""
    if line.n_words <= 60 and _CAPTION.search(line.text):
        return True
    return line.n_words <= 16 and bool(_AGENCY_TAIL.search(line.text))


LINE_RULES: tuple[LineRule, ...] = (
    LineRule("timestamp", lambda ln, _: ln.date is not None, Verdict.TIMESTAMP),
    LineRule(
        "image credit", lambda ln, _: bool(_CREDIT.search(ln.text)) and len(ln.text) < 200, Verdict.DROP
    ),
    LineRule("photo credit", lambda ln, _: bool(_PHOTO_CREDIT.match(ln.text)), Verdict.DROP),
    LineRule("photo caption", _is_caption, Verdict.DROP),
    LineRule("byline", lambda ln, _: bool(_BYLINE.match(ln.text)), Verdict.DROP),
    LineRule(
        "call to action",
        lambda ln, _: ln.heading_like and ln.n_words <= 20 and bool(_CALL_TO_ACTION.search(ln.text)),
        Verdict.DROP,
    ),
    LineRule("headline repeated", lambda ln, p: bool(p.title_fold) and ln.fold == p.title_fold, Verdict.DROP),
    LineRule("body text", lambda ln, _: not ln.heading_like, Verdict.KEEP),
    LineRule(
        "repeated heading or caption",
        lambda ln, p: p.repeats(ln) and bool(p.title) and ln.fold != p.title_fold,
        Verdict.DROP,
    ),
    LineRule("section label glued to a heading", _glued_label, Verdict.DROP),
    LineRule(
        "byline next to the dateline",
        lambda ln, p: (
            bool(_NAME_ONLY.match(ln.text))
            and ln.index < len(p.lines) * 0.3
            and _near_date_line(p.lines, ln.index)
        ),
        Verdict.DROP,
    ),
    LineRule(
        "byline under the headline",
        lambda ln, p: p.at_top(ln) and bool(_NAME_ONLY.match(ln.text)) and bool(p.title),
        Verdict.DROP,
    ),
    LineRule(
        "headline",
        lambda ln, p: p.at_top(ln) and not p.title and (ln.n_words > 3 or p.repeats(ln)),
        Verdict.HEADLINE,
    ),
    LineRule("section label", lambda ln, p: p.at_top(ln) and ln.n_words <= 3, Verdict.DROP),
    # The two rules below only decide lines whose folded form is empty ("***", "---") under a headline
    # that is punctuation too: "headline repeated" and "repeated heading or caption" take the rest.
    LineRule("repeated deck", lambda ln, p: p.at_top(ln) and bool(p.title) and p.repeats(ln), Verdict.DROP),
    LineRule(
        "headline repeated below",
        lambda ln, p: not p.at_top(ln) and p.repeats(ln) and ln.fold == p.title_fold,
        Verdict.DROP,
    ),
)
"""Line rules in order; the first that applies decides, and a line no rule applies to is kept."""


def classify(line: Line, page: Page) -> LineRule | None:
    """The first rule of ``LINE_RULES`` that applies to the line, or None (the line is kept)."""
    return next((rule for rule in LINE_RULES if rule.applies(line, page)), None)


def drop_links(lines: list[str], kept: list[int]) -> tuple[list[int], list[int]]:
    """Links to other stories among the kept lines: each link line, and after a bare header ("More from
    World", "Related:") the headline-like lines under it, up to the first line that is not one.

    Returns:
        The indices still kept, and the indices dropped (in order).
    """
    dropped: list[int] = []
    in_block = False
    for i in kept:
        line = lines[i]
        if _LINKS.search(line) and len(line) < 400:
            dropped.append(i)
            in_block = len(line.split()) <= 4 or line.endswith(":")
        elif in_block and _is_heading_like(line):
            dropped.append(i)
        else:
            in_block = False
    gone = set(dropped)
    return [i for i in kept if i not in gone], dropped


def drop_footers(lines: list[str], kept: list[int]) -> tuple[list[int], list[int]]:
    """The end of the article among the kept lines: from the first end marker (comments, copyright,
    tags) in the second half of the page onward, everything; before that, end markers one by one. A
    rights notice ends the article wherever it is in the second half, however long.

    Returns:
        The indices still kept, and the indices dropped (in order).
    """
    dropped: list[int] = []
    for pos, i in enumerate(kept):
        line = lines[i]
        is_end = bool(_END.search(line)) and len(line) < 400
        if is_end or (_RIGHTS.search(line) and pos >= len(kept) * 0.5):
            if pos >= len(kept) * 0.5:
                dropped.extend(kept[pos:])
                break
            dropped.append(i)
        elif _CREDIT.search(line) and len(line) < 400:
            dropped.append(i)
    gone = set(dropped)
    return [i for i in kept if i not in gone], dropped


def _page(lines: list[str], title: str) -> tuple[Page, list[Line]]:
    folded = [_fold(ln) for ln in lines]
    views = [
        Line(i, ln, folded[i], len(ln.split()), _is_heading_like(ln), parse_date_line(ln))
        for i, ln in enumerate(lines)
        if ln
    ]
    counts = Counter(v.fold for v in views if v.heading_like)
    page = Page(
        lines=lines,
        counts=counts,
        heading_folds=frozenset(f for f in counts if f),
        first_paragraph=next((i for i, ln in enumerate(lines) if _is_paragraph(ln)), len(lines)),
        title=title.strip(),
    )
    return page, views


def strip_furniture(text: str, *, title: str = "") -> Furniture:
    """Removes page furniture from normalised text.

    Args:
        text: Text after ``normalise_characters``.
        title: A title the user gave; lines repeating it are dropped.

    Returns:
        The headline, the body paragraphs, the removed lines (with the rule that removed each) and the
        publication date found in a timestamp line.
    """
    lines = [ln.strip() for ln in text.split("\n")]
    page, views = _page(lines, title)
    kept: list[int] = []
    removed: list[tuple[int, str]] = []
    published: dt.date | None = None
    for line in views:
        rule = classify(line, page)
        verdict = rule.verdict if rule is not None else Verdict.KEEP
        if verdict is Verdict.KEEP:
            kept.append(line.index)
        elif verdict is Verdict.HEADLINE:
            page.title, page.title_fold = line.text, line.fold
        else:
            published = published or line.date
            removed.append((line.index, rule.name if rule is not None else ""))
    kept, links = drop_links(lines, kept)
    removed.extend((i, "link to another story") for i in links)
    kept, footer = drop_footers(lines, kept)
    removed.extend((i, "footer") for i in footer)
    return Furniture(
        title=page.title,
        paragraphs=tuple(lines[i] for i in kept),
        removed=tuple(lines[i] for i, _ in removed),
        reasons=tuple(name for _, name in removed),
        published=published,
    )
