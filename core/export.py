"""Tables and JSON of a ``Comparison``; the CLI writes them and the app offers them as downloads.

Memory follows the work, not the export: ``Tables`` builds each table's rows once (CSV and JSON share
them), and ``write_json`` streams ``comparison.json`` record by record to a file instead of building one
string (100 synthetic sources: a 68 MB string and a 1.0 GB increment before; see ``bench/
bench_export_memory.py``). ``comparison.json`` is versioned (``FORMAT_VERSION``) and carries the
settings it was made with, so ``core.saved`` can reopen it exactly.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from core.config import DEFAULT_ALIGN, AlignConfig
from core.consensus import CONSENSUS_COLUMNS, Consensus, comparison_consensus, consensus_rows
from core.model import Comparison

FORMAT_NAME = "newscompare.comparison"
# 1: the first versioned format (format, format_version, generator and settings added; consensus
# rows; missing offsets are null). A reader refuses a newer version rather than misread it.
FORMAT_VERSION = 1

ALIGNMENT_COLUMNS = (
    "claim_id", "source_a", "source_b", "text_a", "text_b", "start_a", "end_a", "start_b", "end_b",
    "sentences_a", "sentences_b", "similarity", "margin", "lexical", "direct",
)  # fmt: skip
UNIQUE_COLUMNS = ("source", "sentence", "start", "end", "text")
CSV_FILES = ("alignments.csv", "claims.csv", "unique.csv", "divergences.csv", "consensus.csv")
JSON_FILE = "comparison.json"
FILES = (*CSV_FILES, JSON_FILE)


@dataclass(frozen=True, slots=True)
class Settings:
    """What a comparison was made with, saved in ``comparison.json`` so that reopening it gives the same
    tables: the aligner's settings and the embedding backend."""

    align: AlignConfig = field(default_factory=lambda: DEFAULT_ALIGN)
    backend: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"backend": self.backend, "align": dataclasses.asdict(self.align)}


# --------------------------------------------------------------------------------------------------
# Rows, built once per comparison


def _range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def alignments_frame(cmp: Comparison) -> pd.DataFrame:
    """One row per aligned pair of passages (every pair of sources within each claim group).

    ``sentences_a``/``sentences_b`` are sentence index ranges like "3" or "3-4" (one-to-many links).
    """
    claim_of = {}
    for claim in cmp.claims:
        for p in claim.passages:
            claim_of[(p.source_id, p.first)] = claim.claim_id
    columns: dict[str, list[Any]] = {c: [] for c in ALIGNMENT_COLUMNS}
    for lk in cmp.links:  # column lists, not a dict per row: a third of the memory at 50 sources
        a, b = lk.a, lk.b
        values = (
            lk.claim_id or claim_of[(a.source_id, a.first)], a.source_id, b.source_id, a.text, b.text,
            a.start, a.end, b.start, b.end, _range(a.first, a.last), _range(b.first, b.last),
            lk.similarity, lk.margin, lk.lexical, lk.direct,
        )  # fmt: skip
        for column, value in zip(ALIGNMENT_COLUMNS, values, strict=True):
            columns[column].append(value)
    return pd.DataFrame(columns, columns=list(ALIGNMENT_COLUMNS))


def claims_frame(cmp: Comparison) -> pd.DataFrame:
    """One row per claim group: ``claim_id``, ``n_sources``, ``divergences`` and one column per source
    holding that source's passage (empty where the source does not carry the claim)."""
    n_div: dict[int, int] = {}
    for fp in cmp.facts:
        if fp.relation != "same":
            n_div[fp.claim_id] = n_div.get(fp.claim_id, 0) + 1
    ids = list(cmp.source_ids)
    fixed = ["claim_id", "n_sources", "divergences"]
    # A source named like a fixed column ("claim_id.txt") must not overwrite it.
    columns = [f"{sid} (source)" if sid in fixed else sid for sid in ids]
    rows = []
    for claim in cmp.claims:
        row: dict[str, Any] = {
            "claim_id": claim.claim_id,
            "n_sources": len(claim.passages),
            "divergences": n_div.get(claim.claim_id, 0),
        }
        for sid, column in zip(ids, columns, strict=True):
            p = claim.passage(sid)
            row[column] = p.text if p else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=[*fixed, *columns])


def unique_frame(cmp: Comparison) -> pd.DataFrame:
    """Sentences only one source carries: ``source, sentence, start, end, text``."""
    rows = [(p.source_id, p.first, p.start, p.end, p.text) for p in cmp.unique]
    return pd.DataFrame(rows, columns=list(UNIQUE_COLUMNS))


