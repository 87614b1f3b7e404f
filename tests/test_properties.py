"""Property-based tests (Hypothesis) over ingest, segmentation, fact extraction and alignment.

Invariants: offsets always slice the cleaned text to the reported string; every body sentence sits in
exactly one claim or in ``unique``; a claim never holds two passages of one source and a link never
pairs a source with itself; cleaning and decoding fail only with ``IngestError``; extraction never
raises. Example counts are sized so the file runs in well under a minute.
"""

from __future__ import annotations

import re
import string
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from core.config import AlignConfig, Limits
from core.embed import CachingEmbedder, HashingEmbedder
from core.ingest import IngestError, article_from_bytes, article_from_text, decode_bytes, normalise_characters
from core.model import Article, Comparison, Passage
from core.pipeline import CompareError, compare
from core.segment import split_sentences

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------------------------------
# Strategies

_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2069\ufeff\u00ad"
_TRICKY = (
    _INVISIBLE
    + "\u00a0\u2009\u202f\t\r\n\u2028\u2029\x0b\x0c\x85\x00\x07\x1b\x7f\x9f"
    + "\u0301\u0327\u0308"  # combining marks
    + "\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2032\u2033\"'`"
    + "….!?;:,()[]{}<>*_#|-–—/\\$%&@=+^~"
    + "éßÆøЖжΩω東京مرحباשלום🚧👩\u200d👩\u200d👧"
)
TOKENS = [
    "Mr.", "Dr.", "U.S.", "a.m.", "J.", "e.g.", "No.", "Jan.", "St.", "Inc.", "vs.",
    "3.5", "1,000", "4,5", "2024", "2024-03-05", "12:30", "45%", "$5", "€4m", "½", "1990–1995", "-40",
    "\"", "'", "“", "”", "«", "»", "(", ")", "...", "…", "!", "?", ".", ",", ";", ":",
    "The", "council", "approved", "bridge", "Monday", "March", "million", "said", "Smith", "Berlin",
    "Москва", "Straße", "über", "東京", "\n", "\n\n", "  ", "\t",
]  # fmt: skip
token = st.one_of(st.sampled_from(TOKENS), st.text(alphabet=_TRICKY + string.ascii_letters, max_size=4))
news_like = st.lists(token, max_size=60).map(" ".join)
any_text = st.one_of(st.text(max_size=300), news_like, st.text(alphabet=_TRICKY + "ab .AB", max_size=200))


def attempt(fn, error: type[Exception]):
    """(result, None) or (None, message) when ``fn`` raises ``error``; any other exception propagates."""
    try:
        return fn(), None
    except error as exc:
        return None, str(exc)


def _assert_sentences(article: Article, limits: Limits) -> None:
    sents = split_sentences(article, limits=limits)
    text = article.text
    cursor = 0
    for k, s in enumerate(sents):
        assert s.index == k
        assert s.source_id == article.source_id
        assert cursor <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        assert len(s.text) <= limits.max_sentence_chars
        assert re.search(r"\w", s.text)
        # Nothing readable falls between two sentences.
        assert not re.search(r"\w", text[cursor : s.start]), text[cursor : s.start]
        cursor = s.end
    assert not re.search(r"\w", text[cursor:])


# --------------------------------------------------------------------------------------------------
# Ingest


@FAST
@given(st.one_of(st.text(), any_text))
@example("e\u200b\u0301")
def test_normalise_characters_is_idempotent(text: str) -> None:
    once = normalise_characters(text)
    assert normalise_characters(once) == once
    assert "\r" not in once
    assert "  " not in once
    assert not any(ch in once for ch in _INVISIBLE)


@pytest.mark.parametrize(
    "text", ["e\u200b\u0301", "e\u00ad\u0301", "A\u200d\u030a"], ids=["zwsp", "soft-hyphen", "zwj"]
)
def test_normalise_characters_composes_after_removing_invisibles(text: str) -> None:
    once = normalise_characters(text)
    assert normalise_characters(once) == once
    assert len(once) == 1


_BOM_PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]


@FAST
@given(st.sampled_from(_BOM_PREFIXES), st.binary(max_size=400))
def test_decode_bytes_raises_only_ingest_error(prefix: bytes, data: bytes) -> None:
    result, message = attempt(lambda: decode_bytes(prefix + data, name="x.txt"), IngestError)
    if message is not None:
        assert "\n" not in message
        return
    text, encoding = result
    assert isinstance(text, str)
    assert encoding


