"""Exports: CSV formula defusing (every dangerous first character, headers included), the versioned and
streamed comparison.json, consensus.csv, and rows built once for every format."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from core import export
from core.config import AlignConfig
from core.embed import CachingEmbedder, HashingEmbedder
from core.export import (
    FILES,
    FORMAT_VERSION,
    Settings,
    Tables,
    csv_bytes,
    file_bytes,
    to_json,
    write_json,
    write_tables,
    write_zip,
)
from core.model import Article, Claim, Comparison, Link, Passage, Sentence
from core.pipeline import compare


@pytest.fixture(scope="module")
def demo_cmp() -> Comparison:
    from core.demo import demo_articles

    return compare(demo_articles(), CachingEmbedder(HashingEmbedder()))


def raw_rows(data: bytes) -> list[list[str]]:
    """The CSV exactly as a spreadsheet receives it (no pandas type guessing or stripping)."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------------------------------
# CSV defusing


DANGEROUS = ["=1+1", "+1", "-5% of trains", "@SUM(A1)", "\tTab first", "\rCarriage return first"]


@pytest.mark.parametrize("cell", DANGEROUS)
def test_csv_defuses_every_formula_start_including_tab_and_cr(cell: str) -> None:
    """Regression for the surviving mutant "CSV defusing of cells starting with tab or CR removed":
    a spreadsheet strips a leading tab/CR and reads the rest as a formula."""
    frame = pd.DataFrame({"text": [cell, "plain text"], "number": [-5, 3]})
    rows = raw_rows(csv_bytes(frame))
    assert rows[1] == ["'" + cell, "-5"]  # the text defused, exactly; the number left a number
    assert rows[2] == ["plain text", "3"]


def test_csv_headers_are_defused_exactly_and_nothing_else_changes() -> None:
    """Headers come back defused exactly: a dangerous one gains one apostrophe, a header that really
    starts with an apostrophe keeps it (a check that strips "'" before comparing accepts both a raw
    "=1+1" and a mangled "quoted")."""
    names = ["=1+1", "'quoted", "plain", "\tTab", "-minus"]
    frame = pd.DataFrame([["x"] * len(names)], columns=names)
    header = raw_rows(csv_bytes(frame))[0]
    assert header == ["'=1+1", "'quoted", "plain", "'\tTab", "'-minus"]


def test_csv_source_named_like_a_formula_in_claims_csv(demo_cmp: Comparison) -> None:
    arts = [
        a if i else Article("=cmd|' /C calc'!A0", a.title, a.text) for i, a in enumerate(demo_cmp.articles)
    ]
    cmp = compare(arts, CachingEmbedder(HashingEmbedder()), with_facts=False)
    header = raw_rows(csv_bytes(export.claims_frame(cmp)))[0]
    assert "'=cmd|' /C calc'!A0" in header
    assert not any(h.startswith(("=", "+", "-", "@", "\t", "\r")) for h in header)


# --------------------------------------------------------------------------------------------------
# comparison.json


def test_json_is_versioned_and_carries_the_settings(demo_cmp: Comparison) -> None:
    config = AlignConfig(min_margin=1.3, allow_merges=False, neighbours=6)
    data = json.loads(to_json(demo_cmp, settings=Settings(config, "onnx")))
    assert list(data)[:5] == ["format", "format_version", "generator", "settings", "sources"]
    assert data["format"] == "newscompare.comparison"
    assert data["format_version"] == FORMAT_VERSION
    assert data["settings"]["backend"] == "onnx"
    assert AlignConfig(**data["settings"]["align"]) == config


def test_json_missing_offsets_are_null_not_na_strings(demo_cmp: Comparison) -> None:
    data = json.loads(to_json(demo_cmp))
    only = [d for d in data["divergences"] if d["relation"] == "only_in_a"]
    assert only, "the demo has facts one side states alone"
    assert all(d["start_b"] is None and d["end_b"] is None for d in only)
    assert all(isinstance(d["start_a"], int) for d in only)
    assert "<NA>" not in to_json(demo_cmp)


