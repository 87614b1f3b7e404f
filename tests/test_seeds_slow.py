"""The user's own example with the real model: corresponding sentences pair, topical ones do not."""

from __future__ import annotations

import pytest

from core.pipeline import compare
from tests.conftest import seed_articles

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds_cmp(real_embedder):
    return compare(seed_articles("012"), real_embedder, with_facts=False)


def claim_of(cmp, source: str, needle: str) -> int | None:
    for claim in cmp.claims:
        p = claim.passage(source)
        if p and needle in p.text:
            return claim.claim_id
    return None


# Read off the three retellings by hand: each row is one claim all three carry.
SAME_CLAIM = [
    ("handcuffed", "handcuffed", "handcuffed"),
    ("over 300,000 soldiers", "over 50,000 Russian soldiers", "Over 50,000 Russian soldiers"),
    ("Over 200,000 Russian soldiers", "325,000 deaths", "325,000 deaths"),
    ("'They are not animals!'", "'They are not animals!'", "'They are not animals!'"),
    ("footage from January", "In January 2025", "In January, footage"),
    ("choke on snow", "choke on snow", "choke on snow"),
    ("Financial extortion", "Financial schemes", "Financial extortion"),
]


@pytest.mark.parametrize("needles", SAME_CLAIM, ids=lambda n: n[0])
def test_corresponding_sentences_pair(seeds_cmp, needles) -> None:
    ids = [claim_of(seeds_cmp, sid, n) for sid, n in zip(("000", "001", "002"), needles, strict=True)]
    assert None not in ids and len(set(ids)) == 1, ids


# Sentences that share only the story's topic with the others: they must stay unique.
TOPICAL_ONLY = [
    ("000", "The answer, for many soldiers, is no one."),
    ("002", "What does this desperation say about the war's toll on Russian troops?"),
    ("002", "What does this reveal about the power of those who control the narrative?"),
    ("001", "Behind closed doors, however, the reality is starkly different."),
]


@pytest.mark.parametrize(("source", "text"), TOPICAL_ONLY, ids=lambda x: x[:30])
def test_topical_sentences_stay_unique(seeds_cmp, source, text) -> None:
    assert claim_of(seeds_cmp, source, text) is None
    assert any(u.source_id == source and u.text == text for u in seeds_cmp.unique)


def test_other_reports_share_little(real_embedder) -> None:
    # 003 and 004 are other reports on the same theme: few of their sentences may align with 000.
    cmp = compare(seed_articles("034"), real_embedder, with_facts=False)
    n_000 = sum(1 for s in cmp.sentences["000"] if not s.is_heading)
    aligned = {i for c in cmp.claims if c.passage("000") for i in c.passage("000").indices}
    assert len(aligned) <= n_000 * 0.2


@pytest.fixture(scope="module")
def seeds_facts(real_embedder):
    from core.export import divergences_frame

    cmp = compare(seed_articles("012"), real_embedder)
    return divergences_frame(cmp, include_same=True)


# The divergences the user named, end to end through alignment: (kind, text in A, text in B, relations).
NAMED = [
    ("date", "January", "January 2025", {"less_specific"}),
    ("date", "late August 2024", "late 2024", {"conflict"}),
    ("number", "over 300,000", "over 50,000", {"conflict"}),
    ("number", "over 300,000", "Over 50,000", {"conflict"}),
    ("date", "mid-2024", "September 2025", {"conflict"}),
    ("date", "mid-2024", "2025", {"conflict"}),
    ("date", "September 2025", "2025", {"more_specific"}),
    ("number", "Over 200,000", "325,000", {"conflict", "less_specific", "overlap"}),
]


@pytest.mark.parametrize(("kind", "text_a", "text_b", "relations"), NAMED, ids=lambda x: str(x)[:20])
def test_named_divergences(seeds_facts, kind, text_a, text_b, relations) -> None:
    rows = seeds_facts[
        (seeds_facts["kind"] == kind)
        & seeds_facts["text_a"].str.contains(text_a, regex=False)
        & seeds_facts["text_b"].str.strip(" ,.").str.startswith(text_b)
    ]
    assert len(rows) >= 1, f"{text_a} vs {text_b} not compared"
    assert set(rows["relation"]) <= relations


@pytest.mark.parametrize("figure", ["16,000", "13,500", "1.2 million", "four days", "150"])
def test_identical_facts_not_flagged(seeds_facts, figure) -> None:
    rows = seeds_facts[
        seeds_facts["text_a"].str.contains(figure, regex=False)
        & seeds_facts["text_b"].str.contains(figure, regex=False)
    ]
    assert len(rows) >= 1
    assert set(rows["relation"]) == {"same"}


@pytest.fixture(scope="module")
def all_seeds_cmp(real_embedder):
    return compare(seed_articles("01234"), real_embedder, with_facts=False)


def test_other_reports_do_not_join_the_gorkov_claim(all_seeds_cmp) -> None:
    # Regression: a chain of single links pulled 003's and 004's "Vladimir" passages into the claim of
    # the three retellings of Gorkov's handcuffing; group cohesion keeps them out.
    cmp = all_seeds_cmp
    cid = claim_of(cmp, "000", "handcuffed")
    claim = next(c for c in cmp.claims if c.claim_id == cid)
    assert set(claim.sources) == {"000", "001", "002"}


def test_a_scene_setting_lede_of_another_report_stays_unique(all_seeds_cmp) -> None:
    # Regression: 004's opening sentence (soldiers' complaints in general) was a mutual-best partner of a
    # 001/002 sentence about wounded soldiers sent back to the front, at a score of about 0.62; the
    # mutual-best floor of 0.62 (was 0.60) leaves it unaligned, as a reader would.
    lede = next(s for s in all_seeds_cmp.sentences["004"] if not s.is_heading)
    assert all(
        not (c.passage("004") and lede.index in c.passage("004").indices) for c in all_seeds_cmp.claims
    )
