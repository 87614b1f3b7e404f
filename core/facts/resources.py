"""Compiled regexes and data tables for fact extraction (no logic lives here).

Every pattern is written to run in linear time: alternatives start with distinct tokens, repeats are
bounded (``{1,600}``) and no quantified group can match the same text in two ways, so a
200,000-character sentence full of digits costs one pass, not catastrophic backtracking.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------------

MAX_FACTS_PER_KIND = 200  # per passage; pairing is quadratic in this
MAX_NER_CHARS = 6000  # spaCy sees at most this many characters of a passage
MAX_QUOTE_CHARS = 600

# --------------------------------------------------------------------------------------------------
# Numbers: qualifiers
# --------------------------------------------------------------------------------------------------

# Qualifier classes. LOWER: figure is a lower bound; UPPER: an upper bound; APPROX: about the figure;
# NEARLY: just below the figure; EXACT: stated as is.
LOWER, UPPER, APPROX, NEARLY, EXACT = "lower", "upper", "approx", "nearly", "exact"

QUALIFIERS: dict[str, str] = {
    "more than": LOWER,
    "over": LOWER,
    "just over": LOWER,
    "well over": LOWER,
    "above": LOWER,
    "exceeding": LOWER,
    "in excess of": LOWER,
    "upwards of": LOWER,
    "at least": LOWER,
    "no fewer than": LOWER,
    "no less than": LOWER,
    "nearly": NEARLY,
    "almost": NEARLY,
    "close to": NEARLY,
    "just under": NEARLY,
    "approximately": APPROX,
    "about": APPROX,
    "around": APPROX,
    "roughly": APPROX,
    "some": APPROX,
    "an estimated": APPROX,
    "estimated": APPROX,
    "approx.": APPROX,
    "up to": UPPER,
    "at most": UPPER,
    "no more than": UPPER,
    "fewer than": UPPER,
    "less than": UPPER,
    "under": UPPER,
    "below": UPPER,
}

INCLUSIVE_QUALIFIERS = frozenset(
    {"at least", "no fewer than", "no less than", "up to", "at most", "no more than"}
)
# Short symbol used in the human-readable value ("> 300,000 soldiers").
QUALIFIER_SYMBOL: dict[str, str] = {LOWER: ">", UPPER: "<", APPROX: "~", NEARLY: "≲", EXACT: ""}

# Soft (journalistic) reading of a qualified figure, as factors of the stated figure. "over 200,000"
# is read as 200,000..300,000: a writer who knew 325,000 would have written "over 300,000".
SOFT_LOWER_FACTOR = 1.5  # over X -> [X, 1.5 X]
SOFT_UPPER_FACTOR = 1.5  # under X -> [X / 1.5, X]
SOFT_APPROX = 0.10  # about X -> [0.9 X, 1.1 X]
SOFT_NEARLY = 0.10  # nearly X -> [0.9 X, X]

_QUAL_ALT = "|".join(sorted((re.escape(q).replace(r"\ ", r"\s+") for q in QUALIFIERS), key=len, reverse=True))
# Applied to the <= 40 characters before a number; anchored at the end.
QUALIFIER_BEFORE = re.compile(rf"(?<![\w])(?P<q>{_QUAL_ALT})\s+$", re.IGNORECASE)
# "300,000 or more", "200,000-plus", "16,000+"
QUALIFIER_AFTER = re.compile(r"^(?:\s*\+|-plus\b|\s+plus\b|\s+or\s+(?:more|so|fewer|less)\b)", re.IGNORECASE)
QUALIFIER_AFTER_CLASS: dict[str, str] = {
    "+": LOWER,
    "plus": LOWER,
    "or more": LOWER,
    "or so": APPROX,
    "or fewer": UPPER,
    "or less": UPPER,
}

# --------------------------------------------------------------------------------------------------
# Numbers: words
# --------------------------------------------------------------------------------------------------

SMALL_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALE_WORDS: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
}
# Vague plural amounts -> (low, high). Their soft reading equals the hard one.
VAGUE_AMOUNTS: dict[str, tuple[float, float]] = {
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 999_999_999),
    "tens of millions": (20_000_000, 99_999_999),
    "hundreds of millions": (200_000_000, 999_999_999),
    "billions": (2e9, 999e9),
}

_SMALL_ALT = "|".join(sorted(SMALL_NUMBERS, key=len, reverse=True))
_WORD_NUM = rf"(?:(?:{_SMALL_ALT})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|hundred|thousand|million|billion|dozen)\b"  # noqa: E501
# "twenty-five", "eight thousand", "one hundred and fifty", "a hundred", "half a million", "a dozen".
# Separators are required between words, so the repeat cannot split one word two ways.
SPELLED_NUMBER = re.compile(
    rf"(?<![\w-])(?:(?:half\s+)?an?\s+)?{_WORD_NUM}(?:(?:\s+and\s+|\s+|-){_WORD_NUM}){{0,8}}",
    re.IGNORECASE,
)
VAGUE_NUMBER = re.compile(
    r"(?<![\w-])(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)|dozens|scores|hundreds|thousands|millions"
    r"|billions)\b",
    re.IGNORECASE,
)

# Digits: "300,000", "1.2", "3.5bn", "10%", "£1,250", "10-15", "$1.5 billion". The digit run is taken
# whole ("1,2,3") and validated in code, so a malformed run yields nothing rather than pieces.
CURRENCY_SYMBOLS: dict[str, str] = {
    "us$": "USD", "$": "USD", "a$": "AUD", "c$": "CAD", "£": "GBP", "€": "EUR", "¥": "JPY", "₽": "RUB",
    "₹": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP", "rub": "RUB",
}  # fmt: skip
CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "hryvnia": "UAH", "hryvnias": "UAH", "yen": "JPY", "yuan": "CNY", "rupees": "INR",
}  # fmt: skip
DIGIT_NUMBER = re.compile(
    r"(?<![\w$£€¥₽₹.,:/])"
    r"(?P<cur>(?:US\$|A\$|C\$|[$£€¥₽₹]|(?:USD|EUR|GBP|RUB)\s?))?"
    r"(?P<num>\d+(?:[.,]\d+)*)"
    r"(?:\s?(?:-|–|—|to)\s?(?P<num2>\d+(?:[.,]\d+)*))?"
    r"(?P<suffix>\s?%|\s(?:per\s?cent|percent)\b|(?:\s|-)?(?:bn|billion|mn|million|m|k|thousand|trillion|tn|hundred)\b)?"
    r"(?P<ord>st|nd|rd|th)?",
    re.IGNORECASE,
)
ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip
# Ordinals count only before these ("the third time", "the second day of the siege").
ORDINAL_COUNTED = frozenset({"time", "day", "week", "month", "year", "round", "attempt", "wave"})
A_UNIT = re.compile(r"(?<![\w-])(?:a|an)\s+(?P<u>day|week|month|year|hour|minute|decade)\b", re.IGNORECASE)
# "first" is left out: "for the first time" is phrasing, not a figure.
ORDINAL_WORD = re.compile(
    r"(?<![\w-])(?P<w>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+"
    r"(?P<n>time|day|week|month|year|round|attempt|wave)\b",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------------------------------
# Numbers: what they count
# --------------------------------------------------------------------------------------------------

# Counted nouns -> canonical measure. Plural/singular both listed.
MEASURE_NOUNS: dict[str, str] = {}
_MEASURE_TABLE: dict[str, tuple[str, ...]] = {
    "deaths": ("death", "deaths", "dead", "fatalities", "fatality", "lives", "bodies", "killed"),
    "injured": ("injured", "wounded", "injuries", "injury", "maimed"),
    "casualties": ("casualties", "casualty", "losses"),
    "desertions": ("deserters", "deserter", "desertions", "desertion", "deserted"),
    "prosecutions": ("prosecutions", "prosecuted", "cases"),
    "convictions": ("convictions", "convicted", "sentenced"),
    "arrests": ("arrests", "arrested", "detained", "detentions"),
    "soldiers": ("soldiers", "soldier", "troops", "servicemen", "serviceman", "fighters", "fighter",
                 "personnel", "conscripts", "conscript", "recruits", "mercenaries", "men", "man"),
    "people": ("people", "persons", "person", "civilians", "civilian", "residents", "individuals",
               "children", "women", "adults", "prisoners", "migrants", "refugees", "victims"),
    "percent": ("%", "percent", "per cent", "pc"),
    "days": ("day", "days"),
    "hours": ("hour", "hours"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "years": ("year", "years"),
    "minutes": ("minute", "minutes"),
    "km": ("km", "kilometres", "kilometers", "kilometre", "kilometer"),
    "miles": ("mile", "miles"),
}  # fmt: skip
for _key, _words in _MEASURE_TABLE.items():
    for _w in _words:
        MEASURE_NOUNS[_w] = _key

# Verbs after the counted noun that say what happened to it: "200,000 soldiers have been killed"
# counts deaths; "300,000 soldiers had abandoned their units" counts desertions.
EVENT_VERBS: dict[str, str] = {
    "killed": "deaths", "died": "deaths", "dead": "deaths", "perished": "deaths", "executed": "deaths",
    "wounded": "injured", "injured": "injured", "maimed": "injured", "hurt": "injured",
    "deserted": "desertions", "abandoned": "desertions", "fled": "desertions", "defected": "desertions",
    "prosecuted": "prosecutions", "charged": "prosecutions",
    "convicted": "convictions", "sentenced": "convictions", "jailed": "convictions",
    "arrested": "arrests", "detained": "arrests",
    "lost": "casualties",
}  # fmt: skip
# Measures that are counts of persons; they may pair with each other at a lower score.
PERSON_MEASURES = frozenset(
    {"soldiers", "people", "deaths", "injured", "casualties", "desertions", "prosecutions", "convictions",
     "arrests"}
)  # fmt: skip
# Generic person counts: "50,000 soldiers" may answer "50,000 killed" (a person count of another kind)
# when the figures are close.
GENERIC_PERSONS = frozenset({"soldiers", "people"})
# Small durations / counts that the "a day" reading needs a preposition for.
TIME_UNITS = frozenset({"day", "week", "month", "year", "hour", "minute", "decade"})
A_UNIT_PREPOSITIONS = frozenset(
    {"within", "for", "in", "after", "over", "under", "than", "about", "nearly", "almost", "just"}
)
# Words skipped between a number and its counted noun ("325,000 confirmed deaths").
MEASURE_SKIP = frozenset(
    {"more", "such", "verified", "confirmed", "additional", "other", "new", "of", "all", "the", "those",
     "these", "their", "its", "his", "her", "documented", "reported", "registered", "estimated", "further",
     "total", "young", "civilian", "military", "contract", "active", "official", "known", "recorded"}
)  # fmt: skip
# Words that end the search for a counted noun (auxiliaries, prepositions).
MEASURE_STOP = frozenset(
    {"have", "has", "had", "were", "was", "are", "is", "been", "be", "will", "would", "who", "that", "which",
     "in", "to", "at", "for", "from", "on", "by", "and", "or", "as", "since", "with", "while", "but",
     "according", "a", "an", "it", "they", "he", "she", "we", "this", "than", "so", "if", "into", "per"}
)  # fmt: skip
WORD = re.compile(r"[A-Za-z%][A-Za-z'’-]*|[.,;:!?()\"“”]")

# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
# Meteorological seasons (northern hemisphere): code -> (first month, months long). Winter Y starts in
# December of Y and runs into Y+1 (TIMEX3 "2022-WI").
SEASON_MONTHS: dict[str, int] = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
MOD_WORDS: dict[str, str] = {
    "early": "START", "beginning": "START", "start": "START", "mid": "MID", "middle": "MID",
    "late": "END", "end": "END",
}  # fmt: skip
MOD_NAMES: dict[str, str] = {"START": "early", "MID": "mid", "END": "late"}
# A leap year, assumed to compare month/day when neither side states a year (so "29 February" exists).
PLACEHOLDER_YEAR = 2000
# Granularities fine enough that two disjoint values with one year assumed are a real conflict
# ("5 March" vs "7 March 2024"); coarser ones ("2023" vs "spring") only overlap.
FINE_GRANULARITIES = frozenset({"day", "week", "month", "season"})
# Months that are also ordinary words; alone (no day/year) they need a trigger word before them.
AMBIGUOUS_MONTHS = frozenset({"may", "march", "august"})
MONTH_TRIGGERS = frozenset(
    {"in", "since", "by", "until", "till", "from", "of", "during", "before", "after", "early", "late", "mid",
     "last", "next", "this", "through", "throughout", "between", "and", "to", "or", "end", "beginning",
     "start", "middle", "on", "around", "that"}
)  # fmt: skip
YEAR_PREPOSITIONS = frozenset(
    {"in", "since", "by", "until", "till", "from", "of", "during", "before", "after", "through", "throughout",
     "between", "and", "to", "for", "around", "circa", "early", "late", "mid", "year", "fiscal", "summer",
     "spring", "winter", "autumn", "fall", "a", "the"}
)  # fmt: skip

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)(?![a-z])"
)
_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR_CORE = r"(?:1[89]\d\d|20\d\d)"
_YEAR = _YEAR_CORE + r"(?![\d]|[.,]\d)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_MOD = (
    r"(?:early|mid|late|(?:the\s+|at\s+the\s+)?(?:beginning|start|end|middle)\s+of(?:\s+the)?"
    r"|(?:the\s+)?(?:first|second|latter)\s+half\s+of)"
)
_NUMWORD = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\s+few)"

# Why a hand-written grammar: dateparser turns "10% of" and "2024, two" into dates and misses
# "mid-2024"/"late 2024"; spaCy's DATE spans keep the modifiers but give no value. A single compiled
# alternation (specific patterns first) is fast, predictable and yields TIMEX3-style value + mod.
DATE = re.compile(
    r"(?<![\w$£€.,:/])(?=[\dA-Za-z])(?:"
    rf"(?P<dmy>(?:(?P<wd1>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH}),?\s+(?P<y1>{_YEAR}))"
    rf"|(?P<mdy>(?:(?P<wd2>{_WEEKDAY}),?\s+)?(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}),?\s+(?P<y2>{_YEAR}))"
    r"|(?P<iso>(?P<y3>(?:1[89]|20)\d\d)-(?P<m3>0[1-9]|1[0-2])-(?P<d3>0[1-9]|[12]\d|3[01]))(?![\d])"
    rf"|(?P<my>(?:(?P<mod1>{_MOD})[\s-]*)?(?P<m4>{_MONTH}),?\s+(?:of\s+)?(?P<y4>{_YEAR}))"
    rf"|(?P<sy>(?:(?P<mod2>{_MOD})[\s-]*)?(?:the\s+)?(?P<s1>{_SEASON})\s+(?:of\s+)?(?P<y5>{_YEAR}))"
    rf"|(?P<q>(?:the\s+)?(?P<qn>first|second|third|fourth|final|last|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(?P<y6>{_YEAR}))"
    rf"|(?P<qq>Q(?P<qd>[1-4])\s+(?P<y7>{_YEAR}))"
    rf"|(?P<half>(?:the\s+)?(?P<hn>first|second|latter)\s+half\s+(?:of\s+)?(?P<y8>{_YEAR}))"
    rf"|(?P<dec>(?:(?P<mod4>{_MOD})[\s-]*)?(?:the\s+)?(?P<decy>1[89]\d0|20\d0)[’']?s\b)"
    rf"|(?P<mody>(?P<mod3>{_MOD})[\s-]*(?P<y9>{_YEAR}))"
    rf"|(?P<yr>(?P<yr1>{_YEAR_CORE})\s?[-–/]\s?(?P<yr2>\d\d(?:\d\d)?)(?![\d]|[.,]\d))"
    rf"|(?P<mdn>(?:(?P<wd3>{_WEEKDAY}),?\s+)?(?P<m5>{_MONTH})\s+(?P<d5>{_DAY})(?!,?\s*\d))"
    rf"|(?P<dmn>(?:(?P<wd4>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d6>{_DAY})\s+(?:of\s+)?(?P<m6>{_MONTH}))"
    rf"|(?P<mm>(?P<mod5>{_MOD})[\s-]*(?P<m7>{_FULL_MONTH}))"
    rf"|(?P<rel>(?P<reldir>last|this|next|previous)\s+(?P<relunit>year|month|week(?:end)?|{_SEASON}|{_FULL_MONTH}|{_WEEKDAY}))"
    r"|(?P<eltr>(?P<el>earlier|later)\s+this\s+(?P<elunit>year|month|week))"
    r"|(?P<deic>yesterday|today|tomorrow|tonight)"
    rf"|(?P<ago>(?P<agon>{_NUMWORD})\s+(?P<agou>days?|weeks?|months?|years?|decades?)\s+ago)"
    rf"|(?P<wd>{_WEEKDAY})"
    rf"|(?P<sa>(?:(?P<mod6>early|mid|late)[\s-]*)?(?P<s2>{_SEASON}))"
    rf"|(?P<mo>{_FULL_MONTH})"
    rf"|(?P<y>{_YEAR})"
    r")",
    re.IGNORECASE,
)
QUARTER_WORDS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "final": 4,
    "last": 4,
}  # fmt: skip
AGO_NUMBERS: dict[str, int] = {"a": 1, "an": 1, "several": 3, "a few": 3, **SMALL_NUMBERS}
SEASON_TRIGGERS = frozenset({"in", "during", "by", "since", "until", "over", "through", "throughout", "this",
                             "last", "next", "the", "early", "late", "mid"})  # fmt: skip

# Which date mention answers which: the content words of the sentence around it.
CONTEXT_WORD = re.compile(r"[A-Za-z]{3,}")
STOP_CONTEXT = frozenset(
    {"the", "and", "that", "with", "from", "have", "has", "had", "were", "was", "for", "this"}
)

# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
ONLY_IN_NAME_LABELS = frozenset({"PERSON", "ORG"})
# "Conflict Studies Institute (CSIS)": a run of capitalised words (function words allowed inside)
# followed by a parenthesised abbreviation.
ABBREVIATION = re.compile(
    r"(?P<long>[A-Z][\w&'’.-]*(?:\s+(?:(?:of|for|and|the|on|in|de|&)\s+){0,3}[A-Z][\w&'’.-]*){0,9})"
    r"\s+\((?P<abbr>[A-Z][A-Za-z&.]{1,9})\)"
)
LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
TRAILING_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
NAME_TITLES = frozenset(
    {"president", "prime", "minister", "general", "gen.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr",
     "dr.", "colonel", "col.", "sergeant", "activist", "chancellor"}
)  # fmt: skip

# --------------------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------------------

# Curly doubles, straight doubles, curly singles (an opening ’ right after a dash or space also counts:
# "plea—’They are not animals!’"), straight singles. An apostrophe followed by a letter (Kremlin's,
# Russia’s) never closes a quote, and one preceded by a letter never opens one.
QUOTE = re.compile(
    r"“(?P<c>[^“”\n]{1,600})”"
    r"|(?<![\w\"])\"(?P<s>[^\"\n]{1,600})\"(?![\w])"
    r"|(?:‘|(?<=[\s—–(\[-])’|^’)(?=[^\s’])(?P<cs>(?:[^‘’\n]|’(?=\w)){1,600}?)’(?!\w)"
    r"|(?<![\w'])'(?=[^\s'])(?P<ss>(?:[^'\n]|'(?=\w)){1,600}?)'(?!\w)",
    re.MULTILINE,
)
QUOTE_PUNCT = re.compile(r"[\s.,;:!?…]+$|^[\s.,;:!?…]+")
QUOTE_SPEECH_MIN_WORDS = 4  # fewer words: a term or scare quote, compared only when matched
QUOTE_MATCH_RATIO = 0.6


MONTH_WORDS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SEASON_WORDS: dict[str, str] = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
