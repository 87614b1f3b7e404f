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
    "mm": 1_000_000,  # only after a currency sign ("$21MM")
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
# "twenty-five", "eight thousand", "one hundred and fifty", "a hundred", "half a million", "a dozen"; the
# article only before a scale word ("a two-week ..." is 2).
# Separators are required between words, so the repeat cannot split one word two ways.
SPELLED_NUMBER = re.compile(
    rf"(?<![\w-])(?:(?:half\s+)?an?\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?"
    rf"{_WORD_NUM}(?:(?:\s+and\s+|\s+|-){_WORD_NUM}){{0,8}}",
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
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_SPELLED_ONE = rf"(?:{_SMALL_ALT})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
# "between 10 and 15 people", "between two and three million".
BETWEEN = re.compile(
    rf"(?<![\w-])between\s+(?P<a>{_DIGITS}|{_SPELLED_ONE})\s+and\s+(?P<b>{_DIGITS}|{_SPELLED_ONE})"
    r"(?P<scale>\s(?:hundred|thousand|million|billion))?(?![\w.,]\d|[\w-])",
    re.IGNORECASE,
)
_RATE_WORD = r"one|two|three|four|five|six|seven|eight|nine|ten"
# "one in five", "3 out of 4", "nine in ten" -> a proportion.
RATE = re.compile(
    rf"(?<![\w-])(?P<n>\d{{1,3}}|{_RATE_WORD})\s+(?:in|out\s+of)\s+(?P<d>\d{{1,3}}|{_RATE_WORD}|twenty|a\s+hundred|"
    r"hundred)(?![\w-]|[.,]\d)",
    re.IGNORECASE,
)
FRACTION_DENOMINATORS: dict[str, int] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
    "sixth": 6, "sixths": 6, "tenth": 10, "tenths": 10,
}  # fmt: skip
# "two-thirds of", "half the", "a quarter of", "three quarters of": a share of something.
FRACTION = re.compile(
    r"(?<![\w-])(?:(?P<n>one|two|three|four|five|nine|a|an)[\s-]+)?"
    r"(?P<d>halves|half|thirds?|quarters?|fifths?|sixths?|tenths?)(?=\s+(?:of|the)\b)",
    re.IGNORECASE,
)
# A bare "half" after these is a part of something else ("the first half of the match").
NOT_A_FRACTION_BEFORE = frozenset(
    {"the", "first", "second", "latter", "other", "final", "last", "top", "bottom", "northern", "southern",
     "eastern", "western", "upper", "lower", "this", "that", "each", "every"}
)  # fmt: skip
FRACTION_TOLERANCE = 2.0  # percentage points: "two-thirds" is read as 64.7-68.7 %
# A vote or a score: "312-98", "312 to 98", "312 votes to 98" (the second figure smaller).
TALLY = re.compile(
    r"(?<![\w$£€.,:/-])(?P<a>\d{1,3}(?:,\d{3})*)(?P<sep>\s?[-–—]\s?|\s+(?P<v>votes?\s+)?to\s+)"
    r"(?P<b>\d{1,3}(?:,\d{3})*)(?![\w.,:/]\d|[\w%]|[-–]\d)",
    re.IGNORECASE,
)
VOTE_WORDS = frozenset(
    {"vote", "voted", "votes", "voting", "passed", "approved", "rejected", "adopted", "defeated", "margin",
     "tally", "majority", "ruled", "ballot", "ballots", "won", "beat", "lost", "score", "scored", "final"}
)  # fmt: skip
# "5.000" is 5,000 when it counts whole things (European thousands separator); "1.500.000" always is.
EURO_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
# "magnitude 4.9", "magnitude-7.1", "a magnitude of 6.8", "Richter scale of 7" just before a figure.
MAGNITUDE_BEFORE = re.compile(r"(?:magnitude(?:\s+of)?|Richter\s+scale\s+of)[\s-]*$", re.IGNORECASE)
MAGNITUDE_AFTER = re.compile(r"^\s+on\s+the\s+Richter(?:\s+scale)?\b", re.IGNORECASE)
# "672 people were injured, including 205 in a critical condition": a figure just after these words is a
# part of the count before it, and answers another outlet's part before its total.
PART_BEFORE = re.compile(
    r"\b(?:including|includes|among\s+them|among\s+whom|of\s+whom|of\s+them|of\s+which)[\s,:]*$",
    re.IGNORECASE,
)
# Taken off a pair's score when one figure is a part and the other is not: more than the closeness term
# (at most 1) can give, less than a shared measure (3) over a guessed one (0.5-1).
PART_PENALTY = 1.0
# "72 kilometres (45 miles)": a figure restated in other units in brackets.
RESTATED_OPEN = re.compile(r"^\s*(?:[A-Za-z°]+\s*)?\(\s*$")
RESTATED_CLOSE = re.compile(r"^\s*(?:[A-Za-z°]+\s*)?\)")
# "three men and two women": counts of people added up.
CONJUNCTION_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+)$")

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
    "missing": ("missing",),
    "rescued": ("rescued",),
    "evacuated": ("evacuated", "evacuees"),
    "displaced": ("displaced",),
    "homeless": ("homeless",),
    "desertions": ("deserters", "deserter", "desertions", "desertion", "deserted"),
    "prosecutions": ("prosecutions", "prosecuted", "cases"),
    "convictions": ("convictions", "convicted", "sentenced"),
    "arrests": ("arrests", "arrested", "detained", "detentions"),
    "soldiers": ("soldiers", "soldier", "troops", "servicemen", "serviceman", "fighters", "fighter",
                 "personnel", "conscripts", "conscript", "recruits", "mercenaries"),
    "people": ("people", "persons", "person", "civilians", "civilian", "residents", "individuals",
               "children", "women", "men", "man", "woman", "adults", "prisoners", "migrants", "refugees",
               "victims", "others"),
    "percent": ("%", "percent", "per cent", "pc"),
    "days": ("day", "days"),
    "hours": ("hour", "hours"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "years": ("year", "years"),
    "minutes": ("minute", "minutes"),
    "km": ("km", "kilometres", "kilometers", "kilometre", "kilometer"),
    "miles": ("mile", "miles"),
    "metres": ("metres", "meters", "metre", "meter"),
    "feet": ("feet", "foot", "ft"),
    "yards": ("yards", "yard"),
    "inches": ("inches", "inch"),
    "cm": ("cm", "centimetres", "centimeters", "centimetre", "centimeter"),
    "mm": ("mm", "millimetres", "millimeters", "millimetre", "millimeter"),
    "tonnes": ("tonnes", "tonne", "tons", "ton"),
    "kg": ("kg", "kilograms", "kilogram", "kilos", "kilo"),
    "lb": ("lb", "lbs"),
    "km/h": ("kph", "kmh"),
    "mph": ("mph",),
    "knots": ("knots", "knot"),
    "hectares": ("hectares", "hectare"),
    "acres": ("acres", "acre"),
    "magnitude": ("magnitude",),
}  # fmt: skip
for _key, _words in _MEASURE_TABLE.items():
    for _w in _words:
        MEASURE_NOUNS[_w] = _key

