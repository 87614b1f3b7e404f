"""Ingest: bytes or strings in, one cleaned ``Article`` out.

Cleaning is a sequence of small ``str -> str`` or line-classification steps. The cleaned text is the
single reference for every later offset. Page furniture is recognised line by line (a copy-paste from a
news site keeps the site's lines intact): section labels, repeated headlines, bylines, timestamps
(kept as the publication date), image credits, comment-policy and copyright footers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from pathlib import Path

from core.config import DEFAULT_LIMITS, Limits
from core.model import Article

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}


class IngestError(ValueError):
    """A source could not be read; ``str(error)`` is a one-line message for the user."""


# --------------------------------------------------------------------------------------------------
# Decoding


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_bytes(data: bytes, *, name: str = "file") -> tuple[str, str]:
    """Decodes file bytes: BOM (UTF-8/16/32), then strict UTF-8, then cp1252, then latin-1.

    Returns:
        The text and the name of the encoding used.

    Raises:
        IngestError: For empty input or bytes that look binary (NUL or many control bytes).
    """
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", " with BOM")
            except UnicodeDecodeError as exc:
                raise IngestError(f"{name}: cannot be decoded as {encoding} ({exc.reason})") from exc
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    if b"\x00" in sample or controls > len(sample) * 0.02:
        raise IngestError(f"{name}: looks like a binary file, not text")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


# --------------------------------------------------------------------------------------------------
# Character-level normalisation (str -> str). Quote replacements are one character for one character.

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\t": " ",
        "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
    }
)  # fmt: skip
# Zero-width characters, bidirectional controls and C0/C1 controls other than newline.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u180e\u034f\U000e0000-\U000e007f\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"
)
_SPACES = re.compile(r"[ ]{2,}")


def normalise_characters(text: str) -> str:
    """NFC, unified line endings and quotes, no invisible or control characters, single spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC after removing invisibles: "e\u200b\u0301" only composes once the zero-width space is gone.
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text.translate(_QUOTE_MAP)))
    return _SPACES.sub(" ", text)


# --------------------------------------------------------------------------------------------------
# Markdown and HTML to plain text

# Bounded repeats: an unclosed "[", "*" or "_" must not scan to the end of a long line from every start.
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{1,500})\]\([^)\n]{0,2000}\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.{1,300}?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
_MD_LIST = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+", re.MULTILINE)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.MULTILINE)


def markdown_to_text(markdown: str) -> tuple[str, str]:
    """Strips Markdown syntax; returns (first level-one heading or "", text)."""
    title_match = re.search(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", markdown, re.MULTILINE)
    title = title_match.group(1).strip() if title_match else ""
    text = _MD_IMAGE.sub("", markdown)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_RULE.sub("", text)
    text = _MD_LIST.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return title, text


def html_to_text(html: str) -> tuple[str, str, dt.date | None]:
    """Extracts (title, main text, publication date) from an HTML page with trafilatura.

    Scripts, styles, navigation and comments are dropped; falls back to lxml's plain text when
    trafilatura finds no main content.
    """
    import trafilatura  # noqa: PLC0415 - heavy; only HTML needs it

    title, text, published = "", "", None
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
        )
    except Exception:  # noqa: BLE001 - a broken page falls through to the plain-text fallback
        doc = None
    if doc is not None:
        get = doc.get if isinstance(doc, dict) else lambda k, d=None: getattr(doc, k, d)
        title = get("title") or ""
        text = get("text") or ""
        published = _parse_iso_date(get("date") or "")
    if not text.strip():
        text = _lxml_text(html)
    return title, text, published


def _lxml_text(html: str) -> str:
    try:
        import lxml.html  # noqa: PLC0415

        root = lxml.html.fromstring(html)
        for bad in root.xpath("//script|//style|//noscript|//template"):
            bad.drop_tree()
        return "\n".join(t.strip() for t in root.itertext() if t.strip())
    except Exception:  # noqa: BLE001 - unparsable markup: nothing to extract
        return ""


def _parse_iso_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------
# Page furniture

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?)?"
_PREFIX = r"(?:(?:published|updated|posted|last\s+updated|date)\s*:?\s*(?:on\s+)?)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_LINE = re.compile(
    rf"^{_PREFIX}{_WEEKDAY}(?:"
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_RE})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})"
    rf"|(?P<d4>\d{{1,2}})[./](?P<m4>\d{{1,2}})[./](?P<y4>\d{{4}})"
    rf"){_TIME}\s*(?:\|.*)?$",
    re.IGNORECASE,
)
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


