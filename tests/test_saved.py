"""Reopening a saved comparison: the round trip gives identical tables; every malformed, oversized, newer
or hostile file is refused with a message (the caller's state is untouched: ``read_saved`` only reads)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.config import AlignConfig, Limits
from core.demo import demo_articles
from core.embed import CachingEmbedder, HashingEmbedder
from core.export import CSV_FILES, FORMAT_VERSION, Settings, Tables, file_bytes, to_json, write_zip
from core.ingest import article_from_text
from core.model import Article, Comparison
from core.pipeline import compare
from core.saved import SavedError, read_saved, scan_members

CONFIG = AlignConfig(min_margin=1.05, min_score=0.6, allow_merges=False, neighbours=3, min_cohesion=0.4)


@pytest.fixture(scope="module")
def embedder() -> CachingEmbedder:
    return CachingEmbedder(HashingEmbedder())


@pytest.fixture(scope="module")
def sources() -> tuple[Article, ...]:
    arts = list(demo_articles())
    arts[0] = dataclasses.replace(
        arts[0],
        source_id="Eastmere Post <b>“online”</b>",
        published=dt.date(2025, 3, 15),
        notes=("decoded as cp1252",),
        removed=("By A. Writer", "© Eastmere Post"),
    )
    arts[1] = dataclasses.replace(
        arts[1], published=dt.date(1, 1, 1), title="<script>alert(1)</script> Title"
    )
    return tuple(arts)


@pytest.fixture(scope="module")
def saved_cmp(sources: tuple[Article, ...], embedder: CachingEmbedder) -> Comparison:
    return compare(sources, embedder, CONFIG)


def tables_bytes(cmp: Comparison, settings: Settings) -> dict[str, bytes]:
    tables = Tables(cmp, settings)
    out = {name: file_bytes(tables, name) for name in CSV_FILES}
    data = json.loads(to_json(cmp, settings=settings))
    data.pop("timings")
    out["comparison.json"] = json.dumps(data, ensure_ascii=False).encode()
    return out


def test_round_trip_restores_sources_settings_and_identical_tables(
    saved_cmp: Comparison, sources: tuple[Article, ...], embedder: CachingEmbedder
) -> None:
    settings = Settings(CONFIG, "hashing")
    data = to_json(saved_cmp, settings=settings).encode("utf-8")
    saved = read_saved(data)
    assert saved.articles == sources  # names, titles, dates, origins, removed lines, notes: exactly
    assert saved.settings == settings
    assert saved.format_version == FORMAT_VERSION
    assert saved.claims == len(saved_cmp.claims)
    assert saved.notes == ()
    again = compare(saved.articles, embedder, saved.settings.align)
    assert tables_bytes(again, saved.settings) == tables_bytes(saved_cmp, settings)


def test_round_trip_through_the_zip_and_gzip(saved_cmp: Comparison, sources: tuple[Article, ...]) -> None:
    settings = Settings(CONFIG, "onnx")
    buf = io.BytesIO()
    write_zip(Tables(saved_cmp, settings), buf)
    assert read_saved(buf.getvalue()).articles == sources
    assert read_saved(gzip.compress(to_json(saved_cmp, settings=settings).encode())).settings == settings


def test_export_from_before_versions_reads_with_default_settings(saved_cmp: Comparison) -> None:
    data = json.loads(to_json(saved_cmp))
    for key in ("format", "format_version", "generator", "settings"):
        data.pop(key)
    saved = read_saved(json.dumps(data).encode())
    assert saved.format_version == 0
    assert saved.settings.align == AlignConfig()
    assert any("defaults" in n for n in saved.notes)


# --------------------------------------------------------------------------------------------------
# Refusals, each with a message


def _doc(cmp: Comparison, **changes: object) -> bytes:
    data = json.loads(to_json(cmp, settings=Settings(CONFIG, "hashing")))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


def _with_source(cmp: Comparison, k: int, **changes: object) -> bytes:
    data = json.loads(to_json(cmp))
    data["sources"][k].update(changes)
    return json.dumps(data).encode()


def refused(data: bytes, *, match: str, **kwargs: object) -> str:
    with pytest.raises(SavedError, match=match) as info:
        read_saved(data, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.endswith(".") and "Traceback" not in message
    return message


def test_newer_format_is_refused(saved_cmp: Comparison) -> None:
    message = refused(_doc(saved_cmp, format_version=FORMAT_VERSION + 1), match="newer version")
    assert f"format {FORMAT_VERSION + 1}" in message


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "not well-formed JSON"),
        (b'{"sources": [', "not well-formed JSON"),
        (b"[1, 2, 3]", "not well-formed JSON"),
        (b'{"a": 1} trailing', "not well-formed JSON"),
        (b'{"a": 1, "a": 2}', "given twice"),
        (b'{"sources": 1e999999999}', "no sources|not well-formed"),
        (b"{" + b'"x":' + b"[" * 5000 + b"]" * 5000 + b', "sources": []}', "not well-formed JSON"),
        (b'{"sources": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "not well-formed JSON|damaged"),
        (b'{"sources": "\xff\xfe not utf-8"}', "not well-formed JSON"),
        (b'{"claims": []}', "lists no sources"),
        (b'{"format": "something.else", "sources": []}', "not a saved comparison of this app"),
        (b'{"format_version": "1", "sources": [{"source_id": "a", "text": "x"}]}', "format version"),
        (b'{"format_version": true, "sources": [{"source_id": "a", "text": "x"}]}', "format version"),
        (b'{"sources": []}', "no sources"),
        (b'{"sources": [1, 2]}', "not an object"),
        (b'{"sources": [{"source_id": "a"}]}', "text of 'a' is not text"),
        (b'{"sources": [{"source_id": "", "text": "Some text."}]}', "empty name"),
        (b'{"sources": [{"source_id": "a\\u0000b", "text": "Some text."}]}', "control characters"),
        (b'{"sources": [{"source_id": "a", "text": "   "}]}', "has no text"),
        (b'{"sources": [{"source_id": "a", "text": "T."}, {"source_id": "a", "text": "U."}]}', "same name"),
        (b'{"sources": [{"source_id": "a", "text": "T.", "published": "2025-02-30"}]}', "not a real date"),
        (b'{"sources": [{"source_id": "a", "text": "T.", "published": "yesterday"}]}', "not a date"),
        (b'{"sources": [{"source_id": "a", "text": "T.", "notes": "x"}]}', "not a list"),
        (b'{"settings": [], "sources": [{"source_id": "a", "text": "T."}]}', "settings are not"),
        (b'{"settings": {"align": {"min_margin": "high"}}, "sources": [{"source_id": "a", "text": "T."}]}',
         "not a number"),
        (b'{"settings": {"align": {"min_margin": 1e300}}, "sources": [{"source_id": "a", "text": "T."}]}',
         "outside"),
        (b'{"settings": {"align": {"neighbours": 2.5}}, "sources": [{"source_id": "a", "text": "T."}]}',
         "whole number"),
        (b'{"settings": {"align": {"allow_merges": 1}}, "sources": [{"source_id": "a", "text": "T."}]}',
         "true or false"),
        (b'{"settings": {"backend": 3}, "sources": [{"source_id": "a", "text": "T."}]}', "backend"),
    ],
)  # fmt: skip
def test_malformed_files_are_refused_with_a_message(data: bytes, match: str) -> None:
    refused(data, match=match)


def test_limits_are_enforced(saved_cmp: Comparison) -> None:
    data = to_json(saved_cmp).encode()
    refused(data, match="at most 2 can be compared", limits=Limits(max_sources=2))
    refused(data, match="characters of text", limits=Limits(max_total_chars=1000))
    refused(data, match="longer than", limits=Limits(max_article_chars=100))
    refused(data, match="more than 0 MB", max_json_bytes=len(data) - 1)
    assert read_saved(data, max_json_bytes=len(data)).articles


def test_compression_bombs_are_cut_off_at_the_cap() -> None:
    """A 1 MB JSON that packs to a few KB is refused at a 64 KB cap without inflating it all."""
    bomb = b'{"sources": ["' + b"a" * 1_000_000 + b'"]}'
    for packed in (gzip.compress(bomb), _zip({"comparison.json": bomb})):
        assert len(packed) < 10_000
        refused(packed, match="more than 0 MB", max_json_bytes=64 * 1024)


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_bad_archives_are_refused() -> None:
    refused(_zip({"claims.csv": b"a,b"}), match="holds no comparison.json")
    refused(_zip({f"f{i}.txt": b"" for i in range(100)}), match="too many files")
    good = _zip({"comparison.json": b'{"sources": []}'})
    refused(good[: len(good) // 2], match="cannot be read")
    refused(b"\x1f\x8b" + b"\x00" * 20, match="cannot be read")


def test_damaged_text_fields(saved_cmp: Comparison) -> None:
    refused(_with_source(saved_cmp, 0, title=["x"]), match="title")
    refused(_with_source(saved_cmp, 1, removed=[1, 2]), match="removed lines")
    refused(_with_source(saved_cmp, 2, origin="x" * 5000), match="origin")


def test_control_and_invisible_characters_in_text_are_removed_with_a_note(saved_cmp: Comparison) -> None:
    text = "The council approved\u200b the bridge\x07 on Monday.\u202e Residents cheered."
    saved = read_saved(_with_source(saved_cmp, 0, text=text, title="Bridge\u200b approved"))
    art = saved.articles[0]
    assert art.text == "The council approved the bridge on Monday. Residents cheered."
    assert art.title == "Bridge approved"
    assert "text normalised when the saved comparison was reopened" in art.notes
    assert any("removed" in n for n in saved.notes)


def test_unknown_keys_and_settings_are_ignored_with_a_note(saved_cmp: Comparison) -> None:
    data = json.loads(to_json(saved_cmp, settings=Settings(CONFIG, "hashing")))
    data["something_new"] = {"nested": [1, 2, {"deep": "value"}]}
    data["settings"]["align"]["future_knob"] = 3
    data["settings"]["backend"] = "gpt-9000"
    saved = read_saved(json.dumps(data).encode())
    assert saved.settings.align == CONFIG
    assert saved.settings.backend == ""
    assert any("future_knob" in n for n in saved.notes)
    assert any("embedding model" in n for n in saved.notes)


def test_scan_members_decodes_only_what_is_asked() -> None:
    doc = b'{"a": {"x": [1, "\\"]", {"}": 2}]}, "b": "two", "c": [true, false, null, -1.5e3]}'
    assert scan_members(doc, frozenset({"b", "c"})) == {"b": "two", "c": [True, False, None, -1500.0]}
    assert json.loads(doc)["a"] == {"x": [1, '"]', {"}": 2}]}  # the skipped member was valid JSON


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_or_a_message(data: bytes) -> None:
    assert outcome(data)


def outcome(data: bytes) -> str:
    """ "opened" or the message; any other exception fails the test."""
    try:
        read_saved(data)
    except SavedError as exc:
        return str(exc)
    return "opened"


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=20),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                    max_leaves=20))  # fmt: skip
def test_any_json_gives_a_result_or_a_message(value: object) -> None:
    for doc in (value, {"sources": value}, {"sources": [value]}, {"settings": value, "sources": [value]}):
        assert outcome(json.dumps(doc).encode())


def test_written_file_reopens(tmp_path: Path, saved_cmp: Comparison, sources: tuple[Article, ...]) -> None:
    from core.export import write_tables

    paths = {p.name: p for p in write_tables(saved_cmp, tmp_path, settings=Settings(CONFIG, "torch"))}
    saved = read_saved(paths["comparison.json"].read_bytes())
    assert saved.articles == sources and saved.settings.backend == "torch"


def test_pasted_unicode_source_round_trips(embedder: CachingEmbedder) -> None:
    arts = (
        article_from_text("東京 report", "地震が東京を襲った。 The quake hit Tokyo at 3 a.m. on 4 May 2024."),
        article_from_text("emoji 🚆", "The quake 🚆 hit Tokyo on 4 May 2024, officials said."),
    )
    cmp = compare(arts, embedder)
    assert read_saved(to_json(cmp).encode()).articles == arts
