"""Golden table for number extraction and normalisation (no spaCy)."""

from __future__ import annotations

import time

import pytest

from core.facts import resources as R
from core.facts.dates import scan_dates
from core.facts.numbers import NumberMention, find_numbers, measure_words, parse_digits, parse_spelled


def numbers(text: str) -> list[NumberMention]:
    dates, rejected = scan_dates(text)
    return find_numbers(text, exclude=[(d.start, d.end) for d in dates] + rejected)


# text, surface, nominal, qualifier class, hard interval, measure
CASES = [
    (
        "over 300,000 soldiers had abandoned their units",
        "over 300,000 soldiers",
        300_000,
        R.LOWER,
        "[300000,inf)",
        "desertions",
    ),
    (
        "Over 200,000 Russian soldiers have been killed",
        "Over 200,000",
        200_000,
        R.LOWER,
        "[200000,inf)",
        "deaths",
    ),
    ("including 325,000 deaths, while", "325,000 deaths", 325_000, R.EXACT, "[325000,325000]", "deaths"),
    ("with 55,000 confirmed dead", "55,000", 55_000, R.EXACT, "[55000,55000]", "deaths"),
    (
        "approximately 1.2 million casualties",
        "approximately 1.2 million casualties",
        1_200_000,
        R.APPROX,
        "[1080000,1320000]",
        "casualties",
    ),
    (
        "1.2 million casualties",
        "1.2 million casualties",
        1_200_000,
        R.EXACT,
        "[1200000,1200000]",
        "casualties",
    ),
    ("Over 16,000 have been prosecuted", "Over 16,000", 16_000, R.LOWER, "[16000,inf)", "prosecutions"),
    (
        "with over 13,500 convicted in 2024",
        "over 13,500 convicted",
        13_500,
        R.LOWER,
        "[13500,inf)",
        "convictions",
    ),
    ("representing nearly 10% of all troops", "nearly 10%", 10, R.NEARLY, "[9,10]", "percent"),
    ("about 10 per cent of voters", "about 10 per cent", 10, R.APPROX, "[9,11]", "percent"),
    ("Twenty-five people died", "Twenty-five people", 25, R.EXACT, "[25,25]", "deaths"),
    ("25 people died", "25 people", 25, R.EXACT, "[25,25]", "deaths"),
    ("eight thousand troops", "eight thousand troops", 8000, R.EXACT, "[8000,8000]", "soldiers"),
    ("handcuffed for four days", "four days", 4, R.EXACT, "[4,4]", "days"),
    ("within a day of their release", "a day", 1, R.EXACT, "[1,1]", "days"),
    ("seven months in captivity", "seven months", 7, R.EXACT, "[7,7]", "months"),
    (
        "hundreds of thousands more have been wounded",
        "hundreds of thousands",
        200_000,
        R.APPROX,
        "[200000,999999]",
        "injured",
    ),
    ("Thousands of soldiers have faced", "Thousands", 2000, R.APPROX, "[2000,9999]", "soldiers"),
    ("at least 150 verified deaths", "at least 150", 150, R.LOWER, "[150,inf)", "deaths"),
    ("fewer than 20 people", "fewer than 20 people", 20, R.UPPER, "[0,20]", "people"),
    ("up to 40 civilians", "up to 40 civilians", 40, R.UPPER, "[0,40]", "people"),
    ("some 300 migrants", "some 300 migrants", 300, R.APPROX, "[270,330]", "people"),
    ("around 60 km away", "around 60 km", 60, R.APPROX, "[54,66]", "km"),
    ("almost 2,000 residents", "almost 2,000 residents", 2000, R.NEARLY, "[1800,2000]", "people"),
    ("300,000 or more soldiers", "300,000 or more soldiers", 300_000, R.LOWER, "[300000,inf)", "soldiers"),
    ("£1,250 fine", "£1,250", 1250, R.EXACT, "[1250,1250]", "money:GBP"),
    ("$1.5 billion in aid", "$1.5 billion", 1.5e9, R.EXACT, "[1500000000,1500000000]", "money:USD"),
    ("a 3.5bn deal", "3.5bn deal", 3.5e9, R.EXACT, "[3500000000,3500000000]", "deal"),
    ("10-15 people", "10-15 people", 10, R.EXACT, "[10,15]", "people"),
    ("over 2000 soldiers", "over 2000 soldiers", 2000, R.LOWER, "[2000,inf)", "soldiers"),
    ("half a million people", "half a million people", 500_000, R.EXACT, "[500000,500000]", "people"),
    ("the third time this year", "third", 3, R.EXACT, "[3,3]", "ordinal:time"),
    ("Ukraine has lost 600,000, with", "600,000", 600_000, R.EXACT, "[600000,600000]", "casualties"),
]


@pytest.mark.parametrize(("text", "surface", "nominal", "qual", "interval", "measure"), CASES)
def test_number_golden(  # noqa: PLR0917
    text: str, surface: str, nominal: float, qual: str, interval: str, measure: str
) -> None:
    found = numbers(text)
    assert len(found) == 1, found
    n = found[0]
    assert n.text == surface
    assert text[n.start : n.end] == surface
    assert n.value.nominal == nominal
    assert n.value.qualifier == qual
    assert n.value.interval == interval
    assert n.value.measure == measure


