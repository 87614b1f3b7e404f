"""Names (spaCy NER, loads once in ~1-3 s) and quotes."""

from __future__ import annotations

import pytest

from core.facts import compare_passages, extract_facts, story_context
from core.facts.names import (
    NameMention,
    canonical,
    find_abbreviations,
    find_names,
    get_nlp,
    is_common_word,
    link_people,
)
from core.facts.quotes import find_quotes, normalise_wording
from core.model import FactKind, Passage, Relation

# ------------------------------------------------------------------ quotes

QUOTES = [
    ("Her plea—’They are not animals!’—echoed", ["They are not animals!"]),
    ("‘They are not animals!’ she declared.", ["They are not animals!"]),
    ("'They are not animals!' she declared. Gorkov's case", ["They are not animals!"]),
    ("“We will win,” he said.", ["We will win,"]),
    ('"We will win," he said.', ["We will win,"]),
    ("Those who cannot pay are ‘zeroed out,’ a term", ["zeroed out,"]),
    ("The Kremlin's denial and Russia’s army", []),
    ("the soldiers' lives and the Kremlin's men", []),
    ("It's the '90s", []),
    ("no quotes here", []),
    ("‘unterminated quote", []),
    ("“” empty", []),
]


@pytest.mark.parametrize(("text", "inner"), QUOTES)
def test_quotes(text: str, inner: list[str]) -> None:
    assert [q.inner for q in find_quotes(text)] == inner


def test_quote_kinds_and_wording() -> None:
    (q,) = find_quotes("‘zeroed out,’")
    assert not q.speech
    assert q.wording == "zeroed out"
    (s,) = find_quotes("“They are NOT animals!”")
    assert s.speech
    assert s.wording == "they are not animals"
    assert normalise_wording("  It’s   over. ") == "it's over"


def _p(src: str, text: str) -> Passage:
    return Passage(src, 0, 0, 0, len(text), text)


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("‘They are not animals!’ she said.", "'They are not animals!' she said.", Relation.SAME),
        (
            "He called it ‘like signing my own death warrant.’",
            "He said it was ‘signing my own death warrant.’",
            Relation.MORE_SPECIFIC,
        ),
        (
            "‘Signing my own death warrant,’ he said.",
            "‘Like signing my own death warrant,’ he said.",
            Relation.LESS_SPECIFIC,
        ),
        (
            "He said: “We will never give up the city to them.”",
            "He said: “We will never give the city up to them.”",
            Relation.OVERLAP,
        ),
        ("He said: “We will never give up the city to them.”", "The mayor spoke.", Relation.ONLY_IN_A),
        ("The mayor spoke.", "He said: “We will never give up the city to them.”", Relation.ONLY_IN_B),
    ],
)
def test_quote_relations(a: str, b: str, relation: Relation) -> None:
    pairs = [p for p in compare_passages(1, _p("a", a), _p("b", b)) if p.kind == FactKind.QUOTE]
    assert [p.relation for p in pairs] == [relation]


def test_short_term_only_in_one_side_is_not_reported() -> None:
    pairs = compare_passages(1, _p("a", "They are ‘zeroed out’ there."), _p("b", "They are killed there."))
    assert not [p for p in pairs if p.kind == FactKind.QUOTE]


# ------------------------------------------------------------------ names

needs_spacy = pytest.mark.skipif(get_nlp() is None, reason="no spaCy English model installed")


def test_abbreviations() -> None:
    assert find_abbreviations("Casualty figures from the Conflict Studies Institute (CSIS) paint") == {
        "CSIS": "Conflict Studies Institute"
    }
    assert find_abbreviations("the Center for Strategic and International Studies (CSIS) said") == {
        "CSIS": "Center for Strategic and International Studies"
    }
    assert find_abbreviations("a number (1) and (ok)") == {}
    aliases = {"CSIS": "Conflict Studies Institute"}
    assert (
        canonical("Conflict Studies Institute", "ORG", aliases) == canonical("CSIS", "ORG", aliases) == "csis"
    )


def test_link_people() -> None:
    keys = [("gorkov", "PERSON"), ("ilya gorkov", "PERSON"), ("ukraine", "GPE"), ("borodin", "PERSON")]
    assert link_people(keys) == {"gorkov": "ilya gorkov"}


@needs_spacy
def test_find_names_cleans_spans() -> None:
    text = "President Volodymyr Zelensky's office and the Kremlin met the UN in Ukraine."
    names = {(n.text, n.label) for n in find_names(text)}
    assert ("Volodymyr Zelensky", "PERSON") in names
    assert any(n[0] == "Kremlin" for n in names)
    for n in find_names(text):
        assert text[n.start : n.end] == n.text


