"""Every limit in ``core.config.Limits`` is enforced and reported to the user with a message."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.config import DEFAULT_LIMITS, Limits
from core.embed import HashingEmbedder
from core.ingest import IngestError, article_from_bytes, article_from_text
from core.model import Article
from core.pipeline import CompareError, check_limits, compare
from core.segment import split_sentences

REPO = Path(__file__).resolve().parents[1]
STORY = (
    "The council approved the new bridge on Monday after a long debate. "
    "Work starts in March and will cost 4.5 million euros, the mayor said. "
    "Residents welcomed the decision."
)


class RecordingEmbedder(HashingEmbedder):
    """The hashing fake, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)


def one_line(exc: BaseException) -> str:
    message = str(exc)
    assert message
    assert "\n" not in message
    return message


def test_limits_fields_are_all_tested() -> None:
    """A new field in Limits needs a test here."""
    assert {f.name for f in dataclasses.fields(Limits)} == {
        "max_upload_bytes", "max_sources", "max_total_chars", "max_article_chars", "max_sentence_chars",
        "max_passage_pairs",
    }  # fmt: skip


# --------------------------------------------------------------------------------------------------
# max_upload_bytes


@pytest.mark.parametrize("name", ["big.txt", "big.md", "big.html"])
def test_upload_size_small_limit(name: str) -> None:
    limits = Limits(max_upload_bytes=1_000)
    data = (STORY + "\n\n").encode() * 20
    assert len(data) > 1_000
    with pytest.raises(IngestError) as info:
        article_from_bytes(name, data, limits=limits)
    assert re.fullmatch(
        rf"{re.escape(name)}: the file is [\d.]+ MB; the limit is \d+ MB", one_line(info.value)
    )
    ok = data[: 1_000 - 2].decode(errors="ignore")
    assert article_from_bytes(name, ok.encode(), limits=limits).text


