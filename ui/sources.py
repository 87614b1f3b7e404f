"""Turning user input (pasted text, uploaded files, a link) into Articles, with one-line messages.

Pure (no Streamlit): the Sources page calls these and shows ``SourceError``'s message. The messages are
plain text; the page escapes them for Markdown like any other untrusted text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import core.fetch
from core.config import DEFAULT_LIMITS, Limits
from core.fetch import FetchError
from core.ingest import IngestError, article_from_bytes, article_from_text, looks_like_html
from core.model import Article

UPLOAD_TYPES = ["txt", "text", "md", "markdown", "html", "htm", "xhtml"]
LIMITS: Limits = DEFAULT_LIMITS
MAX_NAME_CHARS = 80
MAX_TITLE_CHARS = 300  # as ingest caps a headline found in the text
# Characters that change the direction of the text around them: a name holding one can display as another
# (U+202E shows "evil<U+202E>txt.exe" as "evilexe.txt") or spill its direction into the page around it.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class SourceError(ValueError):
    """Input that could not become a source; ``str(exc)`` is one sentence for the user (plain text)."""


def slug(text: str, limit: int = 40) -> str:
    """A short lower-case name from free text ("Rail line closed!" -> "rail-line-closed")."""
    words = re.findall(r"\w+", text.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out


def name_from_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "link").removeprefix("www.")
    last = slug(Path(parts.path).stem.replace("_", " ").replace("-", " "), 30)
    return f"{host}-{last}" if last else host


def clean_name(name: str) -> str:
    """A source name as stored: single spaces, no control characters, trimmed."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    return " ".join(name.split())


def name_key(name: str) -> str:
    """What two names must differ in: their NFKC form ("Cafe\u0301" and "Café" are the same name)."""
    return unicodedata.normalize("NFKC", name)


def name_problem(name: str, taken: Collection[str], *, ignore: str | None = None) -> str | None:
    """Why ``name`` (already cleaned) cannot name a source while ``taken`` are loaded, or None.

    Refused: an empty name, one over ``MAX_NAME_CHARS``, one with no visible character (only zero-width or
    other format characters), one with a direction-control character, and one equal to a loaded name
    after Unicode normalisation (``ignore`` is the source being renamed).
    """
    if not name:
        return "Give the source a name."
    if len(name) > MAX_NAME_CHARS:
        return f"Source names can be at most {MAX_NAME_CHARS} characters long."
    if any(ch in _BIDI_CONTROLS for ch in name):
        return "Source names cannot hold right-to-left or other text-direction control characters."
    if all(unicodedata.category(ch) in {"Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cc"} for ch in name):
        return "The name has no visible characters: give the source a name people can read."
    key = name_key(name)
    for other in taken:
        if other != ignore and name_key(other) == key:
            if other == name:
                return (
                    f"A source named “{name}” is already loaded. Choose another name or rename that source "
                    "first."
                )
            return (
                f"A source named “{other}” is already loaded, and “{name}” would look the same. Choose "
                "another name."
            )
    return None


def cap_title(title: str) -> str:
    """A headline on one line, cut to ``MAX_TITLE_CHARS`` like ingest does."""
    title = " ".join(title.split())
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 3].rstrip() + "..."


def unique_name(base: str, taken: Collection[str]) -> str:
    """``base`` itself when free, else ``base-2``, ``base-3``, ... (``base`` cleaned and capped first)."""
    base = clean_name(base)[:MAX_NAME_CHARS] or "source"
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def from_paste(name: str, title: str, text: str, published: dt.date | None) -> Article:
    """An article from pasted text (HTML and Markdown are detected and stripped).

    Raises:
        SourceError: Empty, oversized or unreadable text.
    """
    if not text.strip():
        raise SourceError("Paste the article text first: the text box is empty.")
    if len(text) > LIMITS.max_upload_bytes:
        raise SourceError(
            f"The pasted text has {len(text):,} characters; the limit is {LIMITS.max_upload_bytes:,}."
        )
    fmt = "html" if looks_like_html(text) else "text"
    try:
        return article_from_text(name, text, title=title, published=published, origin="paste", fmt=fmt)
    except IngestError as exc:
        raise SourceError(str(exc)) from exc