NO_NUMBER = [
    "1,2,3",
    "1.2.3",
    "12:30",
    "31 February 2024",
    "In 2024, two",  # year; "two" counts nothing
    "2012–13",
    "One was forced to choke on snow",
    "In one particularly disturbing clip",
    "COVID-19 cases",
    "F-16 jets",
    "a 4G network",
    "10% of",  # percent with nothing after is still a number -> handled below
    "late 2024",
    "mid-2024",
    "January 2025",
    "for the first time",
    "One day, he left",
    "at 10m",
    "",
]


@pytest.mark.parametrize("text", [t for t in NO_NUMBER if t != "10% of"])
def test_no_number(text: str) -> None:
    assert numbers(text) == []


def test_percent_without_noun() -> None:
    (n,) = numbers("10% of")
    assert n.value.measure == "percent"


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("300,000", (300000.0, 0)),
        ("1.2", (1.2, 1)),
        ("16000", (16000.0, 0)),
        ("1,234.5", (1234.5, 1)),
        ("1,2,3", None),
        ("1.2.3", None),
        ("12,34", None),
    ],
)
def test_parse_digits(s: str, expected: tuple[float, int] | None) -> None:
    assert parse_digits(s) == expected


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("twenty-five", 25),
        ("eight thousand", 8000),
        ("one hundred and fifty", 150),
        ("a hundred", 100),
        ("half a million", 500_000),
        ("a dozen", 12),
        ("two million", 2_000_000),
        ("one two", None),
        ("and", None),
    ],
)
def test_parse_spelled(s: str, expected: float | None) -> None:
    assert parse_spelled(s) == expected


def test_display_and_soft_reading() -> None:
    (n,) = numbers("over 300,000 soldiers had abandoned their units")
    assert n.value.display == "> 300,000 desertions"
    assert (n.value.soft_low, n.value.soft_high) == (300_000, 450_000)
    (m,) = numbers("at least 150 deaths")
    assert m.value.display.startswith("≥ 150")


def cpu_per_char(fn, text: str, repeat: int = 3) -> float:
    """Least CPU seconds per character of ``fn(text)`` over a few runs (CPU time, not wall clock:
    a loaded machine slows both runs of a comparison alike)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(text)
        best = min(best, time.process_time() - t0)
    return max(best, 1e-6) / len(text)


# Cost stays linear: a text 10x longer may cost at most LINEAR_SLACK x the per-character cost of the short
# one (a quadratic reader would cost 10x per character more).
LINEAR_SLACK = 4.0


def assert_linear(fn, make, small: int = 5_000) -> None:
    short, long = make(small), make(10 * small)
    assert cpu_per_char(fn, long, repeat=1) <= LINEAR_SLACK * cpu_per_char(fn, short)


def test_long_digit_sentence_is_fast() -> None:
    def make(n: int) -> str:
        return " ".join(f"{i},{i % 1000:03d}.5 and 1,2,3 or 12:30 of 2012–13" for i in range(n // 30))[:n]

    assert_linear(numbers, make, small=20_000)
    assert len(numbers(make(200_000))) <= R.MAX_FACTS_PER_KIND


@pytest.mark.parametrize(
    "unit",
    ["1", "1,", "over ", "‘a", "'", "between 1 and ", "one in ", "half of ", "1-2 ", "1 am ", "just before ",
     "three men and ", "the past two ", "killed ", "12.12.2012 ", "a "],
)  # fmt: skip
def test_pathological_characters_are_fast(unit: str) -> None:
    assert_linear(numbers, lambda n: (unit * (n // len(unit) + 1))[:n])


@pytest.mark.parametrize(
    ("measure", "count", "words"),
    [
        ("passenger", 900, "passengers"),
        ("passenger", 1, "passenger"),
        ("passenger", None, "passengers"),  # "thousands of passengers"
        ("city", 3, "cities"),
        ("bus", 2, "buses"),
        ("day", 2, "days"),
        ("deaths", 1, "death"),
        ("deaths", 2, "deaths"),
        ("km", 1, "km"),
        ("percent", 5, "percent"),
        ("money:EUR", 14, "money:EUR"),
        ("", 3, ""),
    ],
)
def test_measure_words(measure: str, count: float | None, words: str) -> None:
    assert measure_words(measure, count) == words


def test_explanations_read_in_the_plural() -> None:
    from core.facts.relations import number_relation

    (a,) = find_numbers("Over 1,200 passengers a day used the line.")
    (b,) = find_numbers("Nearly 900 passengers a day used the line.")
    assert a.value.measure == b.value.measure == "passenger"  # stored singular, so wordings match
    _, why = number_relation(a.value, b.value, src_a="a", src_b="b")
    assert why.startswith("1,200+ vs nearly 900 passengers: disjoint")
    assert b.value.display.endswith("900 passengers")
