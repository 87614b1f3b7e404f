"""Date expressions as TIMEX3-style time spans with granularity and a START/MID/END modifier.

The grammar is the single compiled alternation ``resources.DATE`` (see there for why no library is
used). Every match becomes a :class:`DateValue`; a match that names an impossible date
("31 February 2024") yields nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from core.facts import resources as R

Span = tuple[dt.date, dt.date]


@dataclass(frozen=True, slots=True)
class DateValue:
    """A normalised date expression.

    Attributes:
        granularity: "day", "week", "month", "season", "quarter", "half", "year" or "decade".
        mod: "" or TIMEX3 mod "START" / "MID" / "END" (early / mid / late).
        year: Calendar year when stated or inferred, else None.
        month, day: Month and day of month when stated.
        season: "SP", "SU", "FA", "WI" for seasons.
        quarter, half: Quarter 1-4 / half 1-2 of the year.
        decade: First year of a decade ("the 1990s" -> 1990).
        week_start: Monday of an ISO week (granularity "week").
        year_end: Last year of a range of years ("2012–13" -> 2013).
        year_stated: The text itself (or a relative expression anchored on it) gives the year.
        inferred: Some part was resolved against the publication date.
        relative: Lower-cased relative phrase ("last year") that could not be resolved, else "".
    """

    granularity: str
    mod: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: str | None = None
    quarter: int | None = None
    half: int | None = None
    decade: int | None = None
    week_start: dt.date | None = None
    year_end: int | None = None
    year_stated: bool = True
    inferred: bool = False
    relative: str = ""

    @property
    def timex(self) -> str:
        """TIMEX3 ``value`` ("2024-08", "XXXX-01", "2022-SU", "2024-Q1", "199X")."""
        if self.relative:
            return "XXXX"
        y = f"{self.year:04d}" if self.year is not None else "XXXX"
        g = self.granularity
        if g == "day":
            return f"{y}-{self.month:02d}-{self.day:02d}"
        if g == "month":
            return f"{y}-{self.month:02d}"
        if g == "season":
            return f"{y}-{self.season}"
        if g == "quarter":
            return f"{y}-Q{self.quarter}"
        if g == "half":
            return f"{y}-H{self.half}"
        if g == "decade":
            return f"{str(self.decade)[:3]}X"
        if g == "week" and self.week_start is not None:
            iso = self.week_start.isocalendar()
            return f"{iso[0]:04d}-W{iso[1]:02d}"
        if self.year_end is not None:
            return f"{y}/{self.year_end:04d}"
        return y

    @property
    def label(self) -> str:
        """Human-readable value in words: "late August 2024", "January (no year)", "summer 2022"."""
        if self.relative:
            return self.relative
        months = R.MONTH_WORDS
        y = str(self.year) if self.year is not None else ""
        g = self.granularity
        if g == "day":
            core = f"{self.day} {months[(self.month or 1) - 1]} {y}"
        elif g == "month":
            core = f"{months[(self.month or 1) - 1]} {y}"
        elif g == "season":
            core = f"{R.SEASON_WORDS.get(self.season or '', self.season)} {y}"
        elif g == "quarter":
            core = f"Q{self.quarter} {y}"
        elif g == "half":
            core = f"{'first' if self.half == 1 else 'second'} half of {y}"
        elif g == "decade":
            core = f"{self.decade}s"
        elif g == "week" and self.week_start is not None:
            core = f"week of {self.week_start.isoformat()}"
        elif self.year_end is not None:
            core = f"{y}-{self.year_end}"
        else:
            core = y
        core = core.strip()
        if self.year is None and g not in {"decade", "week"}:
            core += " (no year)"
        elif self.inferred and not self.year_stated:
            core += " (year inferred)"
        prefix = R.MOD_NAMES.get(self.mod, "")
        return f"{prefix} {core}" if prefix else core

    def span(self, year: int | None = None) -> Span | None:
        """First and last day covered (inclusive), or None without a year.

        Args:
            year: Year to assume when the value has none (used to compare month/day alone).
        """
        g = self.granularity
        if self.relative:
            return None
        if g == "week":
            if self.week_start is None:
                return None
            # The calendar's last week may end past date.max (9999-12-31): clamped there.
            return self.week_start, self.week_start + dt.timedelta(
                days=min(6, (dt.date.max - self.week_start).days)
            )
        if g == "decade":
            d0 = self.decade or 0
            lo, hi = {"START": (0, 3), "MID": (4, 6), "END": (7, 9)}.get(self.mod, (0, 9))
            return dt.date(d0 + lo, 1, 1), dt.date(d0 + hi, 12, 31)
        y = self.year if self.year is not None else year
        if y is None or not dt.MINYEAR <= y <= dt.MAXYEAR:
            return None
        if g == "day":
            # An assumed year may lack the day: "29 February" has no span in 2023.
            if self.month is None or self.day is None or not _valid_day(y, self.month, self.day):
                return None
            d = dt.date(y, self.month, self.day)
            return d, d
        if g == "month":
            return None if self.month is None else _month_part(y, self.month, self.mod)
        if g == "year" and self.year_end is not None:
            return dt.date(y, 1, 1), dt.date(min(self.year_end, dt.MAXYEAR), 12, 31)
        if g == "year":
            first, months = 1, 12
            # Thirds of a year: early = Jan-Apr, mid = May-Aug, late = Sep-Dec.
        elif g == "season":
            first, months = R.SEASON_MONTHS[self.season or "SU"], 3
        elif g == "quarter":
            first, months = 3 * ((self.quarter or 1) - 1) + 1, 3
        else:  # half
            first, months = 6 * ((self.half or 1) - 1) + 1, 6
        part = {"START": 0, "MID": 1, "END": 2}.get(self.mod)
        if part is not None:
            step = months // 3
            first, months = first + part * step, step
        return _month_span(y, first, months)


def _month_part(year: int, month: int, mod: str) -> Span:
    """A month, or its early (1-10) / mid (11-20) / late (21-end) part."""
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = {"START": (1, 10), "MID": (11, 20), "END": (21, last)}.get(mod, (1, last))
    return dt.date(year, month, first_day), dt.date(year, month, last_day)


def _month_span(year: int, first_month: int, months: int) -> Span:
    """``months`` months from ``first_month`` of ``year``; a span past 9999 (winter 9999) ends at date.max."""
    start = _add_months(dt.date(year, 1, 1), first_month - 1)
    after = (year * 12 + first_month - 1) + months  # the month after the span, counted from year 0
    if after // 12 > dt.MAXYEAR:
        return start, dt.date.max
    return start, dt.date(after // 12, after % 12 + 1, 1) - dt.timedelta(days=1)


def _add_months(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression: offsets into the text given to :func:`find_dates`."""

    start: int
    end: int
    text: str
    value: DateValue


