"""Turning user input (pasted text, uploaded files, a link) into Articles, with one-line error messages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from core.config import DEFAULT_LIMITS
from core.ingest import IngestError, article_from_bytes, article_from_text, looks_like_html
from core.model import Article

UPLOAD_TYPES = ["txt", "text", "md", "markdown", "html", "htm", "xhtml"]


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


def from_paste(name: str, title: str, text: str, published: dt.date | None) -> Article:
    """An article from pasted text (HTML and Markdown are detected and stripped).

    Raises:
        IngestError: Empty or unreadable text.
    """
    if not text.strip():
        raise IngestError("Paste the article text first: the text box is empty.")
    if len(text) > DEFAULT_LIMITS.max_upload_bytes:
        raise IngestError(
            f"The pasted text has {len(text):,} characters; the limit is {DEFAULT_LIMITS.max_upload_bytes:,}."
        )
    fmt = "html" if looks_like_html(text) else "text"
    return article_from_text(name, text, title=title, published=published, origin="paste", fmt=fmt)


def from_upload(name: str, data: bytes, source_id: str) -> Article:
    """An article from an uploaded file (raises IngestError for empty, binary or oversized files)."""
    return article_from_bytes(name, data, source_id=source_id, origin=f"file:{name}")
