"""Ingest: decoding, normalisation, Markdown/HTML, and page furniture."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from core.ingest import (
    LINE_RULES,
    Furniture,
    IngestError,
    article_from_bytes,
    article_from_text,
    decode_bytes,
    normalise_characters,
    parse_date_line,
    strip_furniture,
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


# --------------------------------------------------------------------------------------------------
# One path for HTML: uploads and fetched pages share the decoder, the sniffer and the extractor

PAGE = """<!DOCTYPE html><html><head>{meta}<title>Ferry service resumes | Coast Times</title>
<meta property="article:published_time" content="2023-06-02T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<article><h1>Ferry service resumes</h1>
<p>The island ferry resumed its service on Thursday after a three-week strike by the crew ended, the
operator said in a statement.</p>
<ul><li>Two crossings a day until the end of June.</li>
<li>Tickets bought during the strike stay valid.</li></ul>
<p>{word} Passengers had waited for hours at the harbour before the first boat left at 7 am.</p>
</article><footer><p>&copy; 2022 Coast Times. All rights reserved.</p></footer></body></html>"""


def _page(meta: str = '<meta charset="utf-8">', word: str = "Café.") -> str:
    return PAGE.format(meta=meta, word=word)


def test_upload_and_fetched_page_take_the_same_path() -> None:
    from core.fetch import RawPage
    from core.ingest import article_from_page

    data = _page().encode()
    upload = article_from_bytes("ferry.html", data)
    page = RawPage("https://x.test/a", "https://x.test/ferry", data, "utf-8", "text/html")
    fetched = article_from_page("ferry", page)
    assert (fetched.title, fetched.text, fetched.published) == (upload.title, upload.text, upload.published)
    assert fetched.origin == "url:https://x.test/ferry"
    assert upload.title == "Ferry service resumes"
    assert upload.published == dt.date(2023, 6, 2)
    assert "Two crossings a day" in upload.text
    assert "- Two crossings" not in upload.text  # list bullets are not part of the sentence


def test_copyright_year_is_not_a_publication_date() -> None:
    html = _page().replace('<meta property="article:published_time" content="2023-06-02T08:00:00Z">', "")
    art = article_from_bytes("ferry.html", html.encode())
    assert art.published is None  # was 2022-01-01, read from the footer's copyright line


def test_meta_charset_of_an_uploaded_page_is_honoured() -> None:
    html = _page('<meta charset="windows-1251">', "Пассажиры ждали.")
    art = article_from_bytes("ferry.html", html.encode("cp1251"))
    assert "Пассажиры ждали." in art.text
    assert art.notes == ()


def test_declared_charset_wins_over_meta() -> None:
    from core.ingest import read_document

    html = _page('<meta charset="windows-1251">', "Déjà vu.")
    doc = read_document(html.encode("cp1252"), name="p", charset="windows-1252", content_type="text/html")
    assert "Déjà vu." in doc.text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf-8", "utf-8"),
        ("UTF8", "utf-8"),
        ("ISO-8859-1", "cp1252"),  # the web reads Latin-1 labels as Windows-1252
        ("us-ascii", "cp1252"),
        ("windows-1251", "cp1251"),
        ("Shift_JIS", "cp932"),
        ("gb2312", "gb18030"),
        ("koi8-r", "koi8-r"),
        ("cp1250", "cp1250"),
        ("utf-7", None),  # decodes "+2D0-" to a lone surrogate
        ("unicode_escape", None),
        ("raw_unicode_escape", None),
        ("rot13", None),
        ("base64", None),
        ("punycode", None),
        ("utf-32", None),
        ("x-no-such-charset", None),
        ("", None),
    ],
)
def test_only_web_text_encodings_are_accepted(label: str, codec: str | None) -> None:
    from core.ingest import web_codec

    assert web_codec(label) == codec


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<!DOCTYPE html><html><body>x</body></html>", True),
        ("  \n<html lang='en'>", True),
        ("\ufeff<!doctype HTML>", True),
        ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', True),
        ("<!-- saved page --><head><title>t</title>", True),
        ("<meta charset='utf-8'><p>x", True),
        ("<p>A paragraph only</p>", False),
        ("The council met on Monday. <b>Bold</b> claims followed.", False),
        ("<3 this story", False),
    ],
)
def test_one_html_sniffer(text: str, html: bool) -> None:
    from core.ingest import looks_like_html

    assert looks_like_html(text) is html


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Городской совет одобрил строительство нового моста в понедельник вечером.", "cp1251"),
        ("Le conseil a approuvé lundi la construction du nouveau pont, a déclaré la maire.", "cp1252"),
        ("Der Stadtrat hat am Montag den Bau der neuen Brücke beschlossen, sagte Frau Müller.", "cp1252"),
    ],
)
def test_undeclared_encoding_is_guessed(text: str, encoding: str) -> None:
    from core.ingest import decode_text

    decoded = decode_text(text.encode(encoding))
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert decoded.note == f"decoded as {encoding} (encoding guessed)"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_unicode_without_byte_order_mark(codec: str) -> None:
    text = "The ferry resumed its service on Thursday after the strike ended."
    assert decode_bytes(text.encode(codec)) == (text, codec)


# --------------------------------------------------------------------------------------------------
# Page furniture: one golden row per named rule, and lines that must come out unchanged

P1 = "The river rose two metres overnight and flooded the old town, officials said on Monday morning."
P2 = "Rescue teams evacuated 300 people from their homes before dawn, the mayor told reporters."
P3 = "Insurers expect claims of several million euros once the water has gone down, a spokesman said."
HEAD = "Flood hits the old town"


def furniture(text: str, title: str = "") -> tuple[Furniture, list[tuple[str, str]]]:
    result = strip_furniture(normalise_characters(text), title=title)
    assert len(result.removed) == len(result.reasons)
    return result, list(zip(result.removed, result.reasons, strict=True))


@pytest.mark.parametrize(
    ("rule", "page", "title", "removed"),
    [
        ("timestamp", f"{HEAD}\n\n12 May 2025 08:00\n\n{P1}\n\n{P2}", "", ["12 May 2025 08:00"]),
        ("image credit", f"{HEAD}\n\n{P1}\n\nImages source: © Example Photos\n\n{P2}\n\n{P3}", "", None),
        ("byline", f"{HEAD}\n\n{P1}\n\nby Jane Doe\n\n{P2}\n\n{P3}", "", ["by Jane Doe"]),
        ("headline repeated", f"{HEAD}\n\n{P1}\n\n{HEAD}\n\n{P2}", HEAD, [HEAD, HEAD]),
        (
            "repeated heading or caption",
            f"{HEAD}\n\n{P1}\n\nWater in the main square\n\n{P2}\n\nWater in the main square\n\n{P3}",
            "",
            ["Water in the main square"] * 2,
        ),
        (
            "section label glued to a heading",
            f"Rising water across the old town\n\n{P1}\n\nNewsRising water across the old town",
            "",
            ["NewsRising water across the old town"],
        ),
        (
            "byline next to the dateline",
            f"{HEAD}\n\nJane Doe\n\n12 May 2025 08:00\n\n{P1}\n\n{P2}\n\n{P3}",
            "",
            None,
        ),
        ("byline under the headline", f"{HEAD}\n\nJane Doe\n\n{P1}\n\n{P2}", "", ["Jane Doe"]),
        # Exactly three words: kills the mutant that makes the rule "fewer than three words".
        ("section label", f"Local News Desk\n\n{HEAD}\n\n{P1}", "", ["Local News Desk"]),
        ("section label", f"World\n\n{HEAD}\n\n{P1}", "", ["World"]),
        ("repeated deck", f"* * * *\n\n* * * *\n\n{P1}", "", ["* * * *"]),
        ("headline repeated below", f"***\n\n{P1}\n\n***\n\n{P2}", "", ["***"]),
        ("footer", f"{HEAD}\n\n{P1}\n\n{P2}\n\nJoin the conversation\n\nNo abuse, please.", "", None),
    ],
)
def test_each_furniture_rule_has_a_golden_row(
    rule: str, page: str, title: str, removed: list[str] | None
) -> None:
    result, pairs = furniture(page, title)
    by_rule = [line for line, reason in pairs if reason == rule]
    assert by_rule, f"{rule!r} removed nothing: {pairs}"
    if removed is not None:
        assert by_rule == removed
    for para in (P1, P2, P3):
        if para in page:
            assert para in result.paragraphs  # the article itself is never furniture


def test_furniture_rules_in_order() -> None:
    assert [r.name for r in LINE_RULES] == [
        "timestamp",
        "image credit",
        "photo credit",
        "photo caption",
        "byline",
        "call to action",
        "headline repeated",
        "body text",
        "repeated heading or caption",
        "section label glued to a heading",
        "byline next to the dateline",
        "byline under the headline",
        "headline",
        "section label",
        "repeated deck",
        "headline repeated below",
    ]


def test_headline_rule_takes_the_first_long_top_line() -> None:
    result, pairs = furniture(f"World\n\n{HEAD}\n\nHundreds leave their homes\n\n{P1}")
    assert result.title == HEAD
    assert pairs == [("World", "section label")]
    assert result.paragraphs[0] == "Hundreds leave their homes"  # a deck of four words stays
    assert furniture(f"{HEAD}\n\n{P1}", "Given headline")[0].title == "Given headline"


@pytest.mark.parametrize(
    "line",
    [
        "Widespread damage in the lower town",  # a subheading in the body, once
        "Why did the river rise so fast?",
        "By Monday the water had reached the church steps, residents said.",
        "In May 2025 the court ruled on the dam.",
        '"We lost everything," she said.',
        "Photos taken by residents show the damage in the square.",
        "More than 40 shops were flooded.",
        "Related flooding was reported in two villages upstream, police said.",
        "John Smith, 54, a baker, said the water came in within minutes.",
    ],
)
def test_body_lines_come_out_unchanged(line: str) -> None:
    result, pairs = furniture(f"{HEAD}\n\n{P1}\n\n{line}\n\n{P2}\n\n{P3}")
    assert pairs == []
    assert result.paragraphs == (P1, line, P2, P3)
    assert result.title == HEAD


# --------------------------------------------------------------------------------------------------
# Cleanup on real pages (issue 10 class 2), each from a short synthetic page

P4 = "Engineers will inspect the bridge supports on Wednesday before traffic is allowed back, police said."


def test_related_links_line_keeps_the_paragraphs_after_it() -> None:
    """A "More from ..." block in the second half of the page deleted every paragraph after it."""
    page = (
        f"{HEAD}\n\n{P1}\n\n{P2}\n\nMore from Local News\n\nFerry timetable changes next month\n\n"
        f"School roof repairs finished early\n\n{P3}\n\nRead more: Market traders protest parking fees"
        f"\n\n{P4}"
    )
    result, pairs = furniture(page)
    assert result.paragraphs == (P1, P2, P3, P4)
    assert [line for line, _ in pairs] == [
        "More from Local News",
        "Ferry timetable changes next month",
        "School roof repairs finished early",
        "Read more: Market traders protest parking fees",
    ]
    assert {reason for _, reason in pairs} == {"link to another story"}


def test_end_markers_still_end_the_article() -> None:
    page = f"{HEAD}\n\n{P1}\n\n{P2}\n\n{P3}\n\nLeave a Reply\n\nYour email address will not be shown.\n\nName"
    assert furniture(page)[0].paragraphs == (P1, P2, P3)
    notice = (
        "Downloading, reproduction or any other use of the content of this website requires the prior "
        "written consent of the publisher, whatever the technique used. " * 5
    )
    assert furniture(f"{HEAD}\n\n{P1}\n\n{P2}\n\n{notice}")[0].paragraphs == (P1, P2)


@pytest.mark.parametrize(
    "caption",
    [
        "Rescue workers search the flooded square on 9 March 2024. (AP Photo/Jane Roe)",
        "The old swing bridge seen from the quay (Photo: Harbour Gazette)",
        "A resident carries a dog through the water. Photo: Jonas Feld",
        "Sandbags in front of the town hall (Image credit: City Council)",
        "Firefighters pump water out of a cellar. (Reuters)",
        "EPA/ JOHN ROE",
        "AFP/Getty Images",
    ],
)
def test_photo_captions_and_credits_are_removed(caption: str) -> None:
    """Captions kept in the body chained unrelated sentences and brought dates of their own."""
    result, pairs = furniture(f"{HEAD}\n\n{P1}\n\n{caption}\n\n{P2}\n\n{P3}")
    assert result.paragraphs == (P1, P2, P3)
    assert pairs[0][0] == caption
    assert pairs[0][1] in {"photo caption", "photo credit", "image credit"}


@pytest.mark.parametrize(
    "line",
    [
        # A long article sentence tagged with its agency is not a caption.
        (
            "The storm cut power to 40,000 homes across the region and closed every school until the end "
            "of the week, officials said. (Xinhua)"
        ),
        "Photographs of the damage were shared widely on Monday, the mayor said.",
        "Watching the water rise, residents gathered on the bridge.",
        "AP reported that the river had peaked.",
    ],
)
def test_caption_rules_leave_article_lines_alone(line: str) -> None:
    result, pairs = furniture(f"{HEAD}\n\n{P1}\n\n{line}\n\n{P2}\n\n{P3}")
    assert pairs == []
    assert line in result.paragraphs


@pytest.mark.parametrize(
    "line",
    [
        "Watch drone footage of the flooded streets",
        "For the latest news from the region, go to",
        "Subscribe to our newsletter",
        "By Jane Doe",
    ],
)
def test_calls_to_action_and_bylines_in_the_body_are_removed(line: str) -> None:
    result, pairs = furniture(f"{HEAD}\n\n{P1}\n\n{line}\n\n{P2}\n\n{P3}")
    assert result.paragraphs == (P1, P2, P3)
    assert [removed for removed, _ in pairs] == [line]


def test_caption_date_does_not_reach_the_compared_text(fake_embedder) -> None:
    """The caption's date (9 March) made a false date conflict with another source's own date."""
    from core.pipeline import compare

    a = article_from_text("a", f"{HEAD}\n\n{P1}\n\nThe square on 9 March 2024. (AP Photo/Jane Roe)\n\n{P2}")
    b = article_from_text(
        "b", f"{HEAD}\n\n{P1}\n\nThe flood peaked on 12 March 2024, officials said.\n\n{P2}"
    )
    assert "9 March" not in a.text
    cmp = compare([a, b], fake_embedder)
    assert not [f for f in cmp.facts if f.relation == "conflict"]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["a-2", "a", "a"], ["a-2", "a", "a-3"]),  # the renamed "a" used to collide with "a-2"
        (["a", "a", "a-2", "a-3", "a"], ["a", "a-4", "a-2", "a-3", "a-5"]),
        (["\u200b", "b"], ["source", "b"]),  # nothing visible
        (["\u202eevil.exe", "b"], ["evil.exe", "b"]),  # a direction override would display another name
        (["Caf\u00e9", "Cafe\u0301"], ["Café", "Café-2"]),  # one name in NFC and NFD
        (["\uff41", "a"], ["\uff41", "a-2"]),  # equal after NFKC
        (["x", "y"], ["x", "y"]),
    ],
)
def test_unique_ids_are_readable_and_never_collide(ids: list[str], expected: list[str]) -> None:
    from core.ingest import unique_ids

    arts = [article_from_text(i, P1) for i in ids]
    out = [a.source_id for a in unique_ids(arts)]
    assert out == expected
    assert len({unicodedata.normalize("NFKC", i) for i in out}) == len(out)