def _mod(text: str | None) -> str:
    if not text:
        return ""
    t = text.lower()
    if "half" in t:
        return "START" if "first" in t else "END"
    for word, mod in R.MOD_WORDS.items():
        if word in t:
            return mod
    return ""


def _month(text: str) -> int:
    return R.MONTHS[text.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _valid_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year if year is not None else R.PLACEHOLDER_YEAR, month)[1]


def _words_before(text: str, pos: int, n: int = 2) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z'’]+|[^\sA-Za-z]", text[max(0, pos - 40) : pos])][-n:]


def _word_after(text: str, pos: int) -> str:
    m = re.match(r"\s*([A-Za-z%][A-Za-z-]*|%)", text[pos : pos + 30])
    return m.group(1) if m else ""


def is_year_context(text: str, start: int, end: int) -> bool:
    """Decide whether a bare four-digit number at ``text[start:end]`` is a year (not a count).

    "in 2024", "a 2025 CSIS report" -> year; "over 2000 soldiers", "2024 people", "£2024" -> number.
    """
    before = _words_before(text, start, 2)
    prev = before[-1] if before else ""
    if prev in {"$", "£", "€", "¥", "₽"} or text[max(0, start - 1) : start] in {"$", "£", "€"}:
        return False
    tail = text[max(0, start - 40) : start]
    if R.QUALIFIER_BEFORE.search(tail):
        return False
    nxt = _word_after(text, end)
    low = nxt.lower()
    if nxt == "%" or low in R.SCALE_WORDS or low in {"percent", "per"}:
        return False
    if low in R.MEASURE_NOUNS or low in R.CURRENCY_WORDS:
        return False
    plural_noun = bool(nxt) and nxt[0].islower() and low.endswith("s") and not low.endswith("ss")
    return not (plural_noun and prev not in R.YEAR_PREPOSITIONS)


