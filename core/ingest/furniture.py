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
_FOOTER = re.compile(
    r"(join the conversation|leave a comment|comment policy|we have no tolerance for comments"
    r"|all rights reserved|^copyright\b|sign up (?:for|to) (?:our|the)|subscribe to (?:our|the)"
    r"|share this (?:article|story)|^related(?: content| articles| stories| coverage)?\s*:?$|^read more\s*:?"
    r"|^more (?:on this|from)\b|^(?:tags|topics)\s*:"
    r"|click here to|follow us on|^advertisement$|^most read$|^recommended$)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|words by|reporting by|written by)\s+[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,4}$")
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


def _glued_label(line: Line, page: Page) -> bool:
    """A section label glued to a heading that occurs elsewhere ("NewsRising defiance: ..." after
    "Rising defiance: ..."): the line ends with another heading of over 20 characters, less than 30
    characters longer, and the join is not at a space."""
    f = line.fold
    return any(
        f != h and f.endswith(" " + h) is False and f.endswith(h) and len(f) - len(h) < 30
        for h in page.heading_folds
        if len(h) > 20
    )


LINE_RULES: tuple[LineRule, ...] = (
    LineRule("timestamp", lambda ln, _: ln.date is not None, Verdict.TIMESTAMP),
    LineRule(
        "image credit", lambda ln, _: bool(_CREDIT.search(ln.text)) and len(ln.text) < 200, Verdict.DROP
    ),
    LineRule("byline", lambda ln, _: bool(_BYLINE.match(ln.text)), Verdict.DROP),
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


def drop_footers(lines: list[str], kept: list[int]) -> tuple[list[int], list[int]]:
    """Footer lines among the kept ones: from the first footer or credit line in the second half of the
    page onward, everything; before that, footer lines one by one.

    Returns:
        The indices still kept, and the indices dropped (in order).
    """
    dropped: list[int] = []
    for pos, i in enumerate(kept):
        if (_FOOTER.search(lines[i]) or _CREDIT.search(lines[i])) and len(lines[i]) < 400:
            if pos >= len(kept) * 0.5:
                dropped.extend(kept[pos:])
                break
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
    kept, footer = drop_footers(lines, kept)
    removed.extend((i, "footer") for i in footer)
    return Furniture(
        title=page.title,
        paragraphs=tuple(lines[i] for i in kept),
        removed=tuple(lines[i] for i, _ in removed),
        reasons=tuple(name for _, name in removed),
        published=published,
    )
