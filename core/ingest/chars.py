"""Character-level normalisation (str -> str), the first step of cleaning any text.

Quote replacements are one character for one character. Curly quotes become straight ones here, so every
later stage (the segmenter, fact extraction) sees ``"`` and ``'`` only.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\t": " ",
        "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
    }
)  # fmt: skip
# Zero-width characters, bidirectional controls and C0/C1 controls other than newline.
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u061c\u180e\u034f\U000e0000-\U000e007f\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]"
)
# A lone surrogate is not a character: it cannot be encoded (UTF-8 output, the page, CSV) and crashed
# every page that showed it. No decoder used here yields one; a str from elsewhere might.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ ]{2,}")


def normalise_characters(text: str) -> str:
    """NFC, unified line endings and quotes, no invisible or control characters, single spaces.

    Lone surrogates become U+FFFD, so the result is always valid Unicode.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    # NFC after removing invisibles: "e\u200b\u0301" only composes once the zero-width space is gone.
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text.translate(_QUOTE_MAP)))
    return _SPACES.sub(" ", text)