def parse_date_line(line: str) -> dt.date | None:
    """The date of a line that is only a timestamp ("31 July 2024 21:31"), else None."""
    m = _DATE_LINE.match(line.strip())
    if not m:
        return None
    g = m.groupdict()
    try:
        if g["y1"]:
            return dt.date(int(g["y1"]), _MONTHS[g["m1"].lower()], int(g["d1"]))
        if g["y2"]:
            return dt.date(int(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"]))
        if g["y3"]:
            return dt.date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        return dt.date(int(g["y4"]), int(g["m4"]), int(g["d4"]))
    except ValueError:
        return None


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


# --------------------------------------------------------------------------------------------------
# Entry points


def article_from_text(
    source_id: str,
    text: str,
    *,
    title: str = "",
    published: dt.date | None = None,
    origin: str = "paste",
    fmt: str = "text",
    limits: Limits = DEFAULT_LIMITS,
    notes: tuple[str, ...] = (),
) -> Article:
    """Cleans one source given as a string.

    Args:
        source_id: The source's id.
        text: Raw text, Markdown or HTML (see ``fmt``).
        title: Title given by the user; found in the text when empty.
        published: Publication date given by the user; found in a timestamp line when None.
        origin: Where it came from, for display.
        fmt: "text", "markdown" or "html".
        limits: Size limits; a longer article is cut with a note.
        notes: Notes from earlier steps (e.g. the encoding used).

    Raises:
        IngestError: When nothing readable is left.
    """
    notes_list = list(notes)
    found_date: dt.date | None = None
    if fmt == "html":
        html_title, text, found_date = html_to_text(text)
        title = title or html_title
    elif fmt == "markdown":
        md_title, text = markdown_to_text(text)
        title = title or md_title
    if len(text) > 2 * limits.max_article_chars:
        # Furniture is found line by line, so a huge paste is cut (generously) before cleaning.
        text = text[: 2 * limits.max_article_chars]
    text = normalise_characters(text)
    title = " ".join(normalise_characters(title).split())
    if len(title) > 300:
        title = title[:297].rstrip() + "..."
        notes_list.append("title shortened to 300 characters")
    found_title, paragraphs, removed, line_date = strip_furniture(text, title=title)
    body = "\n\n".join(paragraphs)
    if len(body) > limits.max_article_chars:
        cut = body.rfind(" ", 0, limits.max_article_chars)
        body = body[: cut if cut > 0 else limits.max_article_chars]
        notes_list.append(f"text cut to the first {limits.max_article_chars:,} characters")
    if not re.search(r"\w", body):
        raise IngestError(f"{source_id}: no readable text")
    return Article(
        source_id=source_id,
        title=found_title,
        text=body,
        published=published or found_date or line_date,
        origin=origin,
        removed=tuple(removed),
        notes=tuple(notes_list),
    )


def format_for_name(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    return "text"


def article_from_bytes(
    name: str,
    data: bytes,
    *,
    source_id: str | None = None,
    origin: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Article:
    """Decodes and cleans an uploaded or read file; the source id defaults to the name's stem.

    Raises:
        IngestError: Empty, binary, oversized or unreadable input.
    """
    sid = source_id or Path(name).stem or "source"
    if len(data) > limits.max_upload_bytes:
        size, cap = len(data) / 1e6, limits.max_upload_bytes / 1e6
        raise IngestError(f"{name}: the file is {size:.1f} MB; the limit is {cap:.0f} MB")
    text, encoding = decode_bytes(data, name=name)
    notes = () if encoding in {"utf-8", "utf-8 with BOM"} else (f"decoded as {encoding}",)
    fmt = format_for_name(name)
    if fmt == "text" and re.match(r"\s*(<!doctype html|<html)", text[:200], re.IGNORECASE):
        fmt = "html"
    return article_from_text(sid, text, origin=origin or f"file:{name}", fmt=fmt, limits=limits, notes=notes)


def load_path(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Reads one file. Raises IngestError with a one-line message when it cannot."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    return article_from_bytes(path.name, data, origin=f"file:{path.name}", limits=limits)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the text files of each folder (sorted by name)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(c for c in p.iterdir() if c.is_file() and c.suffix.lower() in TEXT_SUFFIXES))
        else:
            files.append(p)
    return files


def unique_ids(articles: list[Article]) -> list[Article]:
    """Renames repeated source ids ("a", "a") to ("a", "a-2")."""
    from dataclasses import replace  # noqa: PLC0415

    seen: Counter[str] = Counter()
    out = []
    for a in articles:
        seen[a.source_id] += 1
        out.append(
            a if seen[a.source_id] == 1 else replace(a, source_id=f"{a.source_id}-{seen[a.source_id]}")
        )
    return out
