"""Sentence segmentation: offsets, abbreviations, quotes, headings."""

from __future__ import annotations

import pytest

from core.config import Limits
from core.model import Article
from core.segment import split_sentences


def article(text: str) -> Article:
    return Article("x", "", text)


def sents(text: str) -> list[str]:
    art = article(text)
    out = split_sentences(art)
    for s in out:
        assert art.text[s.start : s.end] == s.text
    return [s.text for s in out]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("He lives in the U.S. The president said so.", ["He lives in the U.S.", "The president said so."]),
        (
            "The U.S. Army came at 5 p.m. on Monday. Dr. Smith left.",
            ["The U.S. Army came at 5 p.m. on Monday.", "Dr. Smith left."],
        ),
        (
            "'They are not animals!' she declared. Then it ended.",
            ["'They are not animals!' she declared.", "Then it ended."],
        ),
        ('He said "Go now." Then he left.', ['He said "Go now."', "Then he left."]),
        (
            "It cost 1,250.50 euros. Over 1.2 million died.",
            ["It cost 1,250.50 euros.", "Over 1.2 million died."],
        ),
        ("Wait... what happened? Nobody knew.", ["Wait... what happened?", "Nobody knew."]),
        ("It ended... Then more came.", ["It ended...", "Then more came."]),
        (
            "J. R. R. Tolkien wrote it. Mr. Baggins agreed.",
            ["J. R. R. Tolkien wrote it.", "Mr. Baggins agreed."],
        ),
        ("Some **** idiot did it. **** happened.", ["Some **** idiot did it.", "**** happened."]),
        (
            "A headline without stop\n\nThe body starts here. It goes on.",
            ["A headline without stop", "The body starts here.", "It goes on."],
        ),
        (
            "No. 5 won on Jan. 3 in St. Louis. Fans cheered!",
            ["No. 5 won on Jan. 3 in St. Louis.", "Fans cheered!"],
        ),
        ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
        ("lower case after stop. still same sentence", ["lower case after stop. still same sentence"]),
        # Curly quotes, as an Article built without ingest keeps them (ingest makes them straight).
        ("“We were lucky.” Then the rain came.", ["“We were lucky.”", "Then the rain came."]),
        ("She said ‘no way.’ He left.", ["She said ‘no way.’", "He left."]),
        ("“Who knows?” “Nobody,” he said.", ["“Who knows?”", "“Nobody,” he said."]),
        ("It was “fine.” but late", ["It was “fine.” but late"]),
        # A quote mark standing alone after the stop closes the quote (detokenised text).
        ('"It is over. " Then the lights went out.', ['"It is over. "', "Then the lights went out."]),
        ("He said 'thanks. ' \" Nobody moved.", ["He said 'thanks. ' \"", "Nobody moved."]),
        ('He left. "Run," she said.', ["He left.", '"Run," she said.']),
        ('Mr." Smith" is a nickname.', ['Mr." Smith" is a nickname.']),
        # Titles before a name never end a sentence.
        (
            "Msgr. Kelly led the mass. Const. Reid arrived.",
            ["Msgr. Kelly led the mass.", "Const. Reid arrived."],
        ),
        ("Cllr. Patel and Atty. Gomez spoke.", ["Cllr. Patel and Atty. Gomez spoke."]),
        # Jr., Inc., Corp. end a sentence when a sentence opener follows...
        (
            "The team was led by Roland Butler Jr. The search ended at dusk.",
            ["The team was led by Roland Butler Jr.", "The search ended at dusk."],
        ),
        (
            "The ship belongs to Grace Ocean Inc. It flies a flag.",
            ["The ship belongs to Grace Ocean Inc.", "It flies a flag."],
        ),
        (
            "Shares fell at Acme Corp. A spokesman declined.",
            ["Shares fell at Acme Corp.", "A spokesman declined."],
        ),
        # ... and not before a name or a noun.
        ("Acme Inc. Chief Executive Jo Lee resigned.", ["Acme Inc. Chief Executive Jo Lee resigned."]),
        ("Martin Luther King Jr. Day is a holiday.", ["Martin Luther King Jr. Day is a holiday."]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


def test_headings_are_marked() -> None:
    art = article(
        "The war began long ago. It went on.\n\nWidespread torture\n\nSoldiers were hurt. Many fled."
    )
    out = split_sentences(art)
    assert [s.is_heading for s in out] == [False, False, True, False, False]


def test_unpunctuated_article_is_not_all_headings() -> None:
    art = article("soldiers fled the front\nthe army punished them\nthe families protested loudly")
    out = split_sentences(art)
    assert len(out) == 3 and not any(s.is_heading for s in out)


def test_long_sentence_is_cut_at_words() -> None:
    art = article(" ".join(["word"] * 50_000))
    out = split_sentences(art, limits=Limits(max_sentence_chars=1000))
    assert all(len(s.text) <= 1000 for s in out)
    assert sum(len(s.text.split()) for s in out) == 50_000


def test_headline_glued_to_the_next_paragraph_is_split_off_as_a_heading() -> None:
    """A pasted page lost the break between a related-link headline and the paragraph after it."""
    art = article(
        "Crews will return at dawn.\n\nFerry sinks in harbour after engine fire during stormA freighter "
        "struck the pier at 2 am on Monday."
    )
    out = split_sentences(art)
    assert [s.text for s in out] == [
        "Crews will return at dawn.",
        "Ferry sinks in harbour after engine fire during storm",
        "A freighter struck the pier at 2 am on Monday.",
    ]
    assert [s.is_heading for s in out] == [False, True, False]


@pytest.mark.parametrize(
    "text",
    [
        "On Friday, theGeological Survey reported it.",  # a lost space after a function word
        "Follow @joeBiden or read example.com/newsStory today.",  # handles and paths
        "McDonald sold an iPhone on eBay and YouTube.",  # names with inner capitals
    ],
)
def test_inner_capitals_that_are_no_seam_stay_one_sentence(text: str) -> None:
    assert sents(text) == [text]