# Units of one dimension convert before they are compared ("72 km" vs "45 miles"): canonical measure ->
# (dimension, factor to the dimension's base unit, offset). Temperatures are affine (°F -> °C base).
UNITS: dict[str, tuple[str, float, float]] = {
    "km": ("length", 1000.0, 0.0), "miles": ("length", 1609.344, 0.0), "metres": ("length", 1.0, 0.0),
    "feet": ("length", 0.3048, 0.0), "yards": ("length", 0.9144, 0.0), "inches": ("length", 0.0254, 0.0),
    "cm": ("length", 0.01, 0.0), "mm": ("length", 0.001, 0.0),
    "tonnes": ("mass", 1000.0, 0.0), "kg": ("mass", 1.0, 0.0), "lb": ("mass", 0.45359237, 0.0),
    "km/h": ("speed", 1 / 3.6, 0.0), "mph": ("speed", 0.44704, 0.0), "knots": ("speed", 1852 / 3600, 0.0),
    "hectares": ("area", 10_000.0, 0.0), "acres": ("area", 4046.8564224, 0.0),
    "km2": ("area", 1e6, 0.0), "sq miles": ("area", 2_589_988.110336, 0.0),
    "minutes": ("duration", 60.0, 0.0), "hours": ("duration", 3600.0, 0.0),
    "days": ("duration", 86_400.0, 0.0), "weeks": ("duration", 604_800.0, 0.0),
    "°C": ("temperature", 1.0, 0.0), "°F": ("temperature", 5 / 9, -160 / 9),
}  # fmt: skip
# Units written as more than one word or with a slash, right after the figure.
UNIT_PHRASES: dict[str, str] = {
    "km/h": "km/h", "km/hr": "km/h", "km an hour": "km/h", "kilometres per hour": "km/h",
    "kilometers per hour": "km/h", "kilometres an hour": "km/h", "kilometers an hour": "km/h",
    "miles per hour": "mph", "miles an hour": "mph", "°c": "°C", "°f": "°F", "sq km": "km2",
    "square kilometres": "km2", "square kilometers": "km2", "sq miles": "sq miles",
    "square miles": "sq miles",
}  # fmt: skip
UNIT_PHRASE = re.compile(
    r"^\s?(?P<u>"
    + "|".join(sorted((re.escape(u).replace(r"\ ", r"\s+") for u in UNIT_PHRASES), key=len, reverse=True))
    + r")(?![\w/])",
    re.IGNORECASE,
)
# "two nearly killed", "one almost drowned": the event did not happen to them.
EVENT_AVERTED = frozenset({"nearly", "almost", "narrowly"})
# "When one is killed, all of us lose": after these words a spelled "one" is the pronoun.
PRONOUN_ONE_AFTER = frozenset({"when", "if", "once", "whenever", "unless"})
# "the 29-year-old gang member ... killed": an age, whatever counted noun or event verb follows.
AGE_AFTER = re.compile(r"^[\s-]?(?:years?|yrs?)[\s-]?old\b", re.IGNORECASE)
# After "56 m" these say the "m" is metres, not million.
LENGTH_ADJECTIVES = frozenset(
    {"high", "tall", "long", "deep", "wide", "away", "above", "below", "across", "thick", "underground",
     "underwater", "offshore", "inland"}
)  # fmt: skip
# "47 degrees Fahrenheit", "8 °C": the scale word after "degrees" names the unit.
TEMPERATURE_SCALES: dict[str, str] = {
    "celsius": "°C",
    "centigrade": "°C",
    "c": "°C",
    "fahrenheit": "°F",
    "f": "°F",
}
# Canonical measures after a count of one ("1 person", "1 foot"); others drop their "s" ("1 death").
SINGULAR_MEASURES: dict[str, str] = {
    "people": "person",
    "casualties": "casualty",
    "feet": "foot",
    "inches": "inch",
}
# Measures read after the figure without a plural ("4.9 magnitude", "72 km").
UNCOUNTED_MEASURES = frozenset(
    {"km", "cm", "mm", "kg", "lb", "km/h", "mph", "magnitude", "°C", "°F", "km2", "sq miles", "years old"}
)