@FAST
@given(st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]), any_text)
def test_decoding_round_trips_encodable_text(encoding: str, text: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
        return
    assume(data.strip())
    # A UTF-16LE BOM followed by U+0000 reads as a UTF-32 BOM: a text starting with NUL is ambiguous.
    assume(not (encoding == "utf-16" and text.startswith("\x00")))
    try:
        decoded, _ = decode_bytes(data)
    except IngestError:
        return  # control characters make it look binary: refused, not misread
    if encoding in {"utf-16", "utf-8-sig"}:
        assert decoded == text
    elif encoding == "utf-8":  # a leading U+FEFF is indistinguishable from a UTF-8 byte-order mark
        assert decoded == (text[1:] if text.startswith("\ufeff") else text)


@SLOW
@given(st.sampled_from(["a.txt", "a.md", "a.html"]), st.one_of(any_text, st.binary(max_size=300).map(repr)))
def test_ingest_raises_only_ingest_error(name: str, text: str) -> None:
    art, message = attempt(
        lambda: article_from_bytes(name, text.encode("utf-8", "surrogatepass")), IngestError
    )
    if message is not None:
        assert "\n" not in message
        return
    assert re.search(r"\w", art.text)
    assert art.text == art.text.strip()
    assert normalise_characters(art.text) == art.text
    assert "\n" not in art.title
    assert len(art.title) <= 300


@FAST
@given(any_text, st.sampled_from(["text", "markdown"]), any_text)
def test_article_from_text_raises_only_ingest_error(text: str, fmt: str, title: str) -> None:
    art, message = attempt(lambda: article_from_text("s", text, fmt=fmt, title=title), IngestError)
    if message is not None:
        assert message == "s: no readable text"
        return
    assert re.search(r"\w", art.text)
    assert "\r" not in art.text
    assert len(art.title) <= 300


# --------------------------------------------------------------------------------------------------
# Segmentation


@FAST
@given(any_text, st.integers(min_value=8, max_value=300))
def test_sentences_slice_raw_text(text: str, max_chars: int) -> None:
    _assert_sentences(Article("s", "", text), Limits(max_sentence_chars=max_chars))


@FAST
@given(any_text)
def test_sentences_slice_cleaned_text(text: str) -> None:
    try:
        art = article_from_text("s", text)
    except IngestError:
        return
    _assert_sentences(art, Limits())


# --------------------------------------------------------------------------------------------------
# Fact extraction


def _facts_api():
    facts = pytest.importorskip("core.facts")
    return facts.extract_facts, facts.compare_passages


_DATES = st.none() | st.dates().filter(lambda d: 1900 <= d.year <= 2100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text, _DATES)
def test_extract_facts_never_raises_and_slices(text: str, published) -> None:
    extract_facts, _ = _facts_api()
    art = Article("s", "", text)
    for s in split_sentences(art) or ():
        passage = Passage("s", s.index, s.index, s.start, s.end, s.text)
        for fact in extract_facts(passage, published=published):
            assert fact.source_id == "s"
            assert passage.start <= fact.start < fact.end <= passage.end
            assert text[fact.start : fact.end] == fact.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_like, news_like, _DATES, _DATES)
def test_compare_passages_never_raises(text_a: str, text_b: str, pub_a, pub_b) -> None:
    _, compare_passages = _facts_api()
    texts = {"a": "Intro line.\n\n" + text_a, "b": text_b + "\n\nClosing line."}
    passages = {}
    for sid, text in texts.items():
        sents = split_sentences(Article(sid, "", text))
        first, last = sents[0], sents[-1]
        passages[sid] = Passage(
            sid, first.index, last.index, first.start, last.end, text[first.start : last.end]
        )
    pairs = compare_passages(7, passages["a"], passages["b"], published_a=pub_a, published_b=pub_b)
    for fp in pairs:
        assert fp.claim_id == 7
        assert (fp.source_a, fp.source_b) == ("a", "b")
        assert fp.a is not None or fp.b is not None
        for fact, sid in ((fp.a, "a"), (fp.b, "b")):
            if fact is not None:
                assert fact.source_id == sid
                assert texts[sid][fact.start : fact.end] == fact.text


# --------------------------------------------------------------------------------------------------
# Alignment


_SENTENCES = [
    "The council approved the new bridge on Monday.",
    "Work starts in March and costs 4.5 million euros.",
    "The mayor said the project was overdue.",
    "Residents welcomed the decision.",
    "Opposition members called the vote rushed.",
    "They plan to appeal to the regional court.",
    "Traffic will be diverted during construction.",
    "Is this the best use of public money?",
    "Mr. Smith of the U.S. firm Acme Inc. will build it.",
    "The bridge will open in 2027.",
    "Short one.",
    "Heading line",
]


