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
from dataclasses import dataclass, replace

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
        weekday: Day of the week (Monday = 0) when the text names it ("Tuesday, March 26", an unresolved
            "on Tuesday"), else None.
        hour, minute, zone: A time of day (granularity "time"), 24-hour clock; zone as written ("GMT").
        qualifier: Words that make a time approximate or a bound ("just before", "around").
        first, last: An explicit range of days (granularity "range": "the past two weeks").
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
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    zone: str = ""
    qualifier: str = ""
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def minutes(self) -> tuple[int, int] | None:
        """A time of day as (earliest, latest) minute after midnight that its words allow."""
        if self.hour is None:
            return None
        t = self.hour * 60 + (self.minute or 0)
        lo, hi = R.TIME_QUALIFIERS.get(self.qualifier, (0, 0))
        return t + lo, t + hi

    @property
    def timex(self) -> str:
        """TIMEX3 ``value`` ("2024-08", "XXXX-01", "2022-SU", "2024-Q1", "199X", "T13:30")."""
        if self.relative:
            return "XXXX"
        y = f"{self.year:04d}" if self.year is not None else "XXXX"
        g = self.granularity
        if g == "time":
            return f"T{self.hour or 0:02d}:{self.minute or 0:02d}"
        if g == "range" and self.first is not None and self.last is not None:
            return f"{self.first.isoformat()}/{self.last.isoformat()}"
        if g == "weekend" and self.week_start is not None:
            iso = self.week_start.isocalendar()
            return f"{iso[0]:04d}-W{iso[1]:02d}-WE"
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
        g = self.granularity
        whole = _whole_label(self)
        if whole is not None:
            return whole
        core = _core_label(self).strip()
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
        if self.relative or g == "time":
            return None
        if g in {"range", "weekend", "week", "decade"}:
            return _fixed_span(self)
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
        return _part_of_year(self, y)


def _whole_label(v: DateValue) -> str | None:
    """Labels that take no year note and no modifier: a time of day, a range of days, a weekend."""
    if v.granularity == "time":
        return _time_label(v)
    if v.granularity == "range" and v.first is not None and v.last is not None:
        return f"{v.first.isoformat()} to {v.last.isoformat()}"
    if v.granularity == "weekend" and v.week_start is not None:
        return f"weekend of {(v.week_start + dt.timedelta(days=5)).isoformat()}"
    return None


def _core_label(v: DateValue) -> str:
    months = R.MONTH_WORDS
    y = str(v.year) if v.year is not None else ""
    labels = {
        "day": lambda: f"{v.day} {months[(v.month or 1) - 1]} {y}",
        "month": lambda: f"{months[(v.month or 1) - 1]} {y}",
        "season": lambda: f"{R.SEASON_WORDS.get(v.season or '', v.season)} {y}",
        "quarter": lambda: f"Q{v.quarter} {y}",
        "half": lambda: f"{'first' if v.half == 1 else 'second'} half of {y}",
        "decade": lambda: f"{v.decade}s",
    }
    if v.granularity in labels:
        return labels[v.granularity]()
    if v.granularity == "week" and v.week_start is not None:
        return f"week of {v.week_start.isoformat()}"
    return f"{y}-{v.year_end}" if v.year_end is not None else y


def _fixed_span(v: DateValue) -> Span | None:
    """Spans that need no year: a range of days, a weekend, an ISO week, a decade. Spans ending past
    date.max (the calendar's last week) are clamped there."""
    g = v.granularity
    if g == "range":
        return None if v.first is None or v.last is None else (v.first, v.last)
    if v.week_start is not None and g in {"week", "weekend"}:
        room = (dt.date.max - v.week_start).days
        if g == "weekend":
            return (
                None
                if room < 6
                else (v.week_start + dt.timedelta(days=5), v.week_start + dt.timedelta(days=6))
            )
        return v.week_start, v.week_start + dt.timedelta(days=min(6, room))
    if g == "decade":
        d0 = v.decade or 0
        lo, hi = {"START": (0, 3), "MID": (4, 6), "END": (7, 9)}.get(v.mod, (0, 9))
        return dt.date(d0 + lo, 1, 1), dt.date(d0 + hi, 12, 31)
    return None


