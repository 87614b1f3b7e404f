"""The three seed articles retell one report with different figures; check the expected relations.

The articles are copyrighted and stay outside the repo: sentences are located by substring in
``../shared/seeds`` and the module is skipped when that folder is absent. Loads spaCy (~1-3 s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.facts import compare_passages, extract_facts
from core.model import FactKind, FactPair, Passage, Relation

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not available")


def _text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def passage(src: str, begin: str, end: str) -> Passage:
    """The passage of seed ``src`` from substring ``begin`` through substring ``end``."""
    text = _text(src)
    s = text.index(begin)
    e = text.index(end, s) + len(end)
    return Passage(src, 0, 0, s, e, text[s:e])


def pairs_of(a: Passage, b: Passage, kind: FactKind) -> dict[tuple[str | None, str | None], Relation]:
    out: dict[tuple[str | None, str | None], Relation] = {}
    for p in compare_passages(1, a, b):
        if p.kind == kind:
            out[(p.a.text if p.a else None, p.b.text if p.b else None)] = p.relation
    return out


def all_pairs(a: Passage, b: Passage) -> tuple[FactPair, ...]:
    return compare_passages(1, a, b)


@pytest.fixture(scope="module")
def footage() -> tuple[Passage, Passage, Passage]:
    return (
        passage("000", "Horrifying footage from January", "obscenities."),
        passage("001", "In January 2025, a harrowing", "military."),
        passage("002", "In January, footage surfaced", "obscenities."),
    )


@pytest.fixture(scope="module")
def handcuffed() -> tuple[Passage, Passage, Passage]:
    return (
        passage("000", "In late August 2024, Ilya Gorkov", "food or water."),
        passage("001", "In late August 2024, Ilya Gorkov", "medical care."),
        passage("002", "In late 2024, he and a fellow", "food or water."),
    )


@pytest.fixture(scope="module")
def desertion() -> tuple[Passage, Passage, Passage]:
    return (
        passage("000", "A UN report revealed", "front lines."),
        passage("001", "According to a UN report from September", "in Ukraine."),
        passage("002", "Over 50,000 Russian soldiers", "UN report from 2025."),
    )


@pytest.fixture(scope="module")
def prosecuted() -> tuple[Passage, Passage]:
    return (
        passage("001", "Over 16,000 have been prosecuted", "2024 alone."),
        passage("002", "More than 16,000 have been prosecuted", "convicted in 2024."),
    )


@pytest.fixture(scope="module")
def casualties() -> tuple[Passage, Passage, Passage]:
    return (
        passage("000", "Casualty figures from the Conflict", "wounded or maimed."),
        passage("001", "The human cost is staggering: a CSIS", "likely missing."),
        passage("002", "Russia has suffered 1.2 million", "Zelensky's count."),
    )


def test_offsets_index_the_article(casualties: tuple[Passage, Passage, Passage]) -> None:
    for p in casualties:
        text = _text(p.source_id)
        for f in extract_facts(p):
            assert text[f.start : f.end] == f.text


def test_january_year_stated_in_one_only(footage: tuple[Passage, Passage, Passage]) -> None:
    a, b, c = footage
    assert pairs_of(a, b, FactKind.DATE)[("January", "January 2025")] == Relation.LESS_SPECIFIC
    assert pairs_of(b, c, FactKind.DATE)[("January 2025", "January")] == Relation.MORE_SPECIFIC
    assert pairs_of(a, c, FactKind.DATE)[("January", "January")] == Relation.SAME
    why = [p.explanation for p in all_pairs(b, c) if p.kind == FactKind.DATE]
    assert why == ["year stated only in 001: 2025"]


def test_late_august_vs_late_2024(handcuffed: tuple[Passage, Passage, Passage]) -> None:
    a, b, c = handcuffed
    assert pairs_of(a, b, FactKind.DATE) == {("late August 2024", "late August 2024"): Relation.SAME}
    assert pairs_of(a, c, FactKind.DATE) == {("late August 2024", "late 2024"): Relation.CONFLICT}
    assert pairs_of(b, c, FactKind.DATE) == {("late August 2024", "late 2024"): Relation.CONFLICT}
    for x, y in ((a, b), (a, c), (b, c)):
        assert pairs_of(x, y, FactKind.NUMBER) == {("four days", "four days"): Relation.SAME}


def test_desertion_figures_and_report_dates(desertion: tuple[Passage, Passage, Passage]) -> None:
    a, b, c = desertion
    nums = pairs_of(a, b, FactKind.NUMBER)
    assert nums[("over 300,000 soldiers", "over 50,000")] == Relation.CONFLICT
    assert pairs_of(a, c, FactKind.NUMBER)[("over 300,000 soldiers", "Over 50,000")] == Relation.CONFLICT
    assert pairs_of(b, c, FactKind.NUMBER)[("over 50,000", "Over 50,000")] == Relation.SAME
    assert pairs_of(a, b, FactKind.DATE) == {("mid-2024", "September 2025"): Relation.CONFLICT}
    assert pairs_of(a, c, FactKind.DATE) == {("mid-2024", "2025"): Relation.CONFLICT}
    assert pairs_of(b, c, FactKind.DATE) == {("September 2025", "2025"): Relation.MORE_SPECIFIC}
    why = [
        p.explanation
        for p in all_pairs(a, b)
        if p.kind == FactKind.NUMBER and p.relation == Relation.CONFLICT
    ]
    assert why
    assert "disjoint" in why[0]


def test_prosecutions_same(prosecuted: tuple[Passage, Passage]) -> None:
    a, b = prosecuted
    nums = pairs_of(a, b, FactKind.NUMBER)
    assert nums[("Over 16,000", "More than 16,000")] == Relation.SAME
    assert nums[("more than 13,500 conscripts", "over 13,500 convicted")] == Relation.SAME
    assert pairs_of(a, b, FactKind.DATE) == {("2024", "2024"): Relation.SAME}


def test_casualties(casualties: tuple[Passage, Passage, Passage]) -> None:
    a, b, c = casualties
    ab = pairs_of(a, b, FactKind.NUMBER)
    # "Over 200,000 ... killed" vs "325,000 deaths": consistent bound, different figure -> flagged as conflict
    assert ab[("Over 200,000", "325,000 deaths")] == Relation.CONFLICT
    assert ("Over 200,000", "approximately 1.2 million casualties") not in ab
    bc = pairs_of(b, c, FactKind.NUMBER)
    assert bc[("approximately 1.2 million casualties", "1.2 million casualties")] == Relation.SAME
    assert bc[("325,000 deaths", "325,000 deaths")] == Relation.SAME
    assert bc[("600,000 casualties", "600,000")] == Relation.SAME
    assert bc[("55,000", "55,000")] == Relation.SAME
    names = pairs_of(a, b, FactKind.NAME)
    assert names[("Conflict Studies Institute", "CSIS")] == Relation.SAME


def test_pits_and_quotes() -> None:
    a = passage("000", "In some cases, soldiers are stuffed", "Verstka.")
    c = passage("002", "A verified video", "murder.")
    assert pairs_of(a, c, FactKind.NUMBER)[("at least 150", "At least 150")] == Relation.SAME
    q0 = passage("000", "Her impassioned plea", "desperation")
    q1 = passage("001", "‘They are not animals!’", "declared.")
    q2 = passage("002", "'They are not animals!'", "declared.")
    for x, y in ((q0, q1), (q0, q2), (q1, q2)):
        assert [p.relation for p in all_pairs(x, y) if p.kind == FactKind.QUOTE] == [Relation.SAME]
    w0 = passage("000", "Gorkov, after escaping", "death warrant.’")
    w1 = passage("001", "He told the New York Times", "death warrant,’")
    assert [p.relation for p in all_pairs(w0, w1) if p.kind == FactKind.QUOTE] == [Relation.LESS_SPECIFIC]


def test_identical_facts_not_flagged(
    handcuffed: tuple[Passage, Passage, Passage], prosecuted: tuple[Passage, Passage]
) -> None:
    from core.facts import divergence_rows

    rows = divergence_rows(all_pairs(*prosecuted))
    assert not [r for r in rows if r["kind"] == "number"]