@st.composite
def story(draw) -> list[Article]:
    """2-5 sources that each retell a random selection of shared sentences (sometimes reworded)."""
    n_sources = draw(st.integers(min_value=2, max_value=5))
    articles = []
    for k in range(n_sources):
        picks = draw(st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=8))
        paras: list[list[str]] = [[]]
        for picked in picks:
            reworded = picked.replace("The ", "A ").replace(" on ", " last ")
            paras[-1].append(reworded if draw(st.booleans()) else picked)
            if draw(st.integers(0, 3)) == 0:
                paras.append([])
        text = "\n\n".join(" ".join(p) for p in paras if p)
        articles.append(Article(f"src{k}", "", text))
    return articles


@st.composite
def align_config(draw) -> AlignConfig:
    return AlignConfig(
        min_similarity=draw(st.floats(0.0, 0.9)),
        min_margin=draw(st.floats(0.5, 1.5)),
        min_score=draw(st.floats(0.0, 1.2)),
        strong_similarity=draw(st.floats(0.5, 1.0)),
        neighbours=draw(st.integers(1, 6)),
        allow_merges=draw(st.booleans()),
        max_group_sentences=draw(st.integers(1, 4)),
    )


def _assert_alignment(cmp: Comparison, config: AlignConfig) -> None:
    texts = {a.source_id: a.text for a in cmp.articles}
    seen: Counter[tuple[str, int]] = Counter()
    claim_passages = set()
    for claim in cmp.claims:
        assert len(claim.passages) >= 2
        assert len(set(claim.sources)) == len(claim.sources), "two passages of one source in a claim"
        assert list(claim.sources) == [s for s in cmp.source_ids if s in claim.sources]  # source order
        for p in claim.passages:
            sents = cmp.sentences[p.source_id]
            assert p.start == sents[p.first].start
            assert p.end == sents[p.last].end
            assert texts[p.source_id][p.start : p.end] == p.text
            assert p.last - p.first + 1 <= config.max_group_sentences
            assert not any(sents[i].is_heading for i in p.indices)
            claim_passages.add(p)
            seen.update((p.source_id, i) for i in p.indices)
    assert max(seen.values(), default=0) <= 2, "a sentence is in at most two claims (it states both)"
    for p in cmp.unique:
        assert p.first == p.last
        assert texts[p.source_id][p.start : p.end] == p.text
        assert (p.source_id, p.first) not in seen, "a unique sentence is in no claim"
        seen[(p.source_id, p.first)] += 1
    body = {(sid, s.index) for sid, sents in cmp.sentences.items() for s in sents if not s.is_heading}
    assert set(seen) == body, "every body sentence is in a claim or in unique"
    for lk in cmp.links:
        assert lk.a.source_id != lk.b.source_id, "a link pairs a source with itself"
        assert lk.a in claim_passages
        assert lk.b in claim_passages
        assert -1.0001 <= lk.similarity <= 1.0001
    assert len(cmp.links) == sum(len(c.passages) * (len(c.passages) - 1) // 2 for c in cmp.claims)


_EMBEDDER = CachingEmbedder(HashingEmbedder(dim=64))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story(), align_config())
def test_alignment_invariants(articles: list[Article], config: AlignConfig) -> None:
    cmp, message = attempt(lambda: compare(articles, _EMBEDDER, config, with_facts=False), CompareError)
    if message is not None:
        assert "\n" not in message
        return
    _assert_alignment(cmp, config)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story())
def test_alignment_with_facts(articles: list[Article]) -> None:
    _facts_api()
    try:
        cmp = compare(articles, _EMBEDDER, with_facts=True)
    except CompareError:
        return
    _assert_alignment(cmp, AlignConfig())
    texts = {a.source_id: a.text for a in cmp.articles}
    claim_ids = {c.claim_id for c in cmp.claims}
    for fp in cmp.facts:
        assert fp.claim_id in claim_ids
        assert fp.source_a != fp.source_b
        for fact in (fp.a, fp.b):
            if fact is not None:
                assert texts[fact.source_id][fact.start : fact.end] == fact.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=2, max_size=4))
def test_pipeline_on_arbitrary_text(texts: list[str]) -> None:
    articles = []
    for k, text in enumerate(texts):
        try:
            articles.append(article_from_text(f"s{k}", text))
        except IngestError:
            continue
    cmp, message = attempt(lambda: compare(articles, _EMBEDDER, with_facts=False), CompareError)
    if message is not None:
        assert "\n" not in message
        return
    _assert_alignment(cmp, AlignConfig())
