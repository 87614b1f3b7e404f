"""Page furniture: lines of a copy-paste or an extracted page that are not the article.

A copy-paste from a news site keeps the site's lines intact, so furniture is recognised line by line:
section labels, repeated headlines, bylines, timestamps (kept as the publication date), image credits,
comment-policy and copyright footers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

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


def _near_date_line(lines: list[str], i: int) -> bool:
    """Whether the nearest non-empty line before or after line i is a timestamp."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j]:
            j += step
        if 0 <= j < len(lines) and parse_date_line(lines[j]) is not None:
            return True
    return False


def _fold(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def strip_furniture(text: str, *, title: str = "") -> tuple[str, list[str], list[str], dt.date | None]:
    """Removes page furniture from normalised text.

    Args:
        text: Text after ``normalise_characters``.
        title: A title the user gave; lines repeating it are dropped.

    Returns:
        (title, body paragraphs, removed lines, publication date found in a timestamp line).
    """
    lines = [ln.strip() for ln in text.split("\n")]
    folded = [_fold(ln) for ln in lines]
    counts = Counter(f for f, ln in zip(folded, lines, strict=True) if ln and _is_heading_like(ln))
    removed: list[str] = []
    published: dt.date | None = None
    keep: list[bool] = [bool(ln) for ln in lines]

    # The top of the page runs until the first real paragraph: labels, headline, byline, dateline.
    first_paragraph = next((i for i, ln in enumerate(lines) if _is_paragraph(ln)), len(lines))
    found_title = title.strip()
    title_fold = _fold(found_title)

    def drop(i: int) -> None:
        if keep[i]:
            keep[i] = False
            removed.append(lines[i])

    heading_folds = {f for f in counts if f}
    for i, line in enumerate(lines):
        if not line:
            continue
        f = folded[i]
        date = parse_date_line(line)
        if date is not None:
            published = published or date
            drop(i)
        elif (
            (_CREDIT.search(line) and len(line) < 200)
            or _BYLINE.match(line)
            or (title_fold and f == title_fold)
        ):
            drop(i)
        elif not _is_heading_like(line):
            continue
        elif counts[f] > 1 and found_title and f != _fold(found_title):
            drop(i)  # a repeated headline or caption
        elif any(
            f != h and f.endswith(" " + h) is False and f.endswith(h) and len(f) - len(h) < 30
            for h in heading_folds
            if len(h) > 20
        ):
            drop(i)  # a section label glued to the headline ("NewsRising defiance: ...")
        elif _NAME_ONLY.match(line) and i < len(lines) * 0.3 and _near_date_line(lines, i):
            drop(i)  # a byline next to the dateline
        elif i < first_paragraph < len(lines):
            words = line.split()
            if _NAME_ONLY.match(line) and found_title:
                drop(i)  # a byline under the headline
            elif not found_title and (len(words) > 3 or counts[f] > 1):
                found_title = line
                title_fold = f
                keep[i] = False
            elif len(words) <= 3:
                drop(i)  # a section label ("World News")
            elif found_title and counts[f] > 1:
                drop(i)
        elif counts[f] > 1 and f == title_fold:
            drop(i)

    # Footers: from the first comment-policy or copyright line in the last part of the page onward.
    body_idx = [i for i, k in enumerate(keep) if k]
    for pos, i in enumerate(body_idx):
        if (_FOOTER.search(lines[i]) or _CREDIT.search(lines[i])) and len(lines[i]) < 400:
            if pos >= len(body_idx) * 0.5:
                for j in body_idx[pos:]:
                    drop(j)
                break
            drop(i)
    paragraphs = [ln for ln, k in zip(lines, keep, strict=True) if k]
    return found_title, paragraphs, removed, published