def _part_of_year(v: DateValue, y: int) -> Span:
    """A year, season, quarter or half of year ``y``; early / mid / late take its first, middle or last
    third (a year's thirds: January-April, May-August, September-December)."""
    g = v.granularity
    if g == "season":
        first, months = R.SEASON_MONTHS[v.season or "SU"], 3
    elif g == "quarter":
        first, months = 3 * ((v.quarter or 1) - 1) + 1, 3
    elif g == "half":
        first, months = 6 * ((v.half or 1) - 1) + 1, 6
    else:  # year
        first, months = 1, 12
    part = {"START": 0, "MID": 1, "END": 2}.get(v.mod)
    if part is not None:
        step = months // 3
        first, months = first + part * step, step
    return _month_span(y, first, months)


def _time_label(v: DateValue) -> str:
    """ "1:30 am", "around 1 am", "22:11 GMT"."""
    h, m = v.hour or 0, v.minute or 0
    if v.zone:
        clock = f"{h:02d}:{m:02d} {v.zone}"
    else:
        h12 = h % 12 or 12
        clock = f"{h12}:{m:02d} {'am' if h < 12 else 'pm'}" if m else f"{h12} {'am' if h < 12 else 'pm'}"
    return f"{v.qualifier} {clock}" if v.qualifier else clock


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
    if m.group("past"):
        return "range"
    if m.group("thewe"):
        return "weekend"
    if m.group("mly"):
        return "month"
    unit = (m.group("relunit") or m.group("elunit") or m.group("agou") or "").lower().rstrip("s")
    if m.group("deic") or m.group("wd") or unit == "day" or unit in R.WEEKDAYS:
        return "day"
    if unit == "weekend":
        return "weekend"
    if unit == "week":
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
        return DateValue(low, week_start=_week_start(p + dt.timedelta(weeks=step)), inferred=True)
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


def _named_weekday(m: re.Match[str]) -> int | None:
    """The day of the week a relative expression names ("on Tuesday", "last Friday"), else None."""
    word = (m.group("wd") or m.group("relunit") or "").lower()
    return R.WEEKDAYS.get(word)


def _relative(m: re.Match[str], published: dt.date | None) -> DateValue | None:
    """A date relative to publication; unresolved (``relative`` set) without a publication date, or
    when it falls outside the calendar ("next year" published in 9999, "last week" in year 1)."""
    mod = _mod(m.group("mod8"))
    unresolved = DateValue(
        granularity=_relative_granularity(m),
        mod=mod,
        relative=re.sub(r"\s+", " ", m.group(0).lower()),
        weekday=_named_weekday(m),
    )
    if published is None:
        return unresolved
    try:
        value = _resolve_relative(m, published)
        if value is not None and mod and value.granularity in {"year", "month", "season"}:
            value = replace(value, mod=mod)  # "late last year" keeps its "late"
            value.span()  # the modified span must exist too
    except (ValueError, OverflowError):  # date arithmetic past date.min / date.max
        return unresolved
    return value if value is None or _in_calendar(value) else unresolved


_PAST_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365, "decade": 3652}


def _past(m: re.Match[str], p: dt.date) -> DateValue:
    """ "the past two weeks": the days up to publication."""
    words = re.sub(r"\s+", " ", (m.group("pastn") or "one").lower())
    n = R.AGO_NUMBERS.get(words)
    if n is None:
        n = int(words)
    unit = m.group("pastu").lower().rstrip("s")
    return DateValue("range", first=p - dt.timedelta(days=n * _PAST_DAYS[unit] - 1), last=p, inferred=True)


def _the_weekend(p: dt.date) -> DateValue:
    """ "the weekend": the one just past when published Monday to Thursday, else this week's."""
    start = _week_start(p) - dt.timedelta(weeks=1 if p.weekday() <= 3 else 0)
    return DateValue("weekend", week_start=start, inferred=True)


def _month_of_year(m: re.Match[str], p: dt.date) -> DateValue:
    """ "April last year", "June of next year"."""
    step = {"last": -1, "this": 0, "next": 1}[m.group("mlyd").lower()]
    return DateValue("month", year=p.year + step, month=_month(m.group("m8")), inferred=True)


def _resolve_relative(m: re.Match[str], p: dt.date) -> DateValue | None:
    g = m.group
    if g("past"):
        return _past(m, p)
    if g("thewe"):
        return _the_weekend(p)
    if g("mly"):
        return _month_of_year(m, p)
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
    return replace(value, year=year, year_stated=False, inferred=True)


