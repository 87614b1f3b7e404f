"""Ingest: decoding, normalisation, Markdown/HTML, and page furniture."""

from __future__ import annotations

import datetime as dt

import pytest

from core.ingest import (
    IngestError,
    article_from_bytes,
    article_from_text,
    decode_bytes,
    normalise_characters,
    parse_date_line,
)
from tests.conftest import seed_articles


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Plain café".encode(), "Plain café", "utf-8"),
        (b"\xef\xbb\xbfWith BOM", "With BOM", "utf-8 with BOM"),
        ("Caf\u00e9 \u2019quoted\u2019".encode("cp1252"), "Café ’quoted’", "cp1252"),
        ("UTF-16 text".encode("utf-16"), "UTF-16 text", "utf-16"),
        (b"\x81\x8d caf\xe9", "\x81\x8d café", "latin-1"),
    ],
)
def test_decode_bytes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"\x00\x01\x02binary\x00" * 50, bytes(range(256)) * 4])
def test_decode_rejects_empty_and_binary(data: bytes) -> None:
    with pytest.raises(IngestError):
        decode_bytes(data, name="x.txt")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("“Quoted” and ‘single’", "\"Quoted\" and 'single'"),
        ("a\u00a0b\tc", "a b c"),
        ("zero\u200bwidth\u200d and \u202eRTL\u202c", "zerowidth and RTL"),
        ("line\r\nbreaks\rhere", "line\nbreaks\nhere"),
        ("many     spaces", "many spaces"),
        ("unchanged text.", "unchanged text."),
    ],
)
def test_normalise_characters(raw: str, clean: str) -> None:
    assert normalise_characters(raw) == clean


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("31 July 2024 21:31", dt.date(2024, 7, 31)),
        ("Published: July 31, 2024", dt.date(2024, 7, 31)),
        ("Updated 2025-01-05 10:00 GMT", dt.date(2025, 1, 5)),
        ("Monday, 3 March 2025", dt.date(2025, 3, 3)),
        ("31 February 2024", None),
        ("In July 2024 the court ruled.", None),
        ("July 2024", None),
    ],
)
def test_parse_date_line(line: str, date: dt.date | None) -> None:
    assert parse_date_line(line) == date


def test_furniture_is_removed_and_date_kept() -> None:
    raw = (
        "World News\n\nBig flood hits the town\n\nBy Jane Doe\n\n12 May 2025 08:00\n\n"
        "The river rose two metres overnight and flooded the old town, officials said on Monday.\n\n"
        "Big flood hits the town\n\n"
        "Images source: © Example Photos\n\n"
        "Rescue teams evacuated 300 people from their homes before dawn, the mayor said.\n\n"
        "Join the conversation. Leave a comment.\n\nWe have no tolerance for comments containing abuse."
    )
    art = article_from_text("a", raw)
    assert art.title == "Big flood hits the town"
    assert art.published == dt.date(2025, 5, 12)
    assert art.text.startswith("The river rose")
    assert art.text.endswith("the mayor said.")
    for junk in ("World News", "Jane Doe", "Images source", "Join the conversation", "tolerance"):
        assert junk not in art.text
    assert "By Jane Doe" in art.removed


def test_given_title_is_kept_and_repeats_dropped() -> None:
    art = article_from_text("a", "My title\n\nBody sentence one is here. Another one.", title="My title")
    assert art.title == "My title"
    assert art.text == "Body sentence one is here. Another one."


def test_markdown_and_html() -> None:
    md = article_from_text(
        "m", "# Head line\n\n**Bold** start with a [link](http://x).\n\n- item one.", fmt="markdown"
    )
    assert md.title == "Head line"
    assert "Bold start with a link." in md.text
    assert "http" not in md.text
    html = (
        "<html><head><title>T</title><script>alert(1)</script></head><body><nav>Home | News</nav>"
        "<article><h1>Storm closes port</h1><p>The storm closed the port of Lisk for three days, the "
        "harbour master said on Tuesday.</p><p>Around 40 ships waited outside the harbour.</p></article>"
        "</body></html>"
    )
    art = article_from_bytes("page.html", html.encode())
    assert "storm closed the port" in art.text
    assert "alert" not in art.text


def test_article_text_cap_and_long_title() -> None:
    from core.config import Limits

    art = article_from_text("a", "word " * 5000, title="T" * 10_000, limits=Limits(max_article_chars=1000))
    assert len(art.text) <= 1000
    assert len(art.title) <= 300
    assert any("cut" in n for n in art.notes)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "... --- !!!"])
def test_nothing_readable(text: str) -> None:
    with pytest.raises(IngestError):
        article_from_text("a", text)


def test_oversized_upload() -> None:
    with pytest.raises(IngestError, match="limit"):
        article_from_bytes("big.txt", b"a" * (6 * 1024 * 1024))


def test_seeds_come_out_clean() -> None:
    arts = {a.source_id: a for a in seed_articles("01234")}
    a002 = arts["002"]
    assert a002.title.startswith("Desertion and Defiance")
    assert "Metro Report" not in a002.text and "World News" not in a002.text
    assert a002.title not in a002.text  # the headline repeated between paragraphs is gone
    a003 = arts["003"]
    assert a003.published == dt.date(2024, 7, 31)
    assert a003.title.startswith("Rising defiance")
    for junk in ("Adam Zygiel", "Getty Images", "21:31", "Related content", "Downloading, reproduction"):
        assert junk not in a003.text
    assert "Widespread torture" in a003.text  # a subheading stays in reading order
    a004 = arts["004"]
    assert "Join The Conversation" not in a004.text and "no tolerance" not in a004.text
    assert a004.text.rstrip().endswith("request for comment.")
    for art in arts.values():
        assert "\n\n\n" not in art.text and "\u00a0" not in art.text and "’" not in art.text