_HASHLIKE = re.compile(r"[0-9a-f]{8,}|[0-9]{5,}|[0-9a-z]{20,}", re.IGNORECASE)


def readable(stem: str) -> bool:
    """Whether a file stem reads as a name ("bbc-landslide", "Herald 12 March") rather than an id
    ("3f9a0c2e7b1d", "article_20250314_000123", "0b6e4c1a-...")."""
    letters = sum(ch.isalpha() for ch in stem)
    words = re.findall(r"[^\W\d_]{2,}", stem)
    return letters >= 3 and len(stem) <= 40 and not _HASHLIKE.search(stem) and len(words) >= 1


def short_title(title: str, limit: int = 40) -> str:
    """The first words of a headline, at most ``limit`` characters, cut at a word."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title.rstrip(" .:;,-")
    cut = title.rfind(" ", 0, limit + 1)
    return title[: cut if cut > 10 else limit].rstrip(" .:;,-")


def upload_name(file_name: str, title: str) -> str:
    """A readable default name for an uploaded file: its stem when that reads as a name, else the first
    words of its headline, else the stem (the file name stays in ``Article.origin`` and the exports)."""
    stem = clean_name(Path(file_name).stem)
    if readable(stem) or not title.strip():
        return stem or "file"
    return clean_name(short_title(title)) or stem or "file"


def from_upload(name: str, data: bytes, *, taken: Collection[str] = ()) -> Article:
    """An article from an uploaded file, named by ``upload_name`` (unique among ``taken``).

    Raises:
        SourceError: Empty, binary, oversized or unreadable files ("<file name>: <why>").
    """
    try:
        article = article_from_bytes(name, data, source_id=Path(name).stem or "file", origin=f"file:{name}")
    except IngestError as exc:
        raise SourceError(str(exc)) from exc
    return replace(article, source_id=unique_name(upload_name(name, article.title), taken))


def link_error(exc: Exception) -> str:
    """A sentence for the user about a link that could not be added (plain text)."""
    detail = " ".join(str(exc).split()).rstrip(".")
    if isinstance(exc, IngestError):  # "<source name>: no readable text": the name means nothing yet
        detail = detail.rsplit(": ", 1)[-1]
    if detail[:1].isupper() and detail[1:2].islower():
        detail = detail[0].lower() + detail[1:]
    if not isinstance(exc, FetchError):
        return f"The page was fetched, but no article could be read from it: {detail}."
    if detail.lower().startswith("refused: "):
        detail = detail[len("refused: ") :]
        return f"That link can't be fetched: {detail}. Only public web addresses are allowed."
    return f"That link can't be fetched: {detail}."


def from_url(url: str, *, name: str = "", taken: Iterable[str] = ()) -> Article:
    """Fetches a link (with ``core.fetch``'s guard) and cleans the page into an article.

    Args:
        url: The link as typed.
        name: The name the user gave; when empty, one is made from the final URL, unique among ``taken``.
        taken: Names already in use.

    Raises:
        SourceError: With ``link_error``'s sentence when the page cannot be fetched or read.
    """
    if not url.strip():
        raise SourceError("Enter a link first.")
    try:
        fetched = core.fetch.fetch_article(url.strip())  # looked up at call time: tests replace it
        sid = name or unique_name(name_from_url(fetched.final_url), set(taken))
        return article_from_text(
            sid,
            fetched.text,
            title=fetched.title,
            published=fetched.published,
            origin=f"url:{fetched.final_url}",
            notes=tuple(fetched.notes),
        )
    except (FetchError, IngestError) as exc:
        raise SourceError(link_error(exc)) from exc


def usage_line(articles: Collection[Article]) -> str:
    """How much of the per-session limits the loaded sources use, in words."""
    total = sum(len(a.text) for a in articles)
    return (
        f"{total:,} of {LIMITS.max_total_chars:,} characters and {len(articles)} of "
        f"{LIMITS.max_sources} sources used."
    )


UPLOAD_HELP = (
    f"Plain text, Markdown or saved web pages, up to {LIMITS.max_upload_bytes // 2**20} MB each. "
    "Each file becomes a source as soon as it is chosen, named after the file, or after its headline "
    "when the file name is a code; rename it below."
)