@needs_spacy
def test_abbreviation_matches_expansion_across_sources() -> None:
    a = _p("a", "Casualty figures from the Conflict Studies Institute (CSIS) paint a harrowing picture.")
    b = _p("b", "A CSIS report found that Russia has suffered heavy casualties.")
    names = [p for p in compare_passages(1, a, b) if p.kind == FactKind.NAME and p.a and "CSIS" in p.a.value]
    assert names
    assert names[0].relation == Relation.SAME


@needs_spacy
def test_different_people_are_only_in() -> None:
    a = _p("a", "The report was confirmed by Vladimir Putin in Moscow.")
    b = _p("b", "The report was confirmed by Volodymyr Zelensky in Moscow.")
    rels = {(p.relation, (p.a or p.b).norm) for p in compare_passages(1, a, b) if p.kind == FactKind.NAME}  # type: ignore[union-attr]
    assert (Relation.ONLY_IN_A, "Vladimir Putin") in rels
    assert (Relation.ONLY_IN_B, "Volodymyr Zelensky") in rels
    assert (Relation.SAME, "Moscow") in rels


@needs_spacy
def test_surname_and_full_name_are_same_entity() -> None:
    a = _p("a", "Gorkov filmed the ordeal in Ukraine.")
    b = _p("b", "Ilya Gorkov filmed the ordeal in Ukraine.")
    pairs = [p for p in compare_passages(1, a, b) if p.kind == FactKind.NAME]
    assert all(p.relation == Relation.SAME for p in pairs)


@needs_spacy
def test_extract_offsets_point_into_article() -> None:
    article = (
        "Intro sentence here. In late August 2024, Ilya Gorkov was held for four days by ‘them’, said the UN."
    )
    start = article.index("In late")
    p = Passage("x", 1, 1, start, len(article), article[start:])
    facts = extract_facts(p)
    assert {f.kind for f in facts} >= {FactKind.DATE, FactKind.NUMBER, FactKind.QUOTE}
    for f in facts:
        assert article[f.start : f.end] == f.text


@needs_spacy
def test_abbreviation_defined_elsewhere_in_the_story() -> None:
    # "ERA" is spelled out in another paragraph of source b, not in the aligned passage.
    a = _p("a", "Nearly 900 passengers a day used the line, the Eastmere Rail Authority said.")
    b = _p("b", "Over 1,200 passengers a day used the line, according to the ERA.")
    story = story_context(["The Eastmere Rail Authority (ERA) closed the line.", a.text, b.text])
    assert story.aliases == {"ERA": "Eastmere Rail Authority"}
    with_story = [p for p in compare_passages(1, a, b, story=story) if p.kind == FactKind.NAME]
    assert [p.relation for p in with_story] == [Relation.SAME]
    without = {p.relation for p in compare_passages(1, a, b) if p.kind == FactKind.NAME}
    assert without == {Relation.ONLY_IN_A, Relation.ONLY_IN_B}


def test_common_word_at_sentence_start_is_no_name() -> None:
    story = story_context(["Slow buses for commuters", "The police said. The Police Federation met."])
    text = "Commuters in Eastmere face delays. “Police were there,” said Anna Police."
    mention = NameMention(0, 9, "Commuters", "ORG", "Commuters")
    assert is_common_word(mention, text, story)
    inner = text.index("Police")
    assert is_common_word(NameMention(inner, inner + 6, "Police", "ORG", "Police"), text, story)
    surname = text.rindex("Police")
    assert not is_common_word(NameMention(surname, surname + 6, "Police", "PERSON", "Police"), text, story)
    assert not is_common_word(NameMention(0, 9, "Commuters", "ORG", "Commuters"), text, story_context([]))
    assert not is_common_word(NameMention(0, 4, "NATO", "ORG", "NATO"), "NATO met.", story_context(["nato"]))


def test_near_spelling_of_a_name_form_with_no_word_is_none() -> None:
    """Regression (ECB+ at 200 sources): a name form left with no word raised IndexError, costing pairs."""
    from core.facts.compare import _near_spelling
    from core.facts.names import NameMention

    for form in ("", " ", "  "):
        assert _near_spelling("Mayor Jo Gilreath spoke.", NameMention(0, 3, "Jo", "PERSON", form)) is None
    near = NameMention(0, 3, "x", "PERSON", "Jo Gilreath")
    assert _near_spelling("Mayor Jo Gilreat spoke.", near) == (6, 16)
