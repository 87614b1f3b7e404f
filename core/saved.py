"""Reopening a saved comparison: ``comparison.json`` (or the ZIP that holds it) back to sources and settings.

The file is untrusted input (anyone can upload anything), so reading it is bounded and checked:

* **Size.** At most ``MAX_JSON_BYTES`` of JSON (after unpacking a ZIP or gzip, read with a hard cap, so
  a small archive cannot expand without limit). The document stays bytes: only the parts reopening needs
  (format, settings, sources, and the claim count) are decoded into Python objects; the derived tables
  (alignments, divergences, ...) are scanned for well-formed JSON but never built, since the comparison
  is recomputed from the sources. A 34 MB export of 60 sources costs its bytes, not ~10x that in objects.
* **Version.** ``format_version`` newer than this code reads is refused ("made by a newer version");
  an export from before versioning (no ``format_version``) reads as version 0 with default settings.
* **Schema.** Every field used is type- and range-checked (names, text sizes against ``Limits``, ISO
  dates, settings values); anything else in the file is ignored.
* **Text.** Article text and titles are put through ingest's character normalisation (no control or
  invisible characters); escaping happens where the app renders, as for every source.

Nothing here touches the app's state: the caller replaces its sources only after ``read_saved``
returned, so a refused file changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from core.config import DEFAULT_ALIGN, DEFAULT_LIMITS, AlignConfig, Limits
from core.export import FORMAT_NAME, FORMAT_VERSION, JSON_FILE, Settings
from core.model import Article

MAX_JSON_BYTES = 100 * 1024 * 1024
MAX_NAME_CHARS = 200
MAX_TITLE_CHARS = 1_000
MAX_ORIGIN_CHARS = 2_000
MAX_NOTES = 200
MAX_NOTE_CHARS = 2_000
MAX_REMOVED_LINES = 20_000
MAX_DEPTH = 64
MAX_ZIP_MEMBERS = 64
BACKEND_NAMES = ("torch", "onnx", "hashing")  # core.embed.BACKENDS, without importing the model code
_NEEDED = frozenset({"format", "format_version", "generator", "settings", "sources", "claims"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class SavedError(ValueError):
    """The file cannot be reopened; ``str(error)`` is a sentence for the user."""


@dataclass(frozen=True, slots=True)
class Saved:
    """What a saved comparison restores.

    Attributes:
        articles: The sources, in their saved order, with names, titles, dates, origins and notes.
        settings: The aligner's settings and the embedding backend ("" when the file does not say).
        format_version: The file's format version (0: saved before versions existed).
        claims: How many claim groups the file lists (None when it lists none).
        notes: What was adjusted or assumed while reading, for the user.
    """

    articles: tuple[Article, ...]
    settings: Settings
    format_version: int
    claims: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------------------------------
# Bytes in: JSON, or a ZIP / gzip holding it


def _read_capped(stream: IO[bytes] | gzip.GzipFile, cap: int, what: str) -> bytes:
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise SavedError(f"{what} holds more than {cap // 2**20} MB of JSON; at most that can be reopened.")
    return bytes(data)


def unpack(data: bytes, *, max_json_bytes: int = MAX_JSON_BYTES) -> bytes:
    """The JSON bytes of an upload: the bytes themselves, ``comparison.json`` out of a ZIP (the app's
    ``news-comparison.zip``), or a gzip-compressed file; each read with a hard size cap."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
                if len(infos) > MAX_ZIP_MEMBERS:
                    raise SavedError("This ZIP archive holds too many files to be a saved comparison.")
                member = next((i for i in infos if i.filename.rsplit("/", 1)[-1] == JSON_FILE), None)
                if member is None:
                    raise SavedError(
                        f"This ZIP archive holds no {JSON_FILE}, so it is not a saved comparison."
                    )
                with zf.open(member) as fh:
                    return _read_capped(fh, max_json_bytes, f"The {JSON_FILE} in this archive")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
            raise SavedError(f"This ZIP archive cannot be read ({type(exc).__name__}).") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                return _read_capped(fh, max_json_bytes, "This compressed file")
        except (OSError, EOFError) as exc:
            raise SavedError("This compressed file cannot be read.") from exc
    if len(data) > max_json_bytes:
        raise SavedError(
            f"This file has more than {max_json_bytes // 2**20} MB; at most that can be reopened."
        )
    return data


