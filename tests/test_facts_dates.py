"""Golden table for date extraction and normalisation (no spaCy)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.facts.dates import DateValue, find_dates

PUB = dt.date(2025, 3, 10)  # a Monday

# text, surface, TIMEX value, granularity, mod, span (ISO "a/b"), year stated
CASES = [
    (
        "In late August 2024, Ilya",
        "late August 2024",
        "2024-08",
        "month",
        "END",
        "2024-08-21/2024-08-31",
        True,
    ),
    ("by mid-2024, many", "mid-2024", "2024", "year", "MID", "2024-05-01/2024-08-31", True),
    ("In late 2024, he", "late 2024", "2024", "year", "END", "2024-09-01/2024-12-31", True),
    ("early 2023", "early 2023", "2023", "year", "START", "2023-01-01/2023-04-30", True),
    ("the end of 2024", "the end of 2024", "2024", "year", "END", "2024-09-01/2024-12-31", True),
    ("In January 2025, a video", "January 2025", "2025-01", "month", "", "2025-01-01/2025-01-31", True),
    ("since 24 February 2022", "24 February 2022", "2022-02-24", "day", "", "2022-02-24/2022-02-24", True),
    ("on 31 July 2024", "31 July 2024", "2024-07-31", "day", "", "2024-07-31/2024-07-31", True),
    ("May 03, 2013", "May 03, 2013", "2013-05-03", "day", "", "2013-05-03/2013-05-03", True),
    ("FRIDAY, MAY 3, 2013", "FRIDAY, MAY 3, 2013", "2013-05-03", "day", "", "2013-05-03/2013-05-03", True),
    ("2024-10-05", "2024-10-05", "2024-10-05", "day", "", "2024-10-05/2024-10-05", True),
    ("in summer 2022", "summer 2022", "2022-SU", "season", "", "2022-06-01/2022-08-31", True),
    ("the winter of 2022", "the winter of 2022", "2022-WI", "season", "", "2022-12-01/2023-02-28", True),
    ("Q3 2024", "Q3 2024", "2024-Q3", "quarter", "", "2024-07-01/2024-09-30", True),
    (
        "the first half of 2023",
        "the first half of 2023",
        "2023-H1",
        "half",
        "",
        "2023-01-01/2023-06-30",
        True,
    ),
    ("in the 1990s", "the 1990s", "199X", "decade", "", "1990-01-01/1999-12-31", True),
    ("convicted in 2024 alone", "2024", "2024", "year", "", "2024-01-01/2024-12-31", True),
    ("a 2025 CSIS report", "2025", "2025", "year", "", "2025-01-01/2025-12-31", True),
    ("the 2012–13 season", "2012–13", "2012/2013", "year", "", "2012-01-01/2013-12-31", True),
    ("in mid-August 2024", "mid-August 2024", "2024-08", "month", "MID", "2024-08-11/2024-08-20", True),
    ("early summer 2022", "early summer 2022", "2022-SU", "season", "START", "2022-06-01/2022-06-30", True),
]


@pytest.mark.parametrize(("text", "surface", "timex", "gran", "mod", "span", "stated"), CASES)
def test_date_golden(  # noqa: PLR0917
    text: str, surface: str, timex: str, gran: str, mod: str, span: str, stated: bool
) -> None:
    (d,) = find_dates(text)
    assert d.text == surface
    assert text[d.start : d.end] == surface
    v = d.value
    assert (v.timex, v.granularity, v.mod, v.year_stated) == (timex, gran, mod, stated)
    s = v.span()
    assert s is not None
    assert f"{s[0].isoformat()}/{s[1].isoformat()}" == span


# Year not stated: with and without a publication date.
NO_YEAR = [
    ("Footage from January revealed", "January", "XXXX-01", "2025-01"),
    ("In April, the", "April", "XXXX-04", "2025-04"),
    ("In May, the", "May", "XXXX-05", "2025-05"),
    ("on June 8, and then", "June 8", "XXXX-06-08", "2025-06-08"),
    ("in late August the", "late August", "XXXX-08", "2025-08"),
    ("Since December the", "December", "XXXX-12", "2024-12"),
    ("in the summer, it", "summer", "XXXX-SU", "2025-SU"),
]


@pytest.mark.parametrize(("text", "surface", "bare", "resolved"), NO_YEAR)
def test_year_not_stated(text: str, surface: str, bare: str, resolved: str) -> None:
    (d,) = find_dates(text)
    assert d.text == surface
    assert d.value.timex == bare
    assert not d.value.year_stated
    assert d.value.span() is None
    (r,) = find_dates(text, published=PUB)
    assert r.value.timex == resolved
    assert not r.value.year_stated
    assert r.value.inferred


RELATIVE = [
    ("went viral last year", "last year", "2024", "year"),
    ("earlier this year", "earlier this year", "2025", "year"),
    ("this year", "this year", "2025", "year"),
    ("next month", "next month", "2025-04", "month"),
    ("last month", "last month", "2025-02", "month"),
    ("yesterday", "yesterday", "2025-03-09", "day"),
    ("on Tuesday", "Tuesday", "2025-03-04", "day"),
    ("on Monday", "Monday", "2025-03-10", "day"),
    ("last Friday", "last Friday", "2025-03-07", "day"),
    ("three days ago", "three days ago", "2025-03-07", "day"),
    ("two years ago", "two years ago", "2023", "year"),
    ("last week", "last week", "2025-W10", "week"),
    ("last summer", "last summer", "2024-SU", "season"),
    ("last May", "last May", "2024-05", "month"),
]


@pytest.mark.parametrize(("text", "surface", "timex", "gran"), RELATIVE)
def test_relative_resolved(text: str, surface: str, timex: str, gran: str) -> None:
    (d,) = find_dates(text, published=PUB)
    assert d.text == surface
    assert (d.value.timex, d.value.granularity) == (timex, gran)
    assert d.value.inferred


@pytest.mark.parametrize(("text", "surface", "timex", "gran"), RELATIVE)
def test_relative_unresolved_without_publication(text: str, surface: str, timex: str, gran: str) -> None:
    (d,) = find_dates(text)
    assert d.value.relative
    assert d.value.span() is None
    assert d.value.granularity == gran


NO_DATE = [
    "10% of the troops",
    "over 2000 soldiers",
    "2024 people attended",
    "over 2024",
    "£2024",
    "10-15",
    "ratio 3:2",
    "1,2,3",
    "31 February 2024",
    "30 February",
    "you may go",
    "March on Washington",
    "the fall of Kabul",
    "Spring up",
    "this may be wrong",
    "2024-13-45",
    "2,024 soldiers",
    "1.2 million",
    "four days",
    "",
]


@pytest.mark.parametrize("text", NO_DATE)
def test_no_date(text: str) -> None:
    assert find_dates(text, published=PUB) == []


def test_datevalue_label() -> None:
    assert DateValue("year", "END", 2024).label == "late 2024"
    assert DateValue("month", "", None, 1, year_stated=False).label == "January (no year)"
    assert DateValue("month", "END", 2024, 8).label == "late August 2024"
    assert DateValue("day", "", 2025, 3, 14).label == "14 March 2025"
    assert DateValue("season", "", None, season="FA", year_stated=False).label == "autumn (no year)"
    assert DateValue("month", "", None, 1, year_stated=False).timex == "XXXX-01"