def divergences_frame(cmp: Comparison, *, include_same: bool = False) -> pd.DataFrame:
    """One row per compared fact pair that is not ``same`` (see ``core.facts.divergence_rows``)."""
    from core.facts import DIVERGENCE_COLUMNS, divergence_rows  # noqa: PLC0415

    frame = pd.DataFrame(
        divergence_rows(cmp.facts, include_same=include_same), columns=list(DIVERGENCE_COLUMNS)
    )
    # Offsets of a fact only one side states are empty on the other side: nullable integers, so the CSV
    # reads "179" and "" rather than "179.0" and "".
    for column in ("start_a", "end_a", "start_b", "end_b"):
        frame[column] = frame[column].astype("Int64")
    return frame


def consensus_frame(items: list[Consensus]) -> pd.DataFrame:
    """``consensus.csv``: one row per source of every slot stated by three or more sources."""
    return pd.DataFrame(consensus_rows(items), columns=list(CONSENSUS_COLUMNS))


class Tables:
    """The export tables of one comparison, each built once on first use and shared by CSV and JSON.

    Args:
        cmp: The comparison.
        settings: What it was made with (saved in the JSON).
    """

    def __init__(self, cmp: Comparison, settings: Settings | None = None) -> None:
        self.cmp = cmp
        self.settings = settings or Settings()

    @cached_property
    def alignments(self) -> pd.DataFrame:
        return alignments_frame(self.cmp)

    @cached_property
    def claims(self) -> pd.DataFrame:
        return claims_frame(self.cmp)

    @cached_property
    def unique(self) -> pd.DataFrame:
        return unique_frame(self.cmp)

    @cached_property
    def all_divergences(self) -> pd.DataFrame:
        """Every compared fact pair, ``same`` included (the JSON holds them all)."""
        return divergences_frame(self.cmp, include_same=True)

    def divergences(self, *, include_same: bool = False) -> pd.DataFrame:
        frame = self.all_divergences
        return frame if include_same else frame[frame["relation"] != "same"].reset_index(drop=True)

    @cached_property
    def consensus_items(self) -> list[Consensus]:
        return comparison_consensus(self.cmp)

    @cached_property
    def consensus(self) -> pd.DataFrame:
        return consensus_frame(self.consensus_items)

    def csv_frame(self, name: str, *, include_same: bool = False) -> pd.DataFrame:
        """The table behind one of ``CSV_FILES``."""
        if name == "divergences.csv":
            return self.divergences(include_same=include_same)
        frames: dict[str, Callable[[], pd.DataFrame]] = {
            "alignments.csv": lambda: self.alignments,
            "claims.csv": lambda: self.claims,
            "unique.csv": lambda: self.unique,
            "consensus.csv": lambda: self.consensus,
        }
        return frames[name]()


# --------------------------------------------------------------------------------------------------
# JSON, streamed


def _json_default(value: object) -> object:
    """numpy scalars as Python numbers, pandas' missing value as null (never the string "<NA>")."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return _finite(value.item())
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, allow_nan=False)


def _frame_records(frame: pd.DataFrame, chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Rows as dicts, a chunk at a time (a 30,000-row table is never one list of dicts)."""
    float_columns = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    for start in range(0, len(frame), chunk):
        for record in frame.iloc[start : start + chunk].to_dict(orient="records"):
            for c in float_columns:
                record[c] = _finite(record[c])
            yield record


def _source_records(cmp: Comparison) -> Iterator[dict[str, Any]]:
    for a in cmp.articles:
        yield {
            "source_id": a.source_id,
            "title": a.title,
            "published": a.published.isoformat() if a.published else None,
            "origin": a.origin,
            "text": a.text,
            "removed": list(a.removed),
            "notes": list(a.notes),
            "sentences": [
                {"index": s.index, "start": s.start, "end": s.end, "heading": s.is_heading}
                for s in cmp.sentences[a.source_id]
            ],
        }


def _claim_records(cmp: Comparison) -> Iterator[dict[str, Any]]:
    for c in cmp.claims:
        yield {
            "claim_id": c.claim_id,
            "passages": [
                {"source_id": p.source_id, "first": p.first, "last": p.last, "start": p.start,
                 "end": p.end, "text": p.text}
                for p in c.passages
            ],
        }  # fmt: skip


