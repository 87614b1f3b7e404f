"""Tables and JSON of a ``Comparison``; the CLI writes them and the app offers them as downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from core.model import Comparison

ALIGNMENT_COLUMNS = (
    "claim_id", "source_a", "source_b", "text_a", "text_b", "start_a", "end_a", "start_b", "end_b",
    "sentences_a", "sentences_b", "similarity", "margin", "lexical", "direct",
)  # fmt: skip


def alignments_frame(cmp: Comparison) -> pd.DataFrame:
    """One row per aligned pair of passages (every pair of sources within each claim group).

    ``sentences_a``/``sentences_b`` are sentence index ranges like "3" or "3-4" (one-to-many links).
    """
    claim_of = {}
    for claim in cmp.claims:
        for p in claim.passages:
            claim_of[(p.source_id, p.first)] = claim.claim_id
    rows = [
        {
            "claim_id": lk.claim_id or claim_of[(lk.a.source_id, lk.a.first)],
            "source_a": lk.a.source_id,
            "source_b": lk.b.source_id,
            "text_a": lk.a.text,
            "text_b": lk.b.text,
            "start_a": lk.a.start,
            "end_a": lk.a.end,
            "start_b": lk.b.start,
            "end_b": lk.b.end,
            "sentences_a": _range(lk.a.first, lk.a.last),
            "sentences_b": _range(lk.b.first, lk.b.last),
            "similarity": lk.similarity,
            "margin": lk.margin,
            "lexical": lk.lexical,
            "direct": lk.direct,
        }
        for lk in cmp.links
    ]
    return pd.DataFrame(rows, columns=list(ALIGNMENT_COLUMNS))


def _range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


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
    rows = [
        {"source": p.source_id, "sentence": p.first, "start": p.start, "end": p.end, "text": p.text}
        for p in cmp.unique
    ]
    return pd.DataFrame(rows, columns=["source", "sentence", "start", "end", "text"])


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


def to_json_dict(cmp: Comparison) -> dict[str, Any]:
    """The whole comparison as plain JSON-able data."""
    return {
        "sources": [
            {
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
            for a in cmp.articles
        ],
        "claims": [
            {
                "claim_id": c.claim_id,
                "passages": [
                    {
                        "source_id": p.source_id,
                        "first": p.first,
                        "last": p.last,
                        "start": p.start,
                        "end": p.end,
                        "text": p.text,
                    }
                    for p in c.passages
                ],
            }
            for c in cmp.claims
        ],
        "alignments": alignments_frame(cmp).to_dict(orient="records"),
        "unique": unique_frame(cmp).to_dict(orient="records"),
        "divergences": divergences_frame(cmp, include_same=True).to_dict(orient="records"),
        "timings": cmp.timings,
        "warnings": list(cmp.warnings),
        "compared_claims": cmp.compared_claims,
    }


def to_json(cmp: Comparison) -> str:
    return json.dumps(to_json_dict(cmp), ensure_ascii=False, indent=1, default=str)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(...)") gets a leading apostrophe
    (the OWASP advice for CSV injection). Numbers are left alone; the JSON keeps the exact text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM (so spreadsheet programs read accents), text cells defused against formula
    injection: the text of a cell that starts with = + - @ is prefixed with an apostrophe."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(_defuse)
    safe.columns = [str(_defuse(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8-sig")


def write_tables(cmp: Comparison, out_dir: Path, *, include_same: bool = False) -> list[Path]:
    """Writes alignments.csv, claims.csv, unique.csv, divergences.csv and comparison.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "alignments.csv": csv_bytes(alignments_frame(cmp)),
        "claims.csv": csv_bytes(claims_frame(cmp)),
        "unique.csv": csv_bytes(unique_frame(cmp)),
        "divergences.csv": csv_bytes(divergences_frame(cmp, include_same=include_same)),
        "comparison.json": to_json(cmp).encode("utf-8"),
    }
    paths = []
    for name, data in files.items():
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
