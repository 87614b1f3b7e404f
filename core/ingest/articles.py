"""Entry points: a pasted string, file bytes, a file path or a fetched page in, one cleaned ``Article`` out.

Every route goes through the same steps: ``decode_text`` (bytes only), ``to_plain_text`` (the one
Markdown/HTML conversion), then ``clean`` (characters, furniture, limits). The cleaned text is the single
reference for every later offset.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.config import DEFAULT_LIMITS, Limits
from core.ingest.chars import _INVISIBLE, normalise_characters
from core.ingest.decode import decode_text
from core.ingest.errors import IngestError
from core.ingest.furniture import strip_furniture
from core.ingest.markup import html_to_text, looks_like_html, markdown_to_text
from core.model import Article

if TYPE_CHECKING:
    from core.fetch import RawPage

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
MAX_TITLE_CHARS = 300
"""Longest headline kept; a longer one is shortened with "..." and a note."""
MIN_PAGE_TEXT_CHARS = 25
"""A fetched page whose cleaned text is shorter holds no article (a lone "Home" link left from the menu)."""

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded file or page converted to plain text, before cleaning.

    Attributes:
        title: Headline found in the markup (``<title>``, ``og:title``, a Markdown ``#``), or "".
        text: Plain text, one paragraph a line (not yet normalised).
        published: Publication date from the page's metadata, if any.
        fmt: What the input was: "text", "markdown" or "html".
        notes: Remarks for the user (how it was decoded).
    """

    title: str
    text: str
    published: dt.date | None
    fmt: str
    notes: tuple[str, ...] = ()


def clean_title(title: str) -> tuple[str, str | None]:
    """A headline on one line, normalised and at most ``MAX_TITLE_CHARS`` long.

    Returns:
        The title and a note when it had to be shortened (else None).
    """
    title = " ".join(normalise_characters(title).split())
    if len(title) <= MAX_TITLE_CHARS:
        return title, None
    return title[: MAX_TITLE_CHARS - 3].rstrip() + "...", f"title shortened to {MAX_TITLE_CHARS} characters"


def to_plain_text(text: str, fmt: str, *, url: str | None = None) -> Document:
    """Converts Markdown or HTML to plain text (plain text passes through).

    Args:
        text: The input as a string.
        fmt: "text", "markdown" or "html".
        url: The page's address, for a fetched page.
    """
    if fmt == "html":
        page = html_to_text(text, url=url)
        return Document(page.title, page.text, page.published, fmt)
    if fmt == "markdown":
        title, plain = markdown_to_text(text)
        return Document(title, plain, None, fmt)
    return Document("", text, None, fmt)


def clean(
    source_id: str,
    text: str,
    *,
    title: str = "",
    published: dt.date | None = None,
    origin: str = "",
    limits: Limits = DEFAULT_LIMITS,
    notes: tuple[str, ...] = (),
) -> Article:
    """Cleans plain text into an Article: characters, page furniture, the length limit.

    Raises:
        IngestError: When nothing readable is left.
    """
    notes_list = list(notes)
    if len(text) > 2 * limits.max_article_chars:
        # Furniture is found line by line, so a huge paste is cut (generously) before cleaning.
        text = text[: 2 * limits.max_article_chars]
    text = normalise_characters(text)
    title, title_note = clean_title(title)
    if title_note:
        notes_list.append(title_note)
    furniture = strip_furniture(text, title=title)
    body = "\n\n".join(furniture.paragraphs)
    if len(body) > limits.max_article_chars:
        cut = body.rfind(" ", 0, limits.max_article_chars)
        body = body[: cut if cut > 0 else limits.max_article_chars]
        notes_list.append(f"text cut to the first {limits.max_article_chars:,} characters")
    if not re.search(r"\w", body):
        raise IngestError(f"{source_id}: no readable text")
    return Article(
        source_id=source_id,
        title=furniture.title,
        text=body,
        published=published or furniture.published,
        origin=origin,
        removed=furniture.removed,
        notes=tuple(notes_list),
    )


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
    url: str | None = None,
) -> Article:
    """Cleans one source given as a string.

    Args:
        source_id: The source's id.
        text: Raw text, Markdown or HTML (see ``fmt``).
        title: Title given by the user; found in the markup or the text when empty.
        published: Publication date given by the user; found in the page's metadata or a timestamp line
            when None.
        origin: Where it came from, for display.
        fmt: "text", "markdown", "html", or "auto" (HTML when ``looks_like_html``, else text).
        limits: Size limits; a longer article is cut with a note.
        notes: Notes from earlier steps (e.g. the encoding used).
        url: The page's address, when the HTML was fetched.

    Raises:
        IngestError: When nothing readable is left.
    """
    if fmt == "auto":
        fmt = "html" if looks_like_html(text) else "text"
    doc = to_plain_text(text, fmt, url=url)
    return clean(
        source_id,
        doc.text,
        title=title or doc.title,
        published=published or doc.published,
        origin=origin,
        limits=limits,
        notes=notes,
    )


def format_for_name(name: str) -> str:
    """The format of a file by its name's suffix: "html", "markdown" or "text"."""
    suffix = Path(name).suffix.lower()
    if suffix in {".html", ".htm", ".xhtml"}:
        return "html"
    if suffix in {".md", ".markdown"}:
        return "markdown"
    return "text"