def _resolve_month_year(month: int, published: dt.date) -> int:
    # News reports mostly refer to the current or a recent month: same year unless the month lies more
    # than six months after publication (then it is last year's).
    return published.year - 1 if month - published.month > 6 else published.year


def _week_start(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _relative_granularity(m: re.Match[str]) -> str:
    unit = (m.group("relunit") or m.group("elunit") or m.group("agou") or "").lower().rstrip("s")
    if m.group("deic") or m.group("wd") or unit == "day" or unit in R.WEEKDAYS:
        return "day"
    if unit in {"week", "weekend"}:
        return "week"
    if unit == "month" or unit in R.MONTHS:
        return "month"
    if unit in R.SEASONS:
        return "season"
    return "year"


def _on_day(d: dt.date) -> DateValue:
    return DateValue("day", year=d.year, month=d.month, day=d.day, inferred=True)


def _ago(m: re.Match[str], p: dt.date) -> DateValue:
    """ "three days ago", "a decade ago" counted back from publication."""
    n = R.AGO_NUMBERS.get(re.sub(r"\s+", " ", m.group("agon").lower()))
    if n is None:
        n = int(m.group("agon"))
    unit = m.group("agou").lower().rstrip("s")
    if unit == "day":
        return _on_day(p - dt.timedelta(days=n))
    if unit == "week":
        return DateValue("week", week_start=_week_start(p - dt.timedelta(weeks=n)), inferred=True)
    if unit == "month":
        d = _add_months(p.replace(day=1), -n)
        return DateValue("month", year=d.year, month=d.month, inferred=True)
    years = n * (10 if unit == "decade" else 1)
    return DateValue("year", year=p.year - years, inferred=True)


def _earlier_later(unit: str, p: dt.date) -> DateValue:
    """ "earlier this year" / "later this month": the current period."""
    if unit == "year":
        return DateValue("year", year=p.year, inferred=True)
    if unit == "month":
        return DateValue("month", year=p.year, month=p.month, inferred=True)
    return DateValue("week", week_start=_week_start(p), inferred=True)


def _weekday_near(wd: int, step: int, p: dt.date) -> dt.date:
    """The weekday ``wd`` of last week (-1), this week (0) or next week (+1) seen from ``p``."""
    if step < 0:
        return p - dt.timedelta(days=(p.weekday() - wd) % 7 or 7)
    if step > 0:
        return p + dt.timedelta(days=(wd - p.weekday()) % 7 or 7)
    return _week_start(p) + dt.timedelta(days=wd)


def _season_near(code: str, step: int, p: dt.date) -> DateValue:
    """Last (-1: the latest one ended before ``p``), this (0) or next (+1: not yet begun) season."""
    first = R.SEASON_MONTHS[code]
    year = p.year
    if step < 0:
        while _month_span(year, first, 3)[1] >= p:
            year -= 1
    elif step > 0:
        while _month_span(year, first, 3)[0] <= p:
            year += 1
    return DateValue("season", year=year, season=code, inferred=True)


def _last_this_next(direction: str, unit: str, p: dt.date) -> DateValue | None:
    """ "last year", "next month", "this week", "last Friday", "next spring", "last March"."""
    low = unit.lower()
    step = {"last": -1, "previous": -1, "this": 0, "next": 1}[direction]
    if low == "year":
        return DateValue("year", year=p.year + step, inferred=True)
    if low == "month":
        d = _add_months(p.replace(day=1), step)
        return DateValue("month", year=d.year, month=d.month, inferred=True)
    if low in {"week", "weekend"}:
        return DateValue("week", week_start=_week_start(p + dt.timedelta(weeks=step)), inferred=True)
    if low in R.WEEKDAYS:
        return _on_day(_weekday_near(R.WEEKDAYS[low], step, p))
    if low in R.SEASONS:
        return _season_near(R.SEASONS[low], step, p)
    if low in R.MONTHS:
        if unit[0].islower():
            return None  # "this may be" is not a month
        month = R.MONTHS[low]
        year = p.year
        if step < 0 and month >= p.month:
            year -= 1
        elif step > 0 and month <= p.month:
            year += 1
        return DateValue("month", year=year, month=month, inferred=True)
    return None


def _in_calendar(v: DateValue) -> bool:
    """Every year of the value lies in 1..9999 (``datetime.date``'s range)."""
    years = [y for y in (v.year, v.year_end) if y is not None]
    if v.week_start is not None:
        years.append(v.week_start.year)
    return all(dt.MINYEAR <= y <= dt.MAXYEAR for y in years)


def _relative(m: re.Match[str], published: dt.date | None) -> DateValue | None:
    """A date relative to publication; unresolved (``relative`` set) without a publication date, or
    when it falls outside the calendar ("next year" published in 9999, "last week" in year 1)."""
    unresolved = DateValue(
        granularity=_relative_granularity(m), relative=re.sub(r"\s+", " ", m.group(0).lower())
    )
    if published is None:
        return unresolved
    try:
        value = _resolve_relative(m, published)
    except (ValueError, OverflowError):  # date arithmetic past date.min / date.max
        return unresolved
    return value if value is None or _in_calendar(value) else unresolved


def _resolve_relative(m: re.Match[str], p: dt.date) -> DateValue | None:
    g = m.group
    if g("deic"):
        off = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[g("deic").lower()]
        return _on_day(p + dt.timedelta(days=off))
    if g("ago"):
        return _ago(m, p)
    if g("eltr"):
        return _earlier_later(g("elunit").lower(), p)
    if g("wd"):
        wd = R.WEEKDAYS[g("wd").lower()]
        return _on_day(p - dt.timedelta(days=(p.weekday() - wd) % 7))  # on or before publication
    return _last_this_next(g("reldir").lower(), g("relunit"), p)


def _no_year(value: DateValue, published: dt.date | None) -> DateValue:
    """Attach an inferred year to a month/day/season expression that states none."""
    if published is None:
        return value
    month = value.month or R.SEASON_MONTHS.get(value.season or "", 1)
    year = _resolve_month_year(month, published)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return value  # "December" published in January of year 1: no year before it
    if value.month is not None and value.day is not None and not _valid_day(year, value.month, value.day):
        return value  # "29 February" cannot lie in a year that is not a leap year: no year inferred
    return DateValue(
        value.granularity,
        value.mod,
        year,
        value.month,
        value.day,
        value.season,
        year_stated=False,
        inferred=True,
    )


# One reader per alternative of ``resources.DATE`` (the match's ``lastgroup``): (match, text, published)
# -> value, or None when the match is no date after all.
_Reader = Callable[[re.Match[str], str, dt.date | None], DateValue | None]


def _full_date(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    g = m.group
    y = int(g("y1") or g("y2") or g("y3"))
    mo = _month(g("m1") or g("m2")) if m.lastgroup != "iso" else int(g("m3"))
    d = _day(g("d1") or g("d2") or g("d3"))
    if not _valid_day(y, mo, d):
        return None
    return DateValue("day", year=y, month=mo, day=d)


def _year_range(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    y1, y2s = int(m.group("yr1")), m.group("yr2")
    y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
    if not y1 < y2 <= y1 + 10:
        return None
    return DateValue("year", year=y1, year_end=y2)


def _day_no_year(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    mo = _month(m.group("m5") or m.group("m6"))
    d = _day(m.group("d5") or m.group("d6"))
    if not _valid_day(None, mo, d):
        return None
    return _no_year(DateValue("day", month=mo, day=d, year_stated=False), published)


def _season_alone(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    """ "in summer", "late autumn": a season word needs a trigger ("the fall of the city" is none)."""
    season = m.group("s2").lower()
    mod = m.group("mod6")
    before = _words_before(text, m.start(), 1)
    after = _word_after(text, m.end()).lower()
    if not mod and (not before or before[-1] not in R.SEASON_TRIGGERS):
        return None
    if season == "fall" and (after == "of" or (not mod and before[-1] in {"the"})):
        return None
    if season == "spring" and after in {"up", "from"}:
        return None
    return _no_year(DateValue("season", _mod(mod), season=R.SEASONS[season], year_stated=False), published)


def _month_alone(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    word = m.group("mo")
    if not word[0].isupper():
        return None
    before = _words_before(text, m.start(), 1)
    if word.lower() in R.AMBIGUOUS_MONTHS and (not before or before[-1] not in R.MONTH_TRIGGERS):
        return None
    return _no_year(DateValue("month", month=_month(word), year_stated=False), published)


def _bare_year(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    if not is_year_context(text, m.start(), m.end()):
        return None
    return DateValue("year", year=int(m.group("y")))


def _relative_reader(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    if m.lastgroup == "wd" and not m.group("wd")[0].isupper():
        return None
    return _relative(m, published)


_READERS: dict[str, _Reader] = {
    "dmy": _full_date,
    "mdy": _full_date,
    "iso": _full_date,
    "my": lambda m, t, p: DateValue(
        "month", _mod(m.group("mod1")), int(m.group("y4")), _month(m.group("m4"))
    ),
    "sy": lambda m, t, p: DateValue(
        "season", _mod(m.group("mod2")), int(m.group("y5")), season=R.SEASONS[m.group("s1").lower()]
    ),
    "q": lambda m, t, p: DateValue(
        "quarter", year=int(m.group("y6")), quarter=R.QUARTER_WORDS[m.group("qn").lower()]
    ),
    "qq": lambda m, t, p: DateValue("quarter", year=int(m.group("y7")), quarter=int(m.group("qd"))),
    "half": lambda m, t, p: DateValue(
        "half", year=int(m.group("y8")), half=1 if m.group("hn").lower() == "first" else 2
    ),
    "dec": lambda m, t, p: DateValue("decade", _mod(m.group("mod4")), decade=int(m.group("decy"))),
    "mody": lambda m, t, p: DateValue("year", _mod(m.group("mod3")), int(m.group("y9"))),
    "yr": _year_range,
    "mdn": _day_no_year,
    "dmn": _day_no_year,
    "mm": lambda m, t, p: _no_year(
        DateValue("month", _mod(m.group("mod5")), month=_month(m.group("m7")), year_stated=False), p
    ),
    "sa": _season_alone,
    "mo": _month_alone,
    "y": _bare_year,
    "rel": _relative_reader,
    "eltr": _relative_reader,
    "deic": _relative_reader,
    "ago": _relative_reader,
    "wd": _relative_reader,
}


def _from_match(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    reader = _READERS.get(m.lastgroup or "")
    return reader(m, text, published) if reader is not None else None


_DATE_SHAPED = frozenset({"dmy", "mdy", "iso", "mdn", "dmn", "yr"})


def scan_dates(
    text: str, *, published: dt.date | None = None, limit: int = R.MAX_FACTS_PER_KIND
) -> tuple[list[DateMention], list[tuple[int, int]]]:
    """Find date expressions and the spans of date-shaped text that is no valid date.

    Args:
        text: Any text (a passage).
        published: Publication date used to resolve relative and year-less expressions.
        limit: Stop after this many dates.

    Returns:
        (date mentions in text order, spans of rejected date-shaped matches such as
        "31 February 2024" that number extraction must leave alone).
    """
    out: list[DateMention] = []
    rejected: list[tuple[int, int]] = []
    for m in R.DATE.finditer(text):
        try:
            value = _from_match(m, text, published)
        except (ValueError, KeyError, OverflowError):
            value = None
        if value is None:
            if m.lastgroup in _DATE_SHAPED:
                rejected.append((m.start(), m.end()))
            continue
        out.append(DateMention(m.start(), m.end(), m.group(0), value))
        if len(out) >= limit:
            break
    return out, rejected


def find_dates(
    text: str, *, published: dt.date | None = None, limit: int = R.MAX_FACTS_PER_KIND
) -> list[DateMention]:
    """Find and normalise date expressions.

    Args:
        text: Any text (a passage).
        published: Publication date used to resolve relative and year-less expressions.
        limit: Stop after this many dates.

    Returns:
        Date mentions in text order, offsets into ``text``.
    """
    return scan_dates(text, published=published, limit=limit)[0]
