"""Ingest: bytes or strings in, one cleaned ``Article`` out.

Modules, in the order the steps run:

* ``decode``: bytes to text (byte-order mark, declared charset, ``<meta charset>``, UTF-8, a guess);
* ``markup``: the one Markdown and HTML extractor, and the one "is this HTML?" sniffer;
* ``chars``: character normalisation (quotes, spaces, invisible characters);
* ``furniture``: page furniture removed line by line (bylines, timestamps, credits, footers);
* ``dates``: the one date parser (page metadata, timestamp lines);
* ``articles``: the entry points for pastes, files, paths and fetched pages.
"""

from core.ingest.articles import (
    MAX_TITLE_CHARS,
    MIN_PAGE_TEXT_CHARS,
    TEXT_SUFFIXES,
    Document,
    article_from_bytes,
    article_from_page,
    article_from_text,
    clean,
    clean_title,
    expand_paths,
    format_for_name,
    load_path,
    read_document,
    read_file,
    to_plain_text,
    unique_ids,
)
from core.ingest.chars import normalise_characters
from core.ingest.dates import parse_date_line, parse_iso_date
from core.ingest.decode import Decoded, decode_bytes, decode_text, web_codec
from core.ingest.errors import IngestError
from core.ingest.furniture import LINE_RULES, Furniture, LineRule, strip_furniture
from core.ingest.markup import HtmlText, html_to_text, looks_like_html, markdown_to_text

__all__ = [
    "LINE_RULES",
    "MAX_TITLE_CHARS",
    "MIN_PAGE_TEXT_CHARS",
    "TEXT_SUFFIXES",
    "Decoded",
    "Document",
    "Furniture",
    "HtmlText",
    "IngestError",
    "LineRule",
    "article_from_bytes",
    "article_from_page",
    "article_from_text",
    "clean",
    "clean_title",
    "decode_bytes",
    "decode_text",
    "expand_paths",
    "format_for_name",
    "html_to_text",
    "load_path",
    "looks_like_html",
    "markdown_to_text",
    "normalise_characters",
    "parse_date_line",
    "parse_iso_date",
    "read_document",
    "read_file",
    "strip_furniture",
    "to_plain_text",
    "unique_ids",
    "web_codec",
]
