"""One passage in, its mentions (dates, numbers, names, quotes) out; mentions turned into ``Fact`` rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from core.facts.dates import DateMention, DateValue, scan_dates
from core.facts.names import NameMention, canonical, find_abbreviations, find_names
from core.facts.numbers import NumberMention, NumberValue, find_numbers, fmt_number
from core.facts.quotes import QuoteMention, find_quotes
from core.model import Fact, FactKind, Passage


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything extracted from one passage (offsets into ``passage.text``)."""

    passage: Passage
    dates: tuple[DateMention, ...]
    numbers: tuple[NumberMention, ...]
    names: tuple[NameMention, ...]
    quotes: tuple[QuoteMention, ...]
    aliases: tuple[tuple[str, str], ...]


@lru_cache(maxsize=2048)
def analyse(passage: Passage, published: dt.date | None = None, with_names: bool = True) -> Analysis:
    """Extract dates, numbers, names and quotes of one passage (cached per passage).

    Args:
        passage: The passage.
        published: Publication date of its article, for relative dates.
        with_names: Run spaCy NER (the only slow part).

    Returns:
        The passage's :class:`Analysis`.
    """
    text = passage.text
    dates, rejected = scan_dates(text, published=published)
    quotes = find_quotes(text)
    exclude = [(d.start, d.end) for d in dates] + rejected
    numbers = find_numbers(text, exclude=exclude)
    names = find_names(text) if with_names else []
    aliases = tuple(sorted(find_abbreviations(text).items()))
    return Analysis(passage, tuple(dates), tuple(numbers), tuple(names), tuple(quotes), aliases)


def _fact(kind: FactKind, p: Passage, span: tuple[int, int], fields: tuple[str, str, str]) -> Fact:
    """Build a Fact from passage-relative ``span`` and (value, norm, detail)."""
    start, end = span
    return Fact(kind, p.source_id, p.start + start, p.start + end, p.text[start:end], *fields)


def date_detail(v: DateValue) -> str:
    """Detail string of a date fact: granularity, mod, whether the year is stated."""
    if v.relative:
        year = "unresolved (no publication date)"
    elif not v.year_stated:
        year = "not stated" + (" (inferred from publication date)" if v.inferred else "")
    else:
        year = "stated" + (" (relative to publication date)" if v.inferred else "")
    return f"{v.granularity}; mod={v.mod or '-'}; year {year}"


def date_fact(m: DateMention, p: Passage) -> Fact:
    """Turn a date mention into a :class:`Fact` with article offsets."""
    span = m.value.span()
    norm = f"{span[0].isoformat()}/{span[1].isoformat()}" if span else m.value.timex
    return _fact(FactKind.DATE, p, (m.start, m.end), (m.value.label, norm, date_detail(m.value)))


def number_detail(v: NumberValue) -> str:
    """Detail string of a number fact: what it counts, qualifier and soft reading."""
    soft = f"[{fmt_number(v.soft_low)},{fmt_number(v.soft_high)}]"
    return f"{v.measure or '?'}; qualifier={v.qualifier_text or 'none'}; reading={soft}"


def number_fact(m: NumberMention, p: Passage) -> Fact:
    """Turn a number mention into a :class:`Fact` with article offsets."""
    v = m.value
    return _fact(FactKind.NUMBER, p, (m.start, m.end), (v.display, v.interval, number_detail(v)))


def name_fact(m: NameMention, p: Passage, aliases: dict[str, str], key: str | None = None) -> Fact:
    """Turn a name mention into a :class:`Fact`; norm is the canonical name (abbreviation if known)."""
    key = key or canonical(m.name, m.label, aliases)
    abbr = next((a for a in aliases if a.casefold() == key), None)
    if abbr:
        value, norm = f"{aliases[abbr]} ({abbr})", abbr
    else:
        value, norm = m.name, m.name
    return _fact(FactKind.NAME, p, (m.start, m.end), (value, norm, m.label))


def quote_fact(m: QuoteMention, p: Passage) -> Fact:
    """Turn a quote mention into a :class:`Fact`."""
    return _fact(FactKind.QUOTE, p, (m.start, m.end), (m.inner, m.wording, "speech" if m.speech else "term"))


def facts_of(an: Analysis) -> tuple[Fact, ...]:
    """All facts of an analysis, in text order."""
    p = an.passage
    aliases = dict(an.aliases)
    facts = [number_fact(m, p) for m in an.numbers]
    facts += [date_fact(m, p) for m in an.dates]
    facts += [name_fact(m, p, aliases) for m in an.names]
    facts += [quote_fact(m, p) for m in an.quotes]
    facts.sort(key=lambda f: (f.start, f.end))
    return tuple(facts)