def _sections(tables: Tables) -> Iterator[tuple[str, object]]:
    """Top-level keys of ``comparison.json`` in order: what reopening needs comes first."""
    cmp = tables.cmp
    yield "format", FORMAT_NAME
    yield "format_version", FORMAT_VERSION
    yield "generator", "newscompare"
    yield "settings", tables.settings.to_json()
    yield "sources", _source_records(cmp)
    yield "claims", _claim_records(cmp)
    yield "alignments", _frame_records(tables.alignments)
    yield "unique", _frame_records(tables.unique)
    yield "divergences", _frame_records(tables.all_divergences)
    yield "consensus", _frame_records(tables.consensus)
    yield "timings", {k: _finite(v) for k, v in cmp.timings.items()}
    yield "warnings", list(cmp.warnings)
    yield "compared_claims", cmp.compared_claims


def write_json(tables: Tables, out: IO[str]) -> None:
    """Streams ``comparison.json`` to a text stream: one top-level key per line, one record per line
    in the long lists, so memory holds one record at a time (plus the tables, which CSV shares)."""
    out.write("{")
    for k, (key, value) in enumerate(_sections(tables)):
        out.write(("\n" if k == 0 else ",\n") + _dumps(key) + ": ")
        if isinstance(value, Iterator):
            out.write("[")
            for i, record in enumerate(value):
                out.write(("\n" if i == 0 else ",\n") + _dumps(record))
            out.write("\n]")
        else:
            out.write(_dumps(value))
    out.write("\n}\n")


def to_json_dict(cmp: Comparison, *, settings: Settings | None = None) -> dict[str, Any]:
    """The whole comparison as plain JSON-able data (small comparisons and tests; files are streamed)."""
    parsed: dict[str, Any] = json.loads(to_json(cmp, settings=settings))
    return parsed


def to_json(cmp: Comparison, *, settings: Settings | None = None) -> str:
    """``comparison.json`` as one string (``write_json`` streams it instead)."""
    buf = io.StringIO()
    write_json(Tables(cmp, settings), buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(...)") gets a leading apostrophe
    (the OWASP advice for CSV injection); so does one starting with a tab or carriage return, which
    some spreadsheets strip before reading the rest as a formula. Numbers are left alone; the JSON keeps
    the exact text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_defuse = defuse  # the name tests and older callers import


def _defused(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(defuse)
    safe.columns = [str(defuse(c)) for c in safe.columns]
    return safe


def write_csv(frame: pd.DataFrame, out: IO[str]) -> None:
    """CSV to a text stream (UTF-8 with BOM is the caller's encoding), text cells defused.

    Lines end in CRLF as RFC 4180 says: Python's writer quotes a cell only when it holds a character of
    the line terminator, so with a bare LF a cell holding a CR would go out unquoted and break the row.
    """
    _defused(frame).to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM (so spreadsheet programs read accents), text cells defused against formula
    injection: the text of a cell that starts with = + - @, a tab or a carriage return is prefixed with
    an apostrophe."""
    buf = io.StringIO()
    write_csv(frame, buf)
    return buf.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------------------------------
# Files


def file_bytes(tables: Tables, name: str, *, include_same: bool = False) -> bytes:
    """The bytes of one export file (``FILES``)."""
    if name == JSON_FILE:
        raw = io.BytesIO()
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
        write_json(tables, text)
        text.flush()
        data = raw.getvalue()
        text.detach()
        return data
    return csv_bytes(tables.csv_frame(name, include_same=include_same))


def write_zip(
    tables: Tables,
    out: IO[bytes],
    *,
    names: Iterable[str] = FILES,
    extra: dict[str, Callable[[], bytes]] | None = None,
) -> None:
    """Every export file into one ZIP archive, each written straight into its entry (the JSON is never
    one string); ``extra`` adds files made on demand (the HTML report)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            with zf.open(name, "w") as entry:
                stream = io.TextIOWrapper(
                    entry, encoding="utf-8-sig" if name.endswith(".csv") else "utf-8", newline=""
                )
                if name == JSON_FILE:
                    write_json(tables, stream)
                else:
                    write_csv(tables.csv_frame(name), stream)
                stream.flush()
                stream.detach()
        for name, make in (extra or {}).items():
            zf.writestr(name, make())


def write_tables(
    cmp: Comparison, out_dir: Path, *, include_same: bool = False, settings: Settings | None = None
) -> list[Path]:
    """Writes alignments.csv, claims.csv, unique.csv, divergences.csv, consensus.csv and comparison.json,
    one file at a time (the JSON streamed), from tables built once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = Tables(cmp, settings)
    paths = []
    for name in FILES:
        path = out_dir / name
        encoding = "utf-8-sig" if name.endswith(".csv") else "utf-8"
        with path.open("w", encoding=encoding, newline="") as fh:
            if name == JSON_FILE:
                write_json(tables, fh)
            else:
                write_csv(tables.csv_frame(name, include_same=include_same), fh)
        paths.append(path)
    return paths
