"""Numbers with their qualifier (as an interval) and what they count.

A number is kept as a hard interval (what the words logically allow: "over 200,000" is
[200000, inf)) and a soft interval (how a news reader takes it: 200,000..300,000); relations are
decided on the soft one (see docs/facts.md). Years and dates are not numbers: date spans are masked first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.facts import resources as R
from core.facts.measures import convertible, magnitude_before, measure_after, singular

__all__ = [
    "NumberMention",
    "NumberValue",
    "find_numbers",
    "fmt_number",
    "fmt_plain",
    "measure_after",
    "measure_words",
    "parse_digits",
    "parse_spelled",
]

_INF = math.inf


@dataclass(frozen=True, slots=True)
class NumberValue:
    """A normalised number.

    Attributes:
        nominal: The stated figure (lower end of a range).
        nominal_high: Upper end of a stated range ("10-15"), else equal to ``nominal``.
        qualifier: Qualifier class (``resources.LOWER`` / UPPER / APPROX / NEARLY / EXACT).
        qualifier_text: The qualifier words as written ("more than"), or "".
        low, high: Hard interval the words allow.
        soft_low, soft_high: Interval under the usual journalistic reading.
        measure: Canonical thing counted ("deaths", "soldiers", "percent", "days", "money:GBP"), a raw
            noun ("clip") when not in the synonym table, or "" when unknown.
        noun: The counted word as written ("killed", "deaths"), or "".
        vague: A vague amount ("thousands").
        ordinal: An ordinal ("the third time").
        tally: A vote or score: ``nominal`` for, ``nominal_high`` against ("312-98").
        precision: Unit of the last stated digit (1 for "72", 0.1 for "18.5", 100,000 for "1.2 million"),
            in the figure's own unit: a figure converted to other units is compared within it.
        written: The figure as words when it is derived from them ("two-thirds", "one in five").
        parts: The counts a total adds up ("3 men", "2 women" for "three men and two women").
    """

    nominal: float
    nominal_high: float
    qualifier: str
    qualifier_text: str
    low: float
    high: float
    soft_low: float
    soft_high: float
    measure: str
    noun: str = ""
    vague: bool = False
    ordinal: bool = False
    tally: bool = False
    precision: float = 0.0
    written: str = ""
    parts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Short figure with qualifier: "300,000+", "~1.2 million", "10-15", "thousands"."""
        if self.vague:
            return self.qualifier_text or "vague"
        fig = fmt_number(self.nominal)
        if self.nominal_high != self.nominal:
            fig = f"{fig}-{fmt_number(self.nominal_high)}"
        if self.tally:
            return fig
        if self.written:
            fig = self.written
        elif self.measure == "percent":
            fig += "%"
        elif self.measure.startswith("money:"):
            fig = f"{self.measure[6:]} {fig}"
        q = self.qualifier
        if q == R.LOWER:
            return f"{fig}+"
        if q == R.UPPER:
            return f"<{fig}"
        if q == R.APPROX:
            return f"~{fig}"
        if q == R.NEARLY:
            return f"nearly {fig}"
        return fig

    @property
    def display(self) -> str:
        """Human-readable value: "> 300,000 soldiers"."""
        sym = R.QUALIFIER_SYMBOL.get(self.qualifier, "")
        if self.qualifier_text in R.INCLUSIVE_QUALIFIERS:
            sym = "≥" if self.qualifier == R.LOWER else "≤"
        fig = self.qualifier_text if self.vague else fmt_number(self.nominal)
        if not self.vague and self.nominal_high != self.nominal:
            fig = f"{fig}-{fmt_number(self.nominal_high)}"
        if self.measure == "percent":
            if self.written:
                return f"{sym} {self.written} ({fmt_number(round(self.nominal, 1))}%)".strip()
            return f"{sym} {fig}%".strip()
        if self.measure.startswith("money:"):
            return f"{sym} {self.measure[6:]} {fig}".strip()
        if self.measure == "magnitude":
            return f"{sym} magnitude {fig}".strip()
        if self.tally:
            return f"{'vote' if self.measure == 'votes' else self.measure} {fig}"
        unit = measure_words(self.measure, None if self.vague else self.nominal)
        shown = " ".join(x for x in (sym, fig, unit) if x)
        return f"{shown} ({' and '.join(self.parts)})" if self.parts else shown

    @property
    def interval(self) -> str:
        """Hard interval as text: "[300000,inf)"."""
        if self.tally:
            return f"{fmt_plain(self.nominal)}-{fmt_plain(self.nominal_high)}"
        hi = "inf)" if self.high == _INF else f"{fmt_plain(self.high)}]"
        return f"[{fmt_plain(self.low)},{hi}"


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One number: offsets into the text given to :func:`find_numbers` (qualifier included)."""

    start: int
    end: int
    text: str
    value: NumberValue


def fmt_plain(v: float) -> str:
    """Machine form of a number: integers without separators, else up to 6 significant digits."""
    if v == _INF:
        return "inf"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.6g}"


def fmt_number(v: float) -> str:
    """Reader form of a number: "300,000", "1.2 million", "2.5"."""
    if v == _INF:
        return "inf"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if v >= scale and round(v / scale, 3) == v / scale:
            return f"{v / scale:g} {word}"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.6g}"


# ------------------------------------------------------------------------------------------------
# Parsing helpers
# ------------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")


def parse_digits(s: str) -> tuple[float, int] | None:
    """Parse "300,000" / "1.2" / "16000"; None for malformed runs ("1,2,3", "1.2.3").

    Returns:
        (value, number of decimals) or None.
    """
    if _THOUSANDS.match(s) or _PLAIN.match(s):
        decimals = len(s.split(".", 1)[1]) if "." in s else 0
        try:
            return float(s.replace(",", "")), decimals
        except ValueError:  # pragma: no cover - guarded by the regexes
            return None
    return None


def parse_spelled(s: str) -> float | None:
    """Parse spelled-out numbers: "twenty-five", "eight thousand", "half a million"."""
    words = [w for w in re.split(r"[\s-]+", s.lower()) if w and w != "and"]
    factor = 1.0
    if words and words[0] == "half":
        factor, words = 0.5, words[1:]
    total, current = 0.0, 0.0
    last_small: int | None = None
    seen = False
    for i, w in enumerate(words):
        if w in {"a", "an"}:
            # "a hundred", "a dozen", "a million"; never "a two(-week)" (that is 2, not 1 + 2)
            if i != 0 or i + 1 >= len(words) or words[i + 1] not in {*R.SCALE_WORDS, "dozen"}:
                return None
            current, seen = 1.0, False
            continue
        if w in R.SMALL_NUMBERS:
            v = R.SMALL_NUMBERS[w]
            if last_small is not None and not (last_small >= 20 and last_small % 10 == 0 and v < 10):
                return None
            current += v
            last_small = v
        elif w == "hundred":
            current = max(current, 1.0) * 100
            last_small = None
        elif w == "dozen":
            current = max(current, 1.0) * 12
            last_small = None
        elif w in {"thousand", "million", "billion", "trillion"}:
            total += max(current, 1.0) * R.SCALE_WORDS[w]
            current = 0.0
            last_small = None
        else:
            return None
        seen = True
    if not seen:
        return None
    return (total + current) * factor


def measure_words(measure: str, count: float | None) -> str:
    """The thing counted, as a reader expects it after a figure. Other nouns are stored in the singular
    ("passenger") so that "passenger" and "passengers" match; after any count but one (or a vague one,
    ``None``: "thousands") they read in the plural ("nearly 900 passengers"). The canonical measures are
    plural already ("deaths"; "1 death")."""
    if not measure or measure == "percent" or measure.startswith("money:") or measure in R.UNCOUNTED_MEASURES:
        return measure
    if measure in R.MEASURE_NOUNS.values():
        if count != 1:
            return measure
        return R.SINGULAR_MEASURES.get(measure, measure[:-1] if measure.endswith("s") else measure)
    if count == 1:
        return measure
    if measure.endswith(("s", "x", "z", "ch", "sh")):
        return measure + "es"
    if len(measure) > 1 and measure.endswith("y") and measure[-2] not in "aeiou":
        return measure[:-1] + "ies"
    return measure + "s"


def _intervals(v: float, q: str, tolerance: float) -> tuple[float, float, float, float]:
    if q == R.LOWER:
        return v, _INF, v, v * R.SOFT_LOWER_FACTOR
    if q == R.UPPER:
        return 0.0, v, v / R.SOFT_UPPER_FACTOR, v
    if q == R.APPROX:
        lo, hi = v * (1 - R.SOFT_APPROX), v * (1 + R.SOFT_APPROX)
        return lo, hi, lo, hi
    if q == R.NEARLY:
        lo = v * (1 - R.SOFT_NEARLY)
        return lo, v, lo, v
    return v, v, v - tolerance, v + tolerance


def _qualifier(text: str, start: int, end: int) -> tuple[str, str, int, int]:
    """Qualifier class, its words and the widened span (qualifier before or after the number)."""
    m = R.QUALIFIER_BEFORE.search(text[max(0, start - 40) : start])
    if m:
        words = re.sub(r"\s+", " ", m.group("q").lower())
        return R.QUALIFIERS[words], words, start - (len(text[max(0, start - 40) : start]) - m.start()), end
    m = R.QUALIFIER_AFTER.match(text[end : end + 12])
    if m:
        words = re.sub(r"[\s-]+", " ", m.group(0).strip().lower()).strip()
        return R.QUALIFIER_AFTER_CLASS.get(words, R.LOWER), words, start, end + m.end()
    return R.EXACT, "", start, end


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    s, e = span
    return any(s < te and ts < e for ts, te in taken)


@dataclass(frozen=True, slots=True)
class _Digits:
    """One run of digits read as a figure (before its qualifier and counted noun are looked for).

    Attributes:
        start, end: Offsets of the figure (currency sign, suffix and a glued unit included).
        value, high: The figure (scaled: "3.5bn" -> 3.5e9) and the upper end of a range ("10-15").
        decimals: Decimals as written, for the rounding tolerance of "1.2 million".
        forced: Measure fixed by the figure itself ("percent", "money:GBP", "km", "ordinal:time").
        scale_word: The scale suffix as written ("million"), or "".
        ordinal: "3rd time": an ordinal, not a count.
        raw: The digits as written ("5.000").
    """

    start: int
    end: int
    value: float
    high: float
    decimals: int
    forced: str
    scale_word: str
    ordinal: bool = False
    raw: str = ""


def _not_a_figure(text: str, s: int, e: int) -> bool:
    """Digit runs that are part of something else: "COVID-19", "F-16", "12:30", a malformed run tail."""
    if s >= 2 and text[s - 1] == "-" and text[s - 2].isalpha():
        return not text[max(0, s - 10) : s - 1].lower().endswith("magnitude")  # "magnitude-7.1" is one
    nxt = text[e : e + 2]
    return (nxt[:1] == ":" and nxt[1:2].isdigit()) or (nxt[:1] in {".", ","} and nxt[1:2].isdigit())


def _glued_unit(text: str, e: int) -> tuple[str, int] | None:
    """A unit written onto the figure ("72km") -> (measure, new end); None for "4G", "3D", "19th-century";
    ("", e) when nothing is glued on."""
    if not (e < len(text) and (text[e].isalpha() or text[e] == "_")):
        return "", e
    unit = re.match(r"[A-Za-z]+", text[e:])
    word = unit.group(0).lower() if unit else ""
    if word not in R.MEASURE_NOUNS:
        return None
    return R.MEASURE_NOUNS[word], e + len(word)


def _ordinal_run(m: re.Match[str], text: str, value: float, suffix: str) -> _Digits | None:
    """ "3rd time": an ordinal counts only before ``ORDINAL_COUNTED`` words."""
    after = re.match(r"\s+(\w+)", text[m.end() : m.end() + 20])
    if not after or after.group(1).lower() not in R.ORDINAL_COUNTED or m.group("num2") or suffix:
        return None
    return _Digits(m.start(), m.end(), value, value, 0, f"ordinal:{after.group(1).lower()}", "", ordinal=True)


def _suffix_reading(text: str, e: int, suffix: str, cur: str, forced: str) -> tuple[float, str, str] | None:
    """(scale, measure, scale word) from the suffix after the digits ("%", "bn", "m"); None for a figure
    that cannot be read ("10m" followed by nothing that says million or metres)."""
    if suffix in {"%", "percent", "per cent"} or suffix.startswith("per"):
        return 1.0, "percent", ""
    if suffix == "m" and not cur:
        # "10m": million or metres? "10m people" is a million; "56m high" / "a 56 m tall" are metres.
        nxt_word = re.match(r"\s*([A-Za-z]+)", text[e : e + 20])
        nxt = nxt_word.group(1).lower() if nxt_word else ""
        if nxt in R.MEASURE_NOUNS:
            return float(R.SCALE_WORDS[suffix]), forced, suffix
        return (1.0, "metres", "") if nxt in R.LENGTH_ADJECTIVES else None
    if suffix:
        return float(R.SCALE_WORDS[suffix]), forced, suffix
    return 1.0, forced, ""


def _digit_run(m: re.Match[str], text: str) -> _Digits | None:
    """Read one ``DIGIT_NUMBER`` match; None when it is no figure."""
    s, e = m.start(), m.end()
    parsed = parse_digits(m.group("num"))
    if parsed is None or _not_a_figure(text, s, e):
        return None
    value, decimals = parsed
    high = value
    if m.group("num2"):
        p2 = parse_digits(m.group("num2"))
        if p2 is None or p2[0] <= value:
            return None
        high = p2[0]
    suffix = (m.group("suffix") or "").strip().lower().lstrip("-")
    if m.group("ord"):
        return _ordinal_run(m, text, value, suffix)
    cur = (m.group("cur") or "").strip().lower()
    if cur and not suffix and text[e : e + 2].lower() == "mm" and not text[e + 2 : e + 3].isalpha():
        suffix, e = "mm", e + 2  # "$21MM": a million in financial shorthand, not millimetres
    glued = _glued_unit(text, e)
    if glued is None:
        return None
    forced, e = glued
    if cur:
        forced = f"money:{R.CURRENCY_SYMBOLS.get(cur, cur.upper())}"
    reading = _suffix_reading(text, e, suffix, cur, forced)
    if reading is None:
        return None
    scale, forced, scale_word = reading
    if not forced and (magnitude_before(text, s) or R.MAGNITUDE_AFTER.match(text[e : e + 40])):
        forced = "magnitude"
    return _Digits(s, e, value * scale, high * scale, decimals, forced, scale_word, raw=m.group("num"))


class _Found:
    """Number mentions collected so far; a later reading never overlaps an earlier one."""

    def __init__(self, text: str, exclude: Iterable[tuple[int, int]], limit: int) -> None:
        self.text = text
        self.taken: list[tuple[int, int]] = list(exclude)
        self.found: list[NumberMention] = []
        self.limit = limit

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit

    def free(self, s: int, e: int) -> bool:
        return not _overlaps((s, e), self.taken)

    def add(self, s: int, e: int, value: NumberValue) -> None:
        if value.noun and self.text.startswith(" " + value.noun, e):
            e += 1 + len(value.noun)  # "325,000 deaths", "four days": the noun belongs to the figure
        if not self.full and self.free(s, e):
            self.taken.append((s, e))
            self.found.append(NumberMention(s, e, self.text[s:e], value))


def _is_count(measure: str) -> bool:
    """A measure counted in whole units: a figure of it cannot have three decimals ("5.000 injured")."""
    return bool(measure) and not (
        measure in R.UNITS
        or measure in {"percent", "magnitude"}
        or measure.startswith(("money:", "ordinal:"))
    )


def _digit_matches(text: str) -> Iterator[re.Match[str]]:
    """``DIGIT_NUMBER`` matches; "from 50 to 10" (a falling pair, no range) is read as two figures."""
    pos = 0
    while (m := R.DIGIT_NUMBER.search(text, pos)) is not None:
        pos = m.end()
        if m.group("num2"):
            first, second = parse_digits(m.group("num")), parse_digits(m.group("num2"))
            if first is not None and second is not None and second[0] <= first[0]:
                alone = R.DIGIT_NUMBER.match(text, m.start(), m.end("num"))
                if alone is not None:
                    yield alone
                pos = m.start("num2")
                continue
        yield m


def _add_digits(found: _Found) -> None:
    text = found.text
    for m in _digit_matches(text):
        if found.full:
            break
        d = _digit_run(m, text)
        if d is None or not found.free(d.start, d.end):
            continue
        v, hi, forced = d.value, d.high, d.forced
        if d.ordinal:
            found.add(d.start, d.end, NumberValue(v, v, R.EXACT, "", v, v, v, v, forced, ordinal=True))
            continue
        q, qtext, qs, qe = _qualifier(text, d.start, d.end)
        if forced:
            measure, noun = forced, ""
        else:
            measure, noun = measure_after(text, qe, qs)
        decimals = d.decimals
        if decimals == 3 and R.EURO_THOUSANDS.match(d.raw) and _is_count(measure) and hi == v:
            # "5.000 injured": a thousands separator (European style), not three decimals of a count.
            v = hi = float(d.raw.replace(".", ""))
            decimals = 0
        precision = 10.0 ** (-decimals) * R.SCALE_WORDS.get(d.scale_word, 1)
        if hi != v:
            found.add(qs, qe, NumberValue(v, hi, q, qtext, v, hi, v, hi, measure, noun, precision=precision))
            continue
        tol = 0.5 * precision if d.scale_word and decimals else 0.0
        lo, high, slo, shi = _intervals(v, q, tol)
        found.add(qs, qe, NumberValue(v, v, q, qtext, lo, high, slo, shi, measure, noun, precision=precision))


def _number_word(s: str) -> float | None:
    """ "15", "1,200", "fifteen", "a hundred" -> the figure."""
    parsed = parse_digits(s)
    return parsed[0] if parsed else parse_spelled(s)


def _add_between(found: _Found) -> None:
    """ "between 10 and 15 people": a range."""
    text = found.text
    for m in R.BETWEEN.finditer(text):
        if found.full:
            break
        a, b = _number_word(m.group("a")), _number_word(m.group("b"))
        if a is None or b is None or b <= a or not found.free(m.start(), m.end()):
            continue
        scale = R.SCALE_WORDS.get((m.group("scale") or "").strip().lower(), 1)
        a, b = a * scale, b * scale
        measure, noun = measure_after(text, m.end(), m.start())
        found.add(
            m.start(), m.end(), NumberValue(a, b, R.EXACT, "", a, b, a, b, measure, noun, precision=1.0)
        )


def _add_share(found: _Found, s: int, e: int, share: float, written: str) -> None:
    """A proportion ("one in five", "two-thirds of") as a percentage, with its qualifier."""
    if not found.free(s, e):
        return
    v = share * 100
    q, qtext, qs, qe = _qualifier(found.text, s, e)
    lo, high, slo, shi = _intervals(v, q, R.FRACTION_TOLERANCE)
    value = NumberValue(v, v, q, qtext, lo, high, slo, shi, "percent", written=written.lower())
    found.add(qs, qe, value)


def _add_rates(found: _Found) -> None:
    """ "one in five", "3 out of 4"."""
    for m in R.RATE.finditer(found.text):
        if found.full:
            break
        n, d = _number_word(m.group("n")), _number_word(m.group("d"))
        if n is None or not d or n > d:
            continue
        _add_share(found, m.start(), m.end(), n / d, re.sub(r"\s+", " ", m.group(0)))


def _add_fractions(found: _Found) -> None:
    """ "two-thirds of", "half the", "a quarter of"."""
    text = found.text
    for m in R.FRACTION.finditer(text):
        if found.full:
            break
        before = re.findall(r"[A-Za-z]+", text[max(0, m.start() - 20) : m.start()])[-1:]
        if not m.group("n") and before and before[0].lower() in R.NOT_A_FRACTION_BEFORE:
            continue
        num = (m.group("n") or "one").lower()
        n = 1 if num in {"a", "an", "one"} else R.SMALL_NUMBERS[num]
        d = R.FRACTION_DENOMINATORS[m.group("d").lower()]
        if n >= d:
            continue
        _add_share(found, m.start(), m.end(), n / d, re.sub(r"\s+", " ", m.group(0)))


def _add_tallies(found: _Found) -> None:
    """A vote or a score: "312-98", "312 to 98", "by 312 votes to 98"."""
    text = found.text
    for m in R.TALLY.finditer(text):
        if found.full:
            break
        a, b = parse_digits(m.group("a")), parse_digits(m.group("b"))
        if a is None or b is None or b[0] >= a[0] or not found.free(m.start(), m.end()):
            continue
        before = [w.lower() for w in re.findall(r"[A-Za-z]+", text[max(0, m.start() - 40) : m.start()])]
        after = re.findall(r"[A-Za-z]+", text[m.end() : m.end() + 20])[:1]
        voted = (
            bool(m.group("v")) or bool(R.VOTE_WORDS & set(before[-4:])) or after[:1] in (["votes"], ["vote"])
        )
        if before[-1:] in (["from"], ["between"], ["aged"]) or ("to" in m.group("sep") and not voted):
            continue
        x, y = a[0], b[0]
        measure = "votes" if voted else "score"
        found.add(m.start(), m.end(), NumberValue(x, y, R.EXACT, "", x, x, x, x, measure, tally=True))


def _add_vague(found: _Found) -> None:
    text = found.text
    for m in R.VAGUE_NUMBER.finditer(text):
        if found.full:
            break
        words = re.sub(r"\s+", " ", m.group(0).lower())
        lo, hi = R.VAGUE_AMOUNTS[words]
        measure, noun = measure_after(text, m.end(), m.start())
        value = NumberValue(lo, lo, R.APPROX, words, lo, hi, lo, hi, measure, noun, vague=True)
        found.add(m.start(), m.end(), value)


def _add_spelled(found: _Found) -> None:
    text = found.text
    for m in R.SPELLED_NUMBER.finditer(text):
        if found.full:
            break
        s, e = m.start(), m.end()
        if not found.free(s, e):
            continue
        v = parse_spelled(m.group(0))
        if v is None:
            continue
        before = re.findall(r"[A-Za-z]+", text[max(0, s - 12) : s])[-1:]
        if v == 1 and before and before[0].lower() in R.PRONOUN_ONE_AFTER:
            continue  # "when one is killed": the pronoun
        q, qtext, qs, qe = _qualifier(text, s, e)
        measure, noun = measure_after(text, qe, qs)
        if not measure:
            continue  # "One was forced ..." counts nothing
        if v == 1 and (
            measure not in R.MEASURE_NOUNS.values() or measure in {"days", "weeks", "months", "years"}
        ):
            continue  # "one viral video", "one day, ..." are not figures
        lo, high, slo, shi = _intervals(v, q, 0.0)
        found.add(qs, qe, NumberValue(v, v, q, qtext, lo, high, slo, shi, measure, noun, precision=1.0))


def _add_a_unit(found: _Found) -> None:
    """ "within a week", "for a year": one unit after a preposition."""
    text = found.text
    for m in R.A_UNIT.finditer(text):
        if found.full:
            break
        prev = re.findall(r"[A-Za-z]+", text[max(0, m.start() - 20) : m.start()])[-1:]
        if not prev or prev[0].lower() not in R.A_UNIT_PREPOSITIONS:
            continue
        unit = R.MEASURE_NOUNS.get(m.group("u").lower(), m.group("u").lower() + "s")
        q, qtext, qs, qe = _qualifier(text, m.start(), m.end())
        lo, high, slo, shi = _intervals(1.0, q, 0.0)
        found.add(qs, qe, NumberValue(1.0, 1.0, q, qtext, lo, high, slo, shi, unit, m.group("u")))


def _add_ordinal_words(found: _Found) -> None:
    """ "the third time", "the second day"."""
    for m in R.ORDINAL_WORD.finditer(found.text):
        if found.full:
            break
        v = float(R.ORDINAL_WORDS[m.group("w").lower()])
        measure = f"ordinal:{m.group('n').lower()}"
        found.add(
            m.start(),
            m.start() + len(m.group("w")),
            NumberValue(v, v, R.EXACT, "", v, v, v, v, measure, ordinal=True),
        )


def _person_noun(v: NumberValue) -> bool:
    low = v.noun.lower()
    return R.MEASURE_NOUNS.get(low) in R.GENERIC_PERSONS or singular(low) in R.PERSON_NOUNS


def _plain_count(v: NumberValue) -> bool:
    return v.qualifier == R.EXACT and not (v.vague or v.ordinal or v.tally or v.written or v.parts)


def _sum_conjunctions(text: str, found: list[NumberMention]) -> list[NumberMention]:
    """ "three men and two women" is one count of five people (the parts kept for the display)."""
    out: list[NumberMention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and R.CONJUNCTION_GAP.match(text[prev.end : m.start])
            and _plain_count(m.value)
            and _person_noun(m.value)
            and (_person_noun(prev.value) or prev.value.parts)
            and (prev.value.qualifier == R.EXACT and not (prev.value.vague or prev.value.tally))
        ):
            p, v = prev.value, m.value
            parts = p.parts or (f"{fmt_number(p.nominal)} {p.noun.lower()}",)
            parts += (f"{fmt_number(v.nominal)} {v.noun.lower()}",)
            total = p.nominal + v.nominal
            # What happened to them is said once, after the last part ("... were killed").
            measure = v.measure if v.measure not in R.GENERIC_PERSONS and not measure_is_noun(v) else "people"
            value = NumberValue(
                total, total, R.EXACT, "", total, total, total, total, measure, precision=1.0, parts=parts
            )
            out[-1] = NumberMention(prev.start, m.end, text[prev.start : m.end], value)
            continue
        out.append(m)
    return out


def measure_is_noun(v: NumberValue) -> bool:
    """The measure is the counted noun itself ("worker"), not an event ("deaths")."""
    return v.measure == singular(v.noun.lower())


def _drop_restatements(text: str, found: list[NumberMention]) -> list[NumberMention]:
    """ "72 kilometres (45 miles)": the bracketed figure restates the first in other units; one fact."""
    out: list[NumberMention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and convertible(prev.value.measure, m.value.measure)
            and R.RESTATED_OPEN.match(text[prev.end : m.start])
            and R.RESTATED_CLOSE.match(text[m.end : m.end + 20])
        ):
            continue
        out.append(m)
    return out


def find_numbers(
    text: str, *, exclude: Iterable[tuple[int, int]] = (), limit: int = R.MAX_FACTS_PER_KIND
) -> list[NumberMention]:
    """Find numbers, their qualifier and what they count.

    Args:
        text: Any text (a passage).
        exclude: Spans to leave alone (dates found before).
        limit: Stop after this many numbers.

    Returns:
        Number mentions in text order; offsets into ``text``; spans include the qualifier. A total
        of counts ("three men and two women") is one mention; a figure restated in other units in
        brackets ("72 km (45 miles)") is left out.
    """
    found = _Found(text, exclude, limit)
    # Readings in order of precedence: a span read once is not read again by a later reader, so the
    # shapes made of several figures ("between 10 and 15", "one in five", "312-98") come first.
    readers = (_add_between, _add_rates, _add_fractions, _add_tallies, _add_digits, _add_vague, _add_spelled,
               _add_a_unit, _add_ordinal_words)  # fmt: skip
    for reader in readers:
        reader(found)
    found.found.sort(key=lambda n: n.start)
    return _drop_restatements(text, _sum_conjunctions(text, found.found))