# Verbs after the counted noun that say what happened to it: "200,000 soldiers have been killed"
# counts deaths; "300,000 soldiers had abandoned their units" counts desertions. Before the figure they
# say it too: "killing 137", "has killed at least 820 people".
EVENT_VERBS: dict[str, str] = {
    "killed": "deaths", "died": "deaths", "dead": "deaths", "perished": "deaths", "executed": "deaths",
    "drowned": "deaths", "killing": "deaths",
    "wounded": "injured", "injured": "injured", "maimed": "injured", "hurt": "injured", "injuring": "injured",
    "wounding": "injured",
    "missing": "missing", "rescued": "rescued", "evacuated": "evacuated", "displaced": "displaced",
    "deserted": "desertions", "abandoned": "desertions", "fled": "desertions", "defected": "desertions",
    "prosecuted": "prosecutions", "charged": "prosecutions",
    "convicted": "convictions", "sentenced": "convictions", "jailed": "convictions",
    "arrested": "arrests", "detained": "arrests",
    "lost": "casualties",
}  # fmt: skip
# "lost their lives": a loss that is a death, not a casualty of any kind.
LOST_LIVES = re.compile(r"^\s+(?:their|his|her)\s+lives?\b", re.IGNORECASE)
# "4,000 people lost their homes": homeless, not casualties.
LOST_HOMES = re.compile(r"^\s+(?:their|his|her)\s+(?:homes?|houses?)\b", re.IGNORECASE)
# Measures that are counts of persons; they may pair with each other at a lower score.
PERSON_MEASURES = frozenset(
    {"soldiers", "people", "deaths", "injured", "casualties", "desertions", "prosecutions", "convictions",
     "arrests", "missing", "rescued", "evacuated", "displaced", "homeless"}
)  # fmt: skip
# Below this, a figure from another passage of the other article must count the same, specific thing.
ELSEWHERE_SMALL = 10
# Casualty tolls: figures that news updates between versions ("the death toll has risen to 154"). An
# omitted toll is compared with the toll stated elsewhere in the other article (see compare.py).
TOLL_MEASURES = frozenset({"deaths", "injured", "missing", "casualties"})
# Generic person counts: "50,000 soldiers" may answer "50,000 killed" (a person count of another kind)
# when the figures are close; "six workers" answers "six people".
GENERIC_PERSONS = frozenset({"soldiers", "people"})
# Counted nouns that are people (stored singular, as written: "6 workers"); generic person counts.
PERSON_NOUNS = frozenset(
    {"worker", "employee", "staff", "passenger", "crew", "miner", "student", "pupil", "patient", "tourist",
     "visitor", "journalist", "reporter", "officer", "firefighter", "doctor", "nurse", "survivor", "hostage",
     "protester", "protestor", "demonstrator", "voter", "member", "girl", "boy", "baby", "infant", "teenager",
     "teen", "sailor", "pilot", "driver", "climber", "fisherman", "fishermen", "villager", "inmate",
     "detainee", "rescuer", "diver", "contractor", "labourer", "laborer", "guard", "policeman", "policemen",
     "citizen", "national", "foreigner", "player", "athlete", "participant", "customer", "user", "delegate",
     "lawmaker", "official", "volunteer", "spectator", "fan", "pedestrian", "cyclist", "motorist"}
)  # fmt: skip
# A count that follows its subject: "the death toll has risen to 154", "fatalities ... was 137". The
# word right before the figure links it to a subject earlier in the sentence.
SUBJECT_LINKS = frozenset(
    {"to", "at", "was", "is", "were", "are", "reached", "hit", "of", "topped", "passed", "exceeded",
     "surpassed", "totalled", "totaled", "numbered", "now", "stood", "stands", "be"}
)  # fmt: skip
# "toll" and the word before it: "death toll" -> deaths, "injury toll" -> injured.
TOLL_KINDS: dict[str, str] = {"injury": "injured", "casualty": "casualties", "arrest": "arrests"}
SUBJECT_WINDOW = 20  # words looked back for the subject of a count
SUBJECT_CHARS = 250  # ... within this many characters
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
# Words that end the search for a counted noun (auxiliaries, prepositions, conjunctions, pronouns).
MEASURE_STOP = frozenset(
    {"have", "has", "had", "were", "was", "are", "is", "been", "be", "will", "would", "who", "that", "which",
     "in", "to", "at", "for", "from", "on", "by", "and", "or", "as", "since", "with", "while", "but",
     "according", "a", "an", "it", "they", "he", "she", "we", "this", "than", "so", "if", "into", "per",
     "when", "where", "whom", "whose", "what", "why", "how", "after", "before", "because", "although",
     "though", "until", "unless", "some", "any", "each", "every", "most", "many", "much", "few", "several",
     "both", "either", "neither", "not", "no", "only", "also", "just", "still", "yet", "even", "then",
     "there", "here", "now", "ago", "later", "earlier", "about", "around", "over", "under", "between",
     "among", "through", "during", "without", "within", "against", "toward", "towards", "upon", "like",
     "via", "out", "up", "down", "off", "away", "back", "again", "being", "having", "do", "does", "did",
     "can", "could", "may", "might", "must", "shall", "should", "you", "i", "them", "him", "us", "our",
     "your", "my", "me", "too", "very", "across", "along", "behind", "beyond", "near", "onto", "past",
     "inside", "outside", "whether", "nor", "once", "twice", "times", "apiece"}
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

_PAST_UNIT = r"(?:days|weeks|months|years|decades|day|week|month|year|decade)"
_AMPM = r"(?P<ap>[ap])(?:\.\s?m\.?|\s?m)(?![a-z])"
_ZONE = r"(?:GMT|UTC|local\s+time|hrs)"

# Why a hand-written grammar: dateparser turns "10% of" and "2024, two" into dates and misses
# "mid-2024"/"late 2024"; spaCy's DATE spans keep the modifiers but give no value. A single compiled
# alternation (specific patterns first) is fast, predictable and yields TIMEX3-style value + mod.
DATE = re.compile(
    r"(?<![\w$£€.,:/])(?=[\dA-Za-z])(?:"
    rf"(?P<dmy>(?:(?P<wd1>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH}),?\s+(?P<y1>{_YEAR}))"
    rf"|(?P<mdy>(?:(?P<wd2>{_WEEKDAY}),?\s+)?(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}),?\s+(?P<y2>{_YEAR}))"
    r"|(?P<iso>(?P<y3>(?:1[89]|20)\d\d)-(?P<m3>0[1-9]|1[0-2])-(?P<d3>0[1-9]|[12]\d|3[01]))(?![\d])"
    rf"|(?P<dotted>(?P<d7>0?[1-9]|[12]\d|3[01])\.(?P<m9>0?[1-9]|1[0-2])\.(?P<y10>{_YEAR}))"
    rf"|(?P<slash>(?P<sl1>\d{{1,2}})\s?/\s?(?P<sl2>\d{{1,2}})\s?/\s?(?P<y11>{_YEAR}))"
    rf"|(?P<tod>(?P<th>1[0-2]|0?[1-9])(?:[:.](?P<tm>[0-5]\d))?\s?{_AMPM})"
    rf"|(?P<tod24>(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:]|\.\d)(?:\s?(?P<z1>{_ZONE}))?)"
    rf"|(?P<todz>(?P<hz>[01]\d|2[0-3])(?P<mz>[0-5]\d)\s?(?P<z2>{_ZONE}))"
    r"|(?P<noon>noon|midnight)"
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
    rf"|(?P<mly>(?P<m8>{_FULL_MONTH})\s+(?:of\s+)?(?P<mlyd>last|this|next)\s+year)"
    rf"|(?P<past>the\s+(?:past|last|previous)\s+(?:(?P<pastn>{_NUMWORD})\s+)?(?P<pastu>{_PAST_UNIT}))"
    r"|(?P<thewe>(?:over\s+)?the\s+weekend)"
    rf"|(?P<rel>(?:(?P<mod8>{_MOD})[\s-]*)?(?P<reldir>last|this|next|previous)\s+(?P<relunit>year|month|week(?:end)?|{_SEASON}|{_FULL_MONTH}|{_WEEKDAY}))"
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
# Words before a time of day that make it approximate or a bound: (minutes before, minutes after) the
# stated time that the words allow. "just before 1:30 am" is 1:20-1:30; "around 1am" 0:50-1:10.
TIME_QUALIFIERS: dict[str, tuple[int, int]] = {
    "just before": (-10, 0), "shortly before": (-10, 0), "right before": (-10, 0), "minutes before": (-10, 0),
    "before": (-60, 0), "by": (-60, 0), "until": (-60, 0), "till": (-60, 0),
    "just after": (0, 10), "shortly after": (0, 10), "right after": (0, 10), "soon after": (0, 10),
    "minutes after": (0, 10), "after": (0, 60), "nearly": (-10, 0), "almost": (-10, 0),
    "around": (-10, 10), "about": (-10, 10), "approximately": (-10, 10), "roughly": (-10, 10),
    "circa": (-10, 10), "some time after": (0, 60),
}  # fmt: skip
TIME_QUALIFIER = re.compile(
    r"(?<![\w])(?P<q>"
    + "|".join(sorted((q.replace(" ", r"\s+") for q in TIME_QUALIFIERS), key=len, reverse=True))
    + r")\s+(?:at\s+)?$",
    re.IGNORECASE,
)
# "noon" / "midnight" are times only after these ("at midnight", not "the midnight sun").
NOON_TRIGGERS = frozenset({"at", "around", "about", "before", "after", "by", "until", "till", "past", "near",
                           "shortly", "just", "approximately", "from", "since"})  # fmt: skip
# "11:11 pm (2211 GMT)": a time restated in another zone in brackets.
TIME_RESTATED = re.compile(r"^\s*\(\s*$")
QUARTER_WORDS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "final": 4,
    "last": 4,
}  # fmt: skip
AGO_NUMBERS: dict[str, int] = {"a": 1, "an": 1, "several": 3, "a few": 3, **SMALL_NUMBERS}
SEASON_TRIGGERS = frozenset({"in", "during", "by", "since", "until", "over", "through", "throughout", "this",
                             "last", "next", "the", "early", "late", "mid"})  # fmt: skip

# Which date mention answers which: the content words of the sentence around it (at most this many
# characters either side of the mention).
CONTEXT_CHARS = 1000
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
# "Brawner Builders, Inc." is "Brawner Builders": a legal-form suffix is no part of the name's identity.
CORPORATE_SUFFIX = re.compile(
    r",?\s+(?:inc|incorporated|ltd|limited|llc|llp|corp|corporation|co|plc|gmbh|ag|sa|nv|bv)\.?$",
    re.IGNORECASE,
)
# Two spellings of one name ("Gilreat" / "Gilreath", "Hasan" / "Hassan"): same first letter, at most this
# many edits (optimal string alignment distance), for words of at least SPELLING_MIN_LEN letters.
SPELLING_MIN_LEN = 4
SPELLING_EDITS = 1
SPELLING_EDITS_LONG = 2  # from SPELLING_LONG letters on
SPELLING_LONG = 9
SPELLING_TRANSLITERATION_MIN = 6  # letters, for a place or organisation spelt two ways
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
# Two quoted sentences in aligned passages that share this share of their content words are one
# statement worded differently ("Given the duration of the search ..." / "Based on the length of time
# ... in this search ..."), even when their characters differ too much for QUOTE_MATCH_RATIO.
QUOTE_CONTENT_OVERLAP = 0.5
QUOTE_WORD = re.compile(r"[a-z][a-z'-]{2,}")


WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MONTH_WORDS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SEASON_WORDS: dict[str, str] = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
