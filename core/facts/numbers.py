"""Numbers with their qualifier (as an interval) and what they count.

A number is kept as a hard interval (what the words logically allow: "over 200,000" is
[200000, inf)) and a soft interval (how a news reader takes it: 200,000..300,000); relations are
decided on the soft one (see README). Years and dates are not numbers: date spans are masked first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.facts import resources as R

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

    @property
    def label(self) -> str:
        """Short figure with qualifier: "300,000+", "~1.2 million", "10-15", "thousands"."""
        if self.vague:
            return self.qualifier_text or "vague"
        fig = fmt_number(self.nominal)
        if self.nominal_high != self.nominal:
            fig = f"{fig}-{fmt_number(self.nominal_high)}"
        if self.measure == "percent":
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
            return f"{sym} {fig}%".strip()
        if self.measure.startswith("money:"):
            return f"{sym} {self.measure[6:]} {fig}".strip()
        unit = measure_words(self.measure, None if self.vague else self.nominal)
        return " ".join(x for x in (sym, fig, unit) if x)

    @property
    def interval(self) -> str:
        """Hard interval as text: "[300000,inf)"."""
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
            if i != 0:
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
    if not measure or measure == "percent" or measure.startswith("money:"):
        return measure
    if measure in R.MEASURE_NOUNS.values():
        return measure[:-1] if count == 1 and measure.endswith("s") and measure != "km" else measure
    if count == 1:
        return measure
    if measure.endswith(("s", "x", "z", "ch", "sh")):
        return measure + "es"
    if len(measure) > 1 and measure.endswith("y") and measure[-2] not in "aeiou":
        return measure[:-1] + "ies"
    return measure + "s"


def _singular(word: str) -> str:
    w = word.lower()
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def measure_after(text: str, end: int, start: int) -> tuple[str, str]:
    """Find what a number counts from the words after it (and an event verb before it).

    Args:
        text: The whole text.
        end: Offset right after the number.
        start: Offset of the number (qualifier included), to look back for "lost 600,000".

    Returns:
        (measure, noun as written); ("", "") when nothing is counted.
    """
    tokens = R.WORD.findall(text[end : end + 90])
    i, skipped = 0, 0
    while i < len(tokens) and skipped < 3:
        t = tokens[i]
        low = t.lower()
        if low in R.MEASURE_SKIP or (
            t[:1].isupper() and low not in R.MEASURE_NOUNS and low not in R.MEASURE_STOP
        ):
            i += 1
            skipped += 1
            continue
        break
    measure, noun = "", ""
    if i < len(tokens):
        t = tokens[i]
        low = t.lower()
        if low in R.MEASURE_NOUNS:
            measure, noun = R.MEASURE_NOUNS[low], t
            i += 1
        elif low in R.CURRENCY_WORDS:
            return f"money:{R.CURRENCY_WORDS[low]}", t
        elif t[:1].isalpha() and low not in R.MEASURE_STOP and t[:1].islower() and low not in R.EVENT_VERBS:
            measure, noun = _singular(low), t
            i += 1
    if measure in {"", "soldiers", "people"}:
        for t in tokens[i : i + 6]:
            low = t.lower()
            if not t[:1].isalpha():
                break
            if low in R.EVENT_VERBS:
                return R.EVENT_VERBS[low], noun or t
        if not measure:
            before = re.findall(r"[A-Za-z]+", text[max(0, start - 30) : start])[-2:]
            for w in reversed(before):
                if w.lower() in R.EVENT_VERBS:
                    return R.EVENT_VERBS[w.lower()], w
    return measure, noun


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
    """

    start: int
    end: int
    value: float
    high: float
    decimals: int
    forced: str
    scale_word: str
    ordinal: bool = False


def _not_a_figure(text: str, s: int, e: int) -> bool:
    """Digit runs that are part of something else: "COVID-19", "F-16", "12:30", a malformed run tail."""
    if s >= 2 and text[s - 1] == "-" and text[s - 2].isalpha():
        return True
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
        after = re.match(r"\s+(\w+)", text[e : e + 20])
        if not after or after.group(1).lower() not in R.ORDINAL_COUNTED or m.group("num2") or suffix:
            return None
        return _Digits(s, e, value, high, 0, f"ordinal:{after.group(1).lower()}", "", ordinal=True)
    glued = _glued_unit(text, e)
    if glued is None:
        return None
    forced, e = glued
    cur = (m.group("cur") or "").strip().lower()
    if cur:
        forced = f"money:{R.CURRENCY_SYMBOLS.get(cur, cur.upper())}"
    scale = 1.0
    if suffix in {"%", "percent", "per cent"} or suffix.startswith("per"):
        forced = "percent"
    elif suffix:
        if suffix == "m" and not cur:
            nxt_word = re.match(r"\s*([A-Za-z]+)", text[e : e + 20])
            if not nxt_word or nxt_word.group(1).lower() not in R.MEASURE_NOUNS:
                return None  # 10m: metres or million? leave it
        scale = float(R.SCALE_WORDS[suffix])
    return _Digits(s, e, value * scale, high * scale, decimals, forced, suffix if scale != 1 else "")


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


def _add_digits(found: _Found) -> None:
    text = found.text
    for m in R.DIGIT_NUMBER.finditer(text):
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
        if hi != v:
            found.add(qs, qe, NumberValue(v, hi, q, qtext, v, hi, v, hi, measure, noun))
            continue
        tol = 0.0
        if d.scale_word and d.decimals:
            tol = 0.5 * 10 ** (-d.decimals) * R.SCALE_WORDS.get(d.scale_word, 1)
        lo, high, slo, shi = _intervals(v, q, tol)
        found.add(qs, qe, NumberValue(v, v, q, qtext, lo, high, slo, shi, measure, noun))


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
        q, qtext, qs, qe = _qualifier(text, s, e)
        measure, noun = measure_after(text, qe, qs)
        if not measure:
            continue  # "One was forced ..." counts nothing
        if v == 1 and (
            measure not in R.MEASURE_NOUNS.values() or measure in {"days", "weeks", "months", "years"}
        ):
            continue  # "one viral video", "one day, ..." are not figures
        lo, high, slo, shi = _intervals(v, q, 0.0)
        found.add(qs, qe, NumberValue(v, v, q, qtext, lo, high, slo, shi, measure, noun))


def _add_a_unit(found: _Found) -> None:
    """ "within a week", "for a year": one unit after a preposition."""
    text = found.text
    for m in R.A_UNIT.finditer(text):
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
        v = float(R.ORDINAL_WORDS[m.group("w").lower()])
        measure = f"ordinal:{m.group('n').lower()}"
        found.add(
            m.start(),
            m.start() + len(m.group("w")),
            NumberValue(v, v, R.EXACT, "", v, v, v, v, measure, ordinal=True),
        )


def find_numbers(
    text: str, *, exclude: Iterable[tuple[int, int]] = (), limit: int = R.MAX_FACTS_PER_KIND
) -> list[NumberMention]:
    """Find numbers, their qualifier and what they count.

    Args:
        text: Any text (a passage).
        exclude: Spans to leave alone (dates found before).
        limit: Stop after this many numbers.

    Returns:
        Number mentions in text order; offsets into ``text``; spans include the qualifier.
    """
    found = _Found(text, exclude, limit)
    # Readings in order of precedence: a span read once is not read again by a later reader.
    for reader in (_add_digits, _add_vague, _add_spelled, _add_a_unit, _add_ordinal_words):
        reader(found)
    found.found.sort(key=lambda n: n.start)
    return found.found