# --------------------------------------------------------------------------------------------------
# A bounded JSON scan: top-level members located in the bytes, only the needed ones decoded

_WS = re.compile(rb"[ \t\r\n]*")
# A JSON string body after its opening quote (unrolled: no backtracking on long strings).
_STRING_REST = re.compile(rb'[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_SCALAR = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null")
_STRUCT = re.compile(rb'["\[\]{}]')
_CLOSE = {ord("]"): ord("["), ord("}"): ord("{")}


class _Malformed(Exception):
    pass


def _ws(doc: bytes, i: int) -> int:
    m = _WS.match(doc, i)
    return m.end() if m else i


def _skip_value(doc: bytes, i: int) -> int:
    """End of the JSON value starting at ``doc[i]`` (strings and brackets checked, nothing built)."""
    if i >= len(doc):
        raise _Malformed("unexpected end")
    c = doc[i]
    if c == ord('"'):
        m = _STRING_REST.match(doc, i + 1)
        if m is None:
            raise _Malformed("bad string")
        return m.end()
    if c not in b"[{":
        m = _SCALAR.match(doc, i)
        if m is None:
            raise _Malformed("bad value")
        return m.end()
    stack = [c]
    pos = i + 1
    while stack:
        m = _STRUCT.search(doc, pos)
        if m is None:
            raise _Malformed("unclosed bracket")
        ch, pos = doc[m.start()], m.end()
        if ch == ord('"'):
            s = _STRING_REST.match(doc, pos)
            if s is None:
                raise _Malformed("bad string")
            pos = s.end()
        elif ch in _CLOSE:
            if stack.pop() != _CLOSE[ch]:
                raise _Malformed("mismatched bracket")
        else:
            stack.append(ch)
            if len(stack) > MAX_DEPTH:
                raise _Malformed("nested too deeply")
    return pos


def _decode(doc: bytes, start: int, end: int) -> Any:
    try:
        return json.loads(doc[start:end])
    except (ValueError, RecursionError) as exc:
        raise _Malformed(str(exc)) from exc


def scan_members(doc: bytes, wanted: frozenset[str] = _NEEDED) -> dict[str, Any]:
    """The wanted members of a top-level JSON object, decoded; every other member only scanned.

    Raises:
        SavedError: Not a JSON object, malformed, or a key given twice.
    """
    try:
        if doc.startswith(b"\xef\xbb\xbf"):
            doc = doc[3:]
        i = _ws(doc, 0)
        if doc[i : i + 1] != b"{":
            raise _Malformed("not an object")
        i = _ws(doc, i + 1)
        out: dict[str, Any] = {}
        seen: set[str] = set()
        if doc[i : i + 1] == b"}":
            i += 1
        else:
            while True:
                if doc[i : i + 1] != b'"':
                    raise _Malformed("expected a key")
                end = _skip_value(doc, i)
                key = _decode(doc, i, end)
                if key in seen:
                    raise _Malformed(f"key {key!r} given twice")
                seen.add(key)
                i = _ws(doc, end)
                if doc[i : i + 1] != b":":
                    raise _Malformed("expected ':'")
                i = _ws(doc, i + 1)
                end = _skip_value(doc, i)
                if key in wanted:
                    out[key] = _decode(doc, i, end)
                i = _ws(doc, end)
                if doc[i : i + 1] == b",":
                    i = _ws(doc, i + 1)
                    continue
                if doc[i : i + 1] == b"}":
                    i += 1
                    break
                raise _Malformed("expected ',' or '}'")
        if _ws(doc, i) != len(doc):
            raise _Malformed("text after the end")
    except _Malformed as exc:
        raise SavedError(f"This file is not a saved comparison: it is not well-formed JSON ({exc}).") from exc
    return out


# --------------------------------------------------------------------------------------------------
# Schema


def _malformed(what: str) -> SavedError:
    return SavedError(f"This saved comparison is damaged: {what}.")


def _string(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise _malformed(f"{what} is not text")
    if len(value) > limit:
        raise _malformed(f"{what} is longer than {limit:,} characters")
    return value


def _strings(value: object, what: str, count: int, limit: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _malformed(f"{what} is not a list")
    if len(value) > count:
        raise _malformed(f"{what} has more than {count:,} entries")
    return tuple(_string(v, what, limit) for v in value)


def _date(value: object, what: str) -> dt.date | None:
    if value is None:
        return None
    text = _string(value, what, 10)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _malformed(f"{what} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _malformed(f"{what} is not a real date") from exc


def _article(item: object, k: int, limits: Limits, notes: list[str]) -> Article:
    from core.ingest import normalise_characters  # noqa: PLC0415 - ingest's own cleaning rules

    if not isinstance(item, dict):
        raise _malformed(f"source #{k + 1} is not an object")
    name = _string(item.get("source_id"), f"the name of source #{k + 1}", MAX_NAME_CHARS)
    if not name.strip() or name != name.strip() or _CONTROL.search(name):
        raise _malformed(f"source #{k + 1} has an empty name or one with control characters")
    text = _string(item.get("text"), f"the text of {name!r}", limits.max_article_chars)
    title = _string(item.get("title", ""), f"the title of {name!r}", MAX_TITLE_CHARS)
    clean_text, clean_title = normalise_characters(text), " ".join(normalise_characters(title).split())
    if not re.search(r"\w", clean_text):
        raise _malformed(f"{name!r} has no text")
    own_notes = list(_strings(item.get("notes", []), f"the notes of {name!r}", MAX_NOTES, MAX_NOTE_CHARS))
    if (clean_text, clean_title) != (text, title):
        own_notes.append("text normalised when the saved comparison was reopened")
        notes.append(f"The text of “{name}” held characters the app removes; they were removed.")
    return Article(
        source_id=name,
        title=clean_title,
        text=clean_text,
        published=_date(item.get("published"), f"the publication date of {name!r}"),
        origin=_string(item.get("origin", ""), f"the origin of {name!r}", MAX_ORIGIN_CHARS),
        removed=_strings(
            item.get("removed", []), f"the removed lines of {name!r}", MAX_REMOVED_LINES, 20_000
        ),
        notes=tuple(own_notes),
    )


def _articles(value: object, limits: Limits, notes: list[str]) -> tuple[Article, ...]:
    if not isinstance(value, list) or not value:
        raise _malformed("it lists no sources")
    if len(value) > limits.max_sources:
        raise SavedError(
            f"This saved comparison has {len(value)} sources; at most {limits.max_sources} can be "
            "compared here."
        )
    arts = tuple(_article(item, k, limits, notes) for k, item in enumerate(value))
    names = [a.source_id for a in arts]
    if len(set(names)) != len(names):
        raise _malformed("two sources have the same name")
    total = sum(len(a.text) for a in arts)
    if total > limits.max_total_chars:
        raise SavedError(
            f"This saved comparison has {total:,} characters of text; at most {limits.max_total_chars:,} "
            "can be compared here."
        )
    return arts


# Sane bounds of each setting (any value the aligner accepts without misbehaving).
_SETTING_BOUNDS: dict[str, tuple[float, float]] = {
    "min_similarity": (-1.0, 1.0),
    "min_margin": (0.0, 10.0),
    "min_score": (-1.0, 3.0),
    "min_score_mutual": (-1.0, 3.0),
    "strong_similarity": (-1.0, 1.0),
    "neighbours": (1, 50),
    "lexical_weight": (0.0, 5.0),
    "question_penalty": (0.0, 2.0),
    "merge_gain": (-1.0, 1.0),
    "min_cohesion": (-1.0, 3.0),
    "cohesion_gap": (0.0, 3.0),
    "cohesion_cap": (0.0, 3.0),
    "max_group_sentences": (1, 20),
}


def _setting(name: str, value: object, default: object) -> object:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise _malformed(f"the setting {name} is not true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _malformed(f"the setting {name} is not a number")
    if not math.isfinite(value):
        raise _malformed(f"the setting {name} is not a finite number")
    if isinstance(default, int) and not float(value).is_integer():
        raise _malformed(f"the setting {name} is not a whole number")
    low, high = _SETTING_BOUNDS.get(name, (-math.inf, math.inf))
    if not low <= value <= high:
        raise _malformed(f"the setting {name} = {value} is outside {low:g}..{high:g}")
    return int(value) if isinstance(default, int) else float(value)


def _settings(value: object, notes: list[str]) -> Settings:
    if value is None:
        notes.append("The file does not say which settings it was made with: the defaults are used.")
        return Settings(DEFAULT_ALIGN, "")
    if not isinstance(value, dict):
        raise _malformed("its settings are not an object")
    backend = value.get("backend", "")
    if not isinstance(backend, str):
        raise _malformed("its embedding backend is not text")
    if backend and backend not in BACKEND_NAMES:
        notes.append("The file names an embedding model this app does not have; the current one is kept.")
        backend = ""
    align = value.get("align", {})
    if not isinstance(align, dict):
        raise _malformed("its alignment settings are not an object")
    unknown = sorted(set(align) - {f.name for f in dataclasses.fields(AlignConfig)})
    if unknown:
        notes.append("Settings this version does not know were ignored: " + ", ".join(map(str, unknown[:5])))
    values: dict[str, Any] = {}
    for f in dataclasses.fields(AlignConfig):
        default = getattr(DEFAULT_ALIGN, f.name)
        if f.name in align:
            values[f.name] = _setting(f.name, align[f.name], default)
        else:
            values[f.name] = default
    missing = [f.name for f in dataclasses.fields(AlignConfig) if f.name not in align]
    if missing and align:
        notes.append("Settings missing from the file took their defaults: " + ", ".join(missing[:5]))
    return Settings(AlignConfig(**values), backend)


def _version(members: dict[str, Any]) -> int:
    fmt = members.get("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise SavedError("This JSON file is not a saved comparison of this app.")
    version = members.get("format_version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise _malformed("its format version is not a whole number")
    if version > FORMAT_VERSION:
        raise SavedError(
            f"This comparison was saved by a newer version of the app (format {version}); this one reads "
            f"formats up to {FORMAT_VERSION}. Nothing was changed."
        )
    return int(version)


def read_saved(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, max_json_bytes: int = MAX_JSON_BYTES
) -> Saved:
    """Reads an uploaded saved comparison.

    Args:
        data: The uploaded bytes: ``comparison.json``, the ZIP of all downloads, or a gzip of the JSON.
        limits: The app's limits (sources, characters) the restored sources must fit.
        max_json_bytes: Most JSON bytes read (after unpacking).

    Returns:
        The sources and settings to restore.

    Raises:
        SavedError: The file is too big, not JSON, damaged, from a newer version, or over the limits;
            the message says which, for the user.
    """
    if not data:
        raise SavedError("The file is empty.")
    doc = unpack(data, max_json_bytes=max_json_bytes)
    members = scan_members(doc)
    if "sources" not in members:
        raise SavedError("This JSON file is not a saved comparison: it lists no sources.")
    version = _version(members)
    notes: list[str] = []
    settings = _settings(members.get("settings"), notes)
    articles = _articles(members["sources"], limits, notes)
    claims = members.get("claims")
    return Saved(articles, settings, version, len(claims) if isinstance(claims, list) else None, tuple(notes))
