"""What a figure counts (its measure), and units of one dimension converted to each other.

A figure's measure is read, in order, from: the noun after it ("325,000 deaths", "eight road workers": a
modifier before the counted noun is skipped), an event verb after that noun ("200,000 soldiers have been
killed" counts deaths), an event verb just before it ("killing 137", "has killed at least 820 people"),
and for a bare figure the subject earlier in its clause ("the death toll has risen to 154").
"""

from __future__ import annotations

import re

from core.facts import resources as R


def singular(word: str) -> str:
    """Singular of a plural noun as far as a counted noun needs it ("workers" -> "worker")."""
    w = word.lower()
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def is_person(measure: str) -> bool:
    """A count of people: an event measure ("deaths"), a generic one ("people") or a noun ("worker")."""
    return measure in R.PERSON_MEASURES or measure in R.PERSON_NOUNS


def is_generic_person(measure: str) -> bool:
    """A count of people that says nothing of what happened to them ("people", "workers", "soldiers")."""
    return measure in R.GENERIC_PERSONS or measure in R.PERSON_NOUNS


def _known_noun(low: str) -> bool:
    return low in R.MEASURE_NOUNS or singular(low) in R.PERSON_NOUNS or low in R.PERSON_NOUNS


def _plain_word(t: str) -> bool:
    """A lower-case word that may be a counted noun or its modifier (no function word, no verb of event)."""
    low = t.lower()
    return t[:1].isalpha() and t[:1].islower() and low not in R.MEASURE_STOP and low not in R.EVENT_VERBS


def _skip_modifiers(tokens: list[str]) -> int:
    """Index of the first token after words that sit between a figure and its noun ("confirmed",
    "Russian")."""
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
    return i


def _counted_noun(tokens: list[str], i: int) -> tuple[str, str, int]:
    """(measure, noun as written, index after it) of the noun at ``tokens[i]``; a modifier before a known
    noun is skipped ("female prisoners", "road workers", "lost men")."""
    if i >= len(tokens):
        return "", "", i
    t, low = tokens[i], tokens[i].lower()
    if low in R.MEASURE_NOUNS and not (
        low == "missing" and i + 1 < len(tokens) and _known_noun(tokens[i + 1])
    ):
        return R.MEASURE_NOUNS[low], t, i + 1
    for k in (1, 2):  # up to two modifiers before a noun we know
        j = i + k
        if (
            j < len(tokens)
            and _known_noun(tokens[j].lower())
            and all(
                _plain_word(x) or x.lower() in R.EVENT_VERBS or x.lower() in R.MEASURE_NOUNS
                for x in tokens[i:j]
            )
        ):
            noun = tokens[j]
            nlow = noun.lower()
            return R.MEASURE_NOUNS.get(nlow) or singular(nlow), noun, j + 1
    if _plain_word(t):
        return singular(low), t, i + 1
    if low in R.EVENT_VERBS and i + 1 < len(tokens) and _plain_word(tokens[i + 1]):
        noun = tokens[i + 1]  # "six lost hikers": the verb is an adjective of the counted noun
        return singular(noun.lower()), noun, i + 2
    return "", "", i


def _event_after(tokens: list[str], i: int, text_after: str) -> str:
    """An event verb within six words after the noun ("... have been killed"); "" when none."""
    for k, t in enumerate(tokens[i : i + 6]):
        low = t.lower()
        if not t[:1].isalpha():
            break
        if low in R.EVENT_VERBS:
            if k and tokens[i + k - 1].lower() in R.EVENT_AVERTED:
                return ""  # "two nearly killed" survived: no deaths counted
            if low == "lost" and R.LOST_LIVES.match(_after_token(text_after, tokens, i + k)):
                return "deaths"
            if low == "lost" and R.LOST_HOMES.match(_after_token(text_after, tokens, i + k)):
                return "homeless"
            return R.EVENT_VERBS[low]
    return ""


def _after_token(text: str, tokens: list[str], k: int) -> str:
    """The text after the ``k``-th token of ``text`` (tokens as found by ``resources.WORD``)."""
    pos = 0
    for t in tokens[: k + 1]:
        pos = text.find(t, pos) + len(t)
    return text[pos:]


def _event_before(text: str, start: int) -> tuple[str, str]:
    """An event verb in the two words before the figure ("lost 600,000", "killing at least 820")."""
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 30) : start])[-2:]
    for w in reversed(before):
        if w.lower() in R.EVENT_VERBS:
            return R.EVENT_VERBS[w.lower()], w
    return "", ""