def test_streamed_json_equals_the_string_and_parses(demo_cmp: Comparison, tmp_path: Path) -> None:
    written = {p.name: p for p in write_tables(demo_cmp, tmp_path, settings=Settings(backend="hashing"))}
    assert set(written) == set(FILES)
    text = written["comparison.json"].read_text(encoding="utf-8")
    assert text == to_json(demo_cmp, settings=Settings(backend="hashing"))
    data = json.loads(text)
    assert len(data["alignments"]) == len(demo_cmp.links)
    assert len(data["divergences"]) == len(demo_cmp.facts)
    by_id = {s["source_id"]: s["text"] for s in data["sources"]}
    for row in data["alignments"]:
        assert by_id[row["source_a"]][row["start_a"] : row["end_a"]] == row["text_a"]


def test_file_bytes_and_zip_equal_the_written_files(demo_cmp: Comparison, tmp_path: Path) -> None:
    settings = Settings(backend="hashing")
    written = {p.name: p.read_bytes() for p in write_tables(demo_cmp, tmp_path, settings=settings)}
    tables = Tables(demo_cmp, settings)
    for name, data in written.items():
        assert file_bytes(tables, name) == data, name
    buf = io.BytesIO()
    write_zip(tables, buf, extra={"report.html": lambda: b"<html></html>"})
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        assert set(zf.namelist()) == {*FILES, "report.html"}
        for name, data in written.items():
            assert zf.read(name) == data, name


def test_consensus_csv_lists_slots_of_three_or_more_sources(demo_cmp: Comparison, tmp_path: Path) -> None:
    path = next(p for p in write_tables(demo_cmp, tmp_path) if p.name == "consensus.csv")
    frame = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == list(export.CONSENSUS_COLUMNS)
    assert (frame["n_sources"] >= 3).all()
    texts = {a.source_id: a.text for a in demo_cmp.articles}
    for row in frame.itertuples():
        assert texts[row.source][row.start : row.end] == row.text


def test_rows_are_built_once_for_every_format(demo_cmp: Comparison, tmp_path: Path, monkeypatch) -> None:
    calls: dict[str, int] = {}
    for name in ("alignments_frame", "unique_frame", "divergences_frame", "claims_frame"):
        original = getattr(export, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(export, name, counted)
    write_tables(demo_cmp, tmp_path)
    assert calls == {"alignments_frame": 1, "unique_frame": 1, "divergences_frame": 1, "claims_frame": 1}


class _Sink(io.TextIOBase):
    """A text stream that only counts what is written to it."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


def _many_links(n_links: int) -> Comparison:
    text = " ".join(f"Sentence number {i} tells of the bridge and its long repair." for i in range(200))
    arts = tuple(Article(sid, "", text) for sid in ("a", "b"))
    sents: dict[str, tuple[Sentence, ...]] = {}
    for a in arts:
        out, pos = [], 0
        for i, s in enumerate(a.text.split(" Sentence")):
            body = s if i == 0 else "Sentence" + s
            start = a.text.index(body, pos)
            out.append(Sentence(a.source_id, i, start, start + len(body), body))
            pos = start + len(body)
        sents[a.source_id] = tuple(out)
    pa = [Passage("a", s.index, s.index, s.start, s.end, s.text) for s in sents["a"]]
    pb = [Passage("b", s.index, s.index, s.start, s.end, s.text) for s in sents["b"]]
    claims = tuple(Claim(i + 1, (pa[i], pb[i])) for i in range(len(pa)))
    links = tuple(Link(pa[i % 200], pb[i % 200], 0.9, 1.2, 0.5) for i in range(n_links))
    return Comparison(arts, sents, claims, links, ())


def test_json_is_streamed_not_built_as_one_string() -> None:
    """Writing the JSON holds about one record at a time: its peak allocation stays a small fraction of
    the document (building it as one string would need at least the whole document)."""
    tables = Tables(_many_links(20_000))
    _ = tables.alignments, tables.unique, tables.all_divergences, tables.consensus  # built beforehand
    sink = _Sink()
    tracemalloc.start()
    try:
        write_json(tables, sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.chars > 5_000_000
    assert peak < sink.chars / 5, (peak, sink.chars)