# One reader per alternative of ``resources.DATE`` (the match's ``lastgroup``): (match, text, published)
# -> value, or None when the match is no date after all.
_Reader = Callable[[re.Match[str], str, dt.date | None], DateValue | None]


def _stated_weekday(m: re.Match[str], *groups: str) -> int | None:
    word = next((m.group(k) for k in groups if m.group(k)), None)
    return R.WEEKDAYS[word.lower()] if word else None


def _full_date(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    g = m.group
    y = int(g("y1") or g("y2") or g("y3"))
    mo = _month(g("m1") or g("m2")) if m.lastgroup != "iso" else int(g("m3"))
    d = _day(g("d1") or g("d2") or g("d3"))
    if not _valid_day(y, mo, d):
        return None
    return DateValue("day", year=y, month=mo, day=d, weekday=_stated_weekday(m, "wd1", "wd2"))


def _dotted(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    """ "26.03.2024": day, month, year."""
    y, mo, d = int(m.group("y10")), int(m.group("m9")), int(m.group("d7"))
    return DateValue("day", year=y, month=mo, day=d) if _valid_day(y, mo, d) else None


def _slashed(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    """ "26/03/2024" or "03/26/2024": read only when one field cannot be a month (else ambiguous)."""
    a, b, y = int(m.group("sl1")), int(m.group("sl2")), int(m.group("y11"))
    if a > 12 >= b:
        d, mo = a, b
    elif b > 12 >= a:
        mo, d = a, b
    else:
        return None
    return DateValue("day", year=y, month=mo, day=d) if mo >= 1 and _valid_day(y, mo, d) else None


def _time_qualifier(text: str, start: int) -> str:
    q = R.TIME_QUALIFIER.search(text[max(0, start - 30) : start])
    return re.sub(r"\s+", " ", q.group("q").lower()) if q else ""


def _time_of_day(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    """ "1:30 am", "6am", "11.11 p.m."."""
    h = int(m.group("th")) % 12 + (12 if m.group("ap").lower() == "p" else 0)
    minute = int(m.group("tm") or 0)
    return DateValue("time", hour=h, minute=minute, qualifier=_time_qualifier(text, m.start()))


def _time_24(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    """ "14:30", "2211 GMT", "22:11 hrs"."""
    h, minute = int(m.group("h24") or m.group("hz")), int(m.group("m24") or m.group("mz"))
    zone = re.sub(r"\s+", " ", m.group("z1") or m.group("z2") or "")
    zone = "" if zone.lower() in {"hrs", "local time"} else zone.upper()
    return DateValue("time", hour=h, minute=minute, zone=zone, qualifier=_time_qualifier(text, m.start()))


def _noon(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    before = _words_before(text, m.start(), 1)
    if not before or before[-1] not in R.NOON_TRIGGERS:
        return None
    h = 12 if m.group("noon").lower() == "noon" else 0
    return DateValue("time", hour=h, minute=0, qualifier=_time_qualifier(text, m.start()))


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
    weekday = _stated_weekday(m, "wd3", "wd4")
    return _no_year(DateValue("day", month=mo, day=d, year_stated=False, weekday=weekday), published)


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
    "dotted": _dotted,
    "slash": _slashed,
    "tod": _time_of_day,
    "tod24": _time_24,
    "todz": _time_24,
    "noon": _noon,
    "mly": _relative_reader,
    "past": _relative_reader,
    "thewe": _relative_reader,
    "rel": _relative_reader,
    "eltr": _relative_reader,
    "deic": _relative_reader,
    "ago": _relative_reader,
    "wd": _relative_reader,
}


def _from_match(m: re.Match[str], text: str, published: dt.date | None) -> DateValue | None:
    reader = _READERS.get(m.lastgroup or "")
    return reader(m, text, published) if reader is not None else None


_DATE_SHAPED = frozenset({"dmy", "mdy", "iso", "mdn", "dmn", "yr", "dotted", "slash", "tod", "tod24", "todz"})


def _restated_time(text: str, found: list[DateMention], m: re.Match[str], value: DateValue) -> bool:
    """ "11:11 pm (2211 GMT)": the bracketed time restates the one before it in another zone."""
    prev = found[-1] if found else None
    return (
        prev is not None
        and value.granularity == prev.value.granularity == "time"
        and bool(R.TIME_RESTATED.match(text[prev.end : m.start()]))
        and text[m.end() : m.end() + 3].lstrip().startswith(")")
    )


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
        if value is None or _restated_time(text, out, m, value):
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