def _subject_before(text: str, start: int) -> tuple[str, str]:
    """The subject of a bare figure after a linking word: "the death toll ... has risen to 154",
    "the number of people killed ... increased to 135", "fatalities ... was 137".

    Looks back within the sentence (not past another figure) for "toll" or the nearest person-count word.
    """
    # Bounded look-back: the subject is within a few hundred characters, and a long text of figures
    # must not cost a scan back to its start for every figure.
    window_start = max(0, start - R.SUBJECT_CHARS)
    left = max(
        text.rfind(". ", window_start, start),
        text.rfind("; ", window_start, start),
        text.rfind("\n", window_start, start),
    )
    clause = text[max(left + 1, window_start) : start]
    digits = list(re.finditer(r"\d", clause))
    if digits:
        clause = clause[digits[-1].end() :]
    words = re.findall(r"[A-Za-z]+", clause)
    if not words or words[-1].lower() not in R.SUBJECT_LINKS:
        return "", ""
    window = words[-R.SUBJECT_WINDOW :]
    lows = [w.lower() for w in window]
    if "toll" in lows:
        k = len(lows) - 1 - lows[::-1].index("toll")
        kind = R.TOLL_KINDS.get(lows[k - 1], "deaths") if k else "deaths"
        return kind, window[k]
    for w, low in zip(reversed(window[:-1]), reversed(lows[:-1]), strict=True):
        measure = R.MEASURE_NOUNS.get(low) or R.EVENT_VERBS.get(low, "")
        if measure in R.PERSON_MEASURES and measure not in R.GENERIC_PERSONS:
            return measure, w
    return "", ""


def _temperature(tokens: list[str], i: int, noun: str) -> str:
    """ "47 degrees Fahrenheit" -> "°F"; "" when the scale is not named."""
    if noun.lower() not in {"degrees", "degree"} or i >= len(tokens):
        return ""
    return R.TEMPERATURE_SCALES.get(tokens[i].lower(), "")


def measure_after(text: str, end: int, start: int) -> tuple[str, str]:
    """Find what a number counts (see the module docstring for the order of the clues).

    Args:
        text: The whole text.
        end: Offset right after the number.
        start: Offset of the number (qualifier included), to look back for "lost 600,000".

    Returns:
        (measure, noun as written); ("", "") when nothing is counted.
    """
    after = text[end : end + 90]
    if R.AGE_AFTER.match(after):
        return "years old", ""
    unit = R.UNIT_PHRASE.match(after)
    if unit:
        return R.UNIT_PHRASES[re.sub(r"\s+", " ", unit.group("u").lower())], ""
    tokens = R.WORD.findall(after)
    i = _skip_modifiers(tokens)
    if i < len(tokens) and tokens[i].lower() in R.CURRENCY_WORDS:
        return f"money:{R.CURRENCY_WORDS[tokens[i].lower()]}", tokens[i]
    if i < len(tokens) and tokens[i].lower() in R.EVENT_AVERTED:
        return "", ""  # "two nearly killed": nothing happened to them that is counted
    measure, noun, i = _counted_noun(tokens, i)
    scale = _temperature(tokens, i, noun)
    if scale:
        return scale, noun
    if measure == "" or is_generic_person(measure):
        event = _event_after(tokens, i, after)
        if event:
            return event, noun or event
        event, verb = _event_before(text, start)
        if event and (measure or not noun):
            return event, noun or verb
    if not measure:
        return _subject_before(text, start)
    return measure, noun


def magnitude_before(text: str, start: int) -> bool:
    """ "magnitude 4.9", "magnitude-7.1", "a magnitude of 6.8", "Richter scale" just before a figure."""
    return bool(R.MAGNITUDE_BEFORE.search(text[max(0, start - 25) : start]))


def convertible(a: str, b: str) -> bool:
    """Two different units of one dimension ("km" and "miles")."""
    return a != b and a in R.UNITS and b in R.UNITS and R.UNITS[a][0] == R.UNITS[b][0]


def convert(value: float, unit: str, to: str) -> float:
    """``value`` in ``unit`` expressed in ``to`` (same dimension; see ``resources.UNITS``)."""
    _, f1, o1 = R.UNITS[unit]
    _, f2, o2 = R.UNITS[to]
    return (value * f1 + o1 - o2) / f2
