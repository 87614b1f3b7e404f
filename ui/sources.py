"""Turning user input (pasted text, uploaded files, a link) into Articles, with one-line messages.

Pure (no Streamlit): the Sources page calls these and shows ``SourceError``'s message. The messages are
plain text; the page escapes them for Markdown like any other untrusted text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
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


def from_upload(name: str, data: bytes, source_id: str) -> Article:
    """An article from an uploaded file.

    Raises:
        SourceError: Empty, binary, oversized or unreadable files ("<file name>: <why>").
    """
    try:
        return article_from_bytes(name, data, source_id=source_id, origin=f"file:{name}")
    except IngestError as exc:
        raise SourceError(str(exc)) from exc


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
    "Each file becomes a source named after the file."
)