def read_document(
    data: bytes,
    *,
    name: str,
    charset: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Document:
    """Decodes file or page bytes and converts them to plain text (the step before cleaning).

    Args:
        data: The raw bytes.
        name: File name (its suffix gives the format unless ``content_type`` does) or source id.
        charset: The charset a server declared, if any.
        content_type: The media type a server declared ("text/html", "text/plain"), if any.
        url: The page's address, when fetched.

    Raises:
        IngestError: Empty, binary or undecodable input.
    """
    # A declared content type wins over the name; an undeclared text may still be a saved web page.
    fmt = ("html" if content_type in _HTML_TYPES else "text") if content_type else format_for_name(name)
    sniff = fmt == "text" and not content_type
    maybe_html = fmt == "html" or (sniff and looks_like_html(data[:2048].decode("latin-1")))
    decoded = decode_text(data, name=name, declared=charset, html=maybe_html)
    if sniff and looks_like_html(decoded.text):
        fmt = "html"
    doc = to_plain_text(decoded.text, fmt, url=url)
    return replace(doc, notes=(decoded.note,) if decoded.note else ())


def article_from_bytes(
    name: str,
    data: bytes,
    *,
    source_id: str | None = None,
    origin: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    title: str = "",
    published: dt.date | None = None,
    charset: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
) -> Article:
    """Decodes and cleans an uploaded or read file or a fetched page; the id defaults to the name's stem.

    Args:
        name: File name (its suffix gives the format) or, for a page, the source id.
        data: The raw bytes.
        source_id: The source's id (default: the stem of ``name``).
        origin: Where it came from, for display (default ``file:<name>``).
        limits: Size limits.
        title: Title given by the user, if any.
        published: Publication date given by the user, if any.
        charset: The charset a server declared, if any.
        content_type: The media type a server declared, if any (it wins over the name's suffix).
        url: The page's address, when fetched.

    Raises:
        IngestError: Empty, binary, oversized or unreadable input.
    """
    sid = source_id or Path(name).stem or "source"
    if len(data) > limits.max_upload_bytes:
        raise _too_big(name, len(data), limits)
    doc = read_document(data, name=name, charset=charset, content_type=content_type, url=url)
    return clean(
        sid,
        doc.text,
        title=title or doc.title,
        published=published or doc.published,
        origin=origin or f"file:{name}",
        limits=limits,
        notes=doc.notes,
    )


def article_from_page(
    source_id: str,
    page: RawPage,
    *,
    title: str = "",
    published: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Article:
    """Decodes, extracts and cleans a fetched page (``core.fetch.fetch_page``): the same path as uploads.

    Args:
        source_id: The source's id.
        page: The raw page.
        title: Title given by the user; the page's headline when empty.
        published: Publication date given by the user; the page's date when None.
        limits: Size limits.

    Raises:
        IngestError: Binary or undecodable body, or no article text (fewer than ``MIN_PAGE_TEXT_CHARS``
            characters after cleaning).
    """
    article = article_from_bytes(
        source_id,
        page.data,
        source_id=source_id,
        origin=f"url:{page.final_url}",
        limits=limits,
        title=title,
        published=published,
        charset=page.charset,
        content_type=page.content_type or None,
        url=page.final_url,
    )
    if len(article.text) < MIN_PAGE_TEXT_CHARS:
        raise IngestError(f"{source_id}: no article text found on the page")
    return article


def _too_big(name: str, n_bytes: int, limits: Limits) -> IngestError:
    size, cap = n_bytes / 1e6, limits.max_upload_bytes / 1e6
    return IngestError(f"{name}: the file is {size:.1f} MB; the limit is {cap:.0f} MB")


def read_file(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Reads a regular file of at most ``limits.max_upload_bytes``, never blocking and never reading more.

    The size is checked before reading (a 1.5 GB file is refused without being read) and again while
    reading (a file that grows); a FIFO, ``/dev/zero`` or a socket is refused without a read, as the
    file is opened non-blocking and checked with ``fstat`` (no race between the check and the read).

    Raises:
        IngestError: Not a regular file, too large, or unreadable.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(
                f"{path.name}: not a regular file (a pipe, device or folder); save it as a file"
            )
        if info.st_size > limits.max_upload_bytes:
            raise _too_big(path.name, info.st_size, limits)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limits.max_upload_bytes + 1)
    except OSError as exc:
        raise IngestError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > limits.max_upload_bytes:
        raise _too_big(path.name, max(len(data), info.st_size), limits)
    return data


def load_path(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Article:
    """Reads one file (see ``read_file``). Raises IngestError with a one-line message when it cannot."""
    data = read_file(path, limits=limits)
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


def readable_id(name: str) -> str:
    """A source id people can read: no zero-width, direction-control or other invisible characters (a
    right-to-left override in a file name would display a different name), NFC, single spaces;
    ``"source"`` when nothing visible is left."""
    name = unicodedata.normalize("NFC", _INVISIBLE.sub("", name))
    name = " ".join(name.split())
    visible = any(unicodedata.category(ch)[0] not in "MZC" for ch in name)
    return name if visible else "source"


def unique_ids(articles: list[Article]) -> list[Article]:
    """Readable, distinct source ids: each made readable (``readable_id``), then repeats renamed
    ("a", "a") to ("a", "a-2"), never to an id another source has.

    Ids are compared in NFKC form ("Café" typed two ways, "ａ" and "a" are one name). Every id given is
    reserved first, so "a-2.txt", "a.md", "a.txt" become "a-2", "a", "a-3" (the second "a" used to
    become a second "a-2").
    """
    ids = [readable_id(a.source_id) for a in articles]
    taken = {unicodedata.normalize("NFKC", i) for i in ids}
    seen: set[str] = set()
    out = []
    for a, readable in zip(articles, ids, strict=True):
        sid, key = readable, unicodedata.normalize("NFKC", readable)
        if key in seen:
            n = 2
            while unicodedata.normalize("NFKC", f"{readable}-{n}") in taken:
                n += 1
            sid = f"{readable}-{n}"
            key = unicodedata.normalize("NFKC", sid)
            taken.add(key)
        seen.add(key)
        out.append(a if sid == a.source_id else replace(a, source_id=sid))
    return out
