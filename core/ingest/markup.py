"""Markdown and HTML to plain text: the one HTML extractor, for uploaded and fetched pages alike."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from core.ingest.dates import parse_iso_date

# --------------------------------------------------------------------------------------------------
# Sniffing

_HTML_START = ("<!doctype html", "<html", "<head", "<body", "<meta", "<title")


def looks_like_html(text: str) -> bool:
    """Whether a text (or the start of a page decoded as Latin-1) is an HTML document, not plain text.

    The one sniffer for pastes, files named ``.txt`` and pages served without a content type: the first
    tag after an optional byte-order mark, XML declaration and comments must be one only pages start with.
    """
    head = text[:2048].lstrip("\ufeff\ufffe\xef\xbb\xbf \t\r\n").lower()
    if head.startswith("<?xml"):
        head = head[head.find(">") + 1 :].lstrip()
    while head.startswith("<!--") and "-->" in head:
        head = head[head.find("-->") + 3 :].lstrip()
    return head.startswith(_HTML_START)


# --------------------------------------------------------------------------------------------------
# Markdown

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


# --------------------------------------------------------------------------------------------------
# HTML


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What the extractor found in a page: headline, main text (one paragraph a line) and date."""

    title: str
    text: str
    published: dt.date | None


# Elements that nest without meaning (unclosed <font>/<b>, generated <div> towers). In a page too deep for
# the parser, inline ones are dropped and the rest become paragraphs, which HTML never nests.
_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|big|cite|code|data|dfn|em|font|i|kbd|mark|nobr|q|s|samp|small|span|strike|strong"
    "|sub|sup|time|tt|u|var|wbr"
)
_KEEP_TAGS = "html|head|body|title|meta|link|base|script|style|noscript|template|p|br|h[1-6]|img"
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^>]*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(rf"<(/?)(?!(?:{_KEEP_TAGS})\b)[a-zA-Z][\w:.-]*\b[^>]*>", re.IGNORECASE)


# trafilatura marks list items with "- "; the bullet is not part of the sentence (as in Markdown lists).
_LIST_ITEM = re.compile(r"^- (?=\S)", re.MULTILINE)


def _too_deep(html: str) -> bool:
    """Whether libxml2 stops at its nesting limit (256), dropping everything after the deep part."""
    try:
        import lxml.html  # noqa: PLC0415

        parser = lxml.html.HTMLParser(collect_ids=False)
        lxml.html.document_fromstring(html, parser=parser)
    except Exception:  # noqa: BLE001 - unparsable or empty: the extractor's fallbacks handle it
        return False
    return any("depth" in str(entry.message).lower() for entry in parser.error_log)


def _flatten(html: str) -> str:
    return _BLOCK_TAG.sub(r"<\1p>", _INLINE_TAG.sub("", html))


def _lxml_text(html: str) -> str:
    try:
        import lxml.html  # noqa: PLC0415

        root = lxml.html.fromstring(html)
        for bad in root.xpath("//script|//style|//noscript|//template"):
            bad.drop_tree()
        return "\n".join(t.strip() for t in root.itertext() if t.strip())
    except Exception:  # noqa: BLE001 - unparsable markup: nothing to extract
        return ""


def html_to_text(html: str, *, url: str | None = None) -> HtmlText:
    """Extracts the headline, main text and publication date of an HTML page with trafilatura.

    The one HTML extractor (uploads and fetched pages). Scripts, styles, navigation, tables and comments
    are dropped; falls back to lxml's plain text when trafilatura finds no main content. The date comes
    from the page's metadata (meta tags, JSON-LD, ``<time>``, the URL) only: the extensive search would
    take a copyright year in the footer for 1 January of that year.

    Args:
        html: The page, decoded.
        url: Where the page came from, if fetched (its path may hold the date).
    """
    import trafilatura  # noqa: PLC0415 - heavy; only HTML needs it
    from trafilatura.settings import set_date_params  # noqa: PLC0415

    if _too_deep(html):
        html = _flatten(html)
    doc: Any = None
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_recall=True,
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:  # noqa: BLE001 - a broken page falls through to the plain-text fallback
        doc = None
    title, text, published = "", "", None
    if doc is not None:
        title = str(getattr(doc, "title", None) or "")
        text = str(getattr(doc, "text", None) or "")
        published = parse_iso_date(getattr(doc, "date", None))
    if not text.strip():
        text = _lxml_text(html)
    return HtmlText(title, _LIST_ITEM.sub("", text), published)