def test_upload_size_default_limit() -> None:
    cap = DEFAULT_LIMITS.max_upload_bytes
    line = (STORY + "\n\n").encode()
    fits = line * (cap // len(line))
    assert len(fits) <= cap
    with pytest.raises(IngestError) as info:
        article_from_bytes("over.txt", fits + line)
    message = one_line(info.value)
    assert message.startswith("over.txt: the file is")
    assert f"the limit is {cap / 1e6:.0f} MB" in message
    # At the cap, the file is read (and then cut to max_article_chars with a note).
    art = article_from_bytes("fits.txt", fits)
    assert len(art.text) <= DEFAULT_LIMITS.max_article_chars
    assert any("cut" in n for n in art.notes)


def test_streamlit_upload_cap_matches_limit() -> None:
    """.streamlit/config.toml's maxUploadSize (MiB) is the same limit as Limits.max_upload_bytes."""
    config_path = REPO / ".streamlit" / "config.toml"
    if not config_path.is_file():
        pytest.skip(".streamlit/config.toml is absent")
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == DEFAULT_LIMITS.max_upload_bytes


# --------------------------------------------------------------------------------------------------
# max_sources


def _articles(n: int, text: str = STORY) -> list[Article]:
    return [Article(f"s{k:02d}", "", text) for k in range(n)]


def test_max_sources_default() -> None:
    embedder = RecordingEmbedder()
    with pytest.raises(CompareError) as info:
        compare(_articles(DEFAULT_LIMITS.max_sources + 1), embedder, with_facts=False)
    assert one_line(info.value) == "61 sources loaded; at most 60 can be compared at once"
    assert embedder.seen == []  # refused before any work
    assert check_limits(_articles(DEFAULT_LIMITS.max_sources)) == []


def test_max_sources_custom() -> None:
    limits = Limits(max_sources=3)
    with pytest.raises(CompareError) as info:
        compare(_articles(4), RecordingEmbedder(), limits=limits, with_facts=False)
    assert "at most 3" in one_line(info.value)
    cmp = compare(_articles(3), RecordingEmbedder(), limits=limits, with_facts=False)
    assert len(cmp.articles) == 3


# --------------------------------------------------------------------------------------------------
# max_total_chars


def test_max_total_chars_default() -> None:
    per = DEFAULT_LIMITS.max_article_chars
    n = DEFAULT_LIMITS.max_total_chars // per + 1
    big = (STORY + " ") * (per // (len(STORY) + 1))
    articles = _articles(n, big)
    total = sum(len(a.text) for a in articles)
    assert total > DEFAULT_LIMITS.max_total_chars
    embedder = RecordingEmbedder()
    with pytest.raises(CompareError) as info:
        compare(articles, embedder, with_facts=False)
    assert one_line(info.value) == f"{total:,} characters loaded; at most 2,000,000 can be compared at once"
    assert embedder.seen == []


def test_max_total_chars_custom_and_combined_message() -> None:
    limits = Limits(max_sources=2, max_total_chars=len(STORY) * 2)
    assert check_limits(_articles(2), limits) == []
    problems = check_limits(_articles(3), limits)
    assert len(problems) == 2
    with pytest.raises(CompareError) as info:
        compare(_articles(3), RecordingEmbedder(), limits=limits, with_facts=False)
    message = one_line(info.value)
    assert "3 sources loaded" in message
    assert "characters loaded" in message


# --------------------------------------------------------------------------------------------------
# max_article_chars


@pytest.mark.parametrize("cap", [50, 1_000, 10_001])
def test_article_is_cut_at_a_word_boundary_with_a_note(cap: int) -> None:
    text = "\n\n".join([STORY] * (cap // len(STORY) + 3))
    art = article_from_text("long", text, limits=Limits(max_article_chars=cap))
    assert len(art.text) <= cap
    assert f"text cut to the first {cap:,} characters" in art.notes
    full = article_from_text("long", text)
    assert full.text.startswith(art.text)
    assert full.text[len(art.text)].isspace()  # cut between words
    assert art.text == art.text.rstrip()


def test_article_without_spaces_is_cut_hard() -> None:
    art = article_from_text("blob", "x" * 5_000, limits=Limits(max_article_chars=1_000))
    assert art.text == "x" * 1_000
    assert art.notes == ("text cut to the first 1,000 characters",)


def test_article_under_the_cap_has_no_note() -> None:
    art = article_from_text("short", STORY, limits=Limits(max_article_chars=len(STORY)))
    assert art.text == STORY
    assert art.notes == ()


def test_article_limit_applies_to_files() -> None:
    data = "\n\n".join([STORY] * 40).encode("cp1252")
    art = article_from_bytes("long.txt", data, limits=Limits(max_article_chars=700))
    assert len(art.text) <= 700
    assert "text cut to the first 700 characters" in art.notes


def test_default_article_limit() -> None:
    text = "\n\n".join([STORY] * (DEFAULT_LIMITS.max_article_chars // len(STORY) + 10))
    art = article_from_text("long", text)
    assert len(art.text) <= DEFAULT_LIMITS.max_article_chars
    assert "text cut to the first 400,000 characters" in art.notes


# --------------------------------------------------------------------------------------------------
# max_sentence_chars


@pytest.mark.parametrize("cap", [20, 100, 1_000])
def test_sentences_passed_to_the_model_are_capped(cap: int) -> None:
    limits = Limits(max_sentence_chars=cap)
    no_punctuation = " ".join(f"word{k}" for k in range(3_000))
    no_spaces = "y" * 3_500
    articles = [
        article_from_text("plain", STORY),
        article_from_text("run-on", no_punctuation),
        article_from_text("blob", no_spaces + "\n\n" + STORY),
    ]
    embedder = RecordingEmbedder()
    cmp = compare(articles, embedder, limits=limits, with_facts=False)
    assert embedder.seen
    assert max(len(t) for t in embedder.seen) <= cap
    for a in articles:
        sents = cmp.sentences[a.source_id]
        assert all(len(s.text) <= cap for s in sents)
        assert all(a.text[s.start : s.end] == s.text for s in sents)
    # No word is lost by the cutting.
    words = [w for s in cmp.sentences["run-on"] for w in s.text.split()]
    assert words == no_punctuation.split()
    assert "".join(s.text for s in cmp.sentences["blob"])[: len(no_spaces)] == no_spaces


def test_long_chunks_prefer_clause_boundaries() -> None:
    clause = "the council met again, "
    text = clause * 100
    sents = split_sentences(Article("c", "", text.strip()), limits=Limits(max_sentence_chars=200))
    assert all(s.text.endswith(",") for s in sents[:-1])


def test_default_sentence_limit_through_the_pipeline() -> None:
    embedder = RecordingEmbedder()
    line = " ".join(f"token{k}" for k in range(30_000))
    compare([article_from_text("line", line), article_from_text("story", STORY)], embedder, with_facts=False)
    assert max(len(t) for t in embedder.seen) <= DEFAULT_LIMITS.max_sentence_chars


@pytest.mark.slow
def test_two_articles_at_the_length_cap_align_in_bounded_memory() -> None:
    """Two sources of ``max_article_chars`` each (about 4,000 sentences apiece) once made 2.1 GB of score
    matrices; strips of rows keep the alignment's own allocations far below a Cloud container's 690 MB."""
    import random
    import tracemalloc

    from core.align import align_sources
    from core.pipeline import segment_all

    rng = random.Random(3)
    words = [
        "council",
        "bridge",
        "debate",
        "residents",
        "costs",
        "officials",
        "river",
        "town",
        "budget",
        "vote",
        "mayor",
        "repairs",
    ]

    def text() -> str:
        out: list[str] = []
        size = 0
        while size < DEFAULT_LIMITS.max_article_chars - 200:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize() + ".")
            size += len(out[-1]) + 1
        return " ".join(out)

    arts = [article_from_text(f"long{i}", text()) for i in range(2)]
    sentences = segment_all(arts)
    assert min(len(s) for s in sentences.values()) > 3500
    gen = np.random.default_rng(0)
    (id_a, sents_a), (id_b, sents_b) = sentences.items()
    base = gen.standard_normal((max(len(sents_a), len(sents_b)), 384)).astype(np.float32)
    # B retells A: its vectors are A's plus noise, so thousands of candidates are scored and linked.
    rows = {
        id_a: base[: len(sents_a)],
        id_b: base[: len(sents_b)] + 0.5 * gen.standard_normal((len(sents_b), 384)),
    }
    vectors = {
        sid: (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32) for sid, m in rows.items()
    }
    tracemalloc.start()
    try:
        result = align_sources(sentences, vectors, texts={a.source_id: a.text for a in arts})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.claims) > 1000
    assert peak < 400 * 2**20, f"alignment allocated {peak / 2**20:.0f} MB at its peak"


# --------------------------------------------------------------------------------------------------
# max_passage_pairs


def test_passage_pairs_limit_keeps_every_claim_and_says_what_is_covered() -> None:
    from core.demo import demo_articles

    story = demo_articles()[0]
    copies = [dataclasses.replace(story, source_id=f"copy{i:02d}") for i in range(12)]  # 66 pairs a claim
    full = compare(copies, HashingEmbedder())
    assert not full.warnings
    limited = compare(copies, HashingEmbedder(), limits=Limits(max_passage_pairs=150))
    assert limited.claims == full.claims  # every claim group is still found
    assert 0 < len(limited.links) <= 150
    covered = set(range(1, 3))  # 2 claims x 66 pairs fit in 150
    linked_ids = {
        c.claim_id
        for c in limited.claims
        for link in limited.links
        if link.a in c.passages and link.b in c.passages
    }
    assert linked_ids == covered
    assert {f.claim_id for f in limited.facts} <= covered
    (message,) = limited.warnings
    assert "pairs of aligned passages" in message
    assert "claims #1-#2 only" in message
    assert "150" in message


@pytest.mark.parametrize("claims_that_fit", [1, 2, 3])
def test_passage_pairs_limit_admits_an_exact_fit(claims_that_fit: int) -> None:
    """A limit equal to the pairs of claims #1..#n covers exactly those n claims (the limit is a
    maximum, not a bound to stay under); one pair fewer covers n-1."""
    from core.demo import demo_articles

    story = demo_articles()[0]
    copies = [dataclasses.replace(story, source_id=f"copy{i:02d}") for i in range(6)]  # 15 pairs a claim
    full = compare(copies, HashingEmbedder(), with_facts=False)
    sizes = [len(c.passages) * (len(c.passages) - 1) // 2 for c in full.claims]
    exact = sum(sizes[:claims_that_fit])
    fit = compare(copies, HashingEmbedder(), limits=Limits(max_passage_pairs=exact), with_facts=False)
    assert len(fit.links) == exact
    assert fit.compared_claims == claims_that_fit
    short = compare(copies, HashingEmbedder(), limits=Limits(max_passage_pairs=exact - 1), with_facts=False)
    assert short.compared_claims == claims_that_fit - 1
    everything = compare(
        copies, HashingEmbedder(), limits=Limits(max_passage_pairs=sum(sizes)), with_facts=False
    )
    assert everything.compared_claims is None
    assert not everything.warnings


def test_default_passage_pairs_limit_leaves_the_demo_and_sixty_short_sources_whole() -> None:
    from core.demo import demo_articles

    assert DEFAULT_LIMITS.max_passage_pairs >= 60 * 59 // 2 * 10
    demo = compare(demo_articles(), HashingEmbedder())
    assert not demo.warnings
