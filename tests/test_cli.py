"""The command line on the demo set and on each bad input the spine must survive."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from core.__main__ import main
from core.demo import DEMO_DIR


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["compare", *args, "--backend", "hashing"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_tables(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, str(DEMO_DIR), "--out", str(tmp_path))
    assert code == 0
    assert "sources      4" in out and "claim groups" in out and "time " in out
    align = pd.read_csv(tmp_path / "alignments.csv", keep_default_na=False)
    for col in (
        "claim_id",
        "source_a",
        "source_b",
        "text_a",
        "text_b",
        "start_a",
        "end_a",
        "start_b",
        "end_b",
        "similarity",
    ):
        assert col in align.columns
    texts = {p.stem: p for p in DEMO_DIR.iterdir()}
    data = json.loads((tmp_path / "comparison.json").read_text())
    cleaned = {s["source_id"]: s["text"] for s in data["sources"]}
    for row in align.itertuples():
        assert cleaned[row.source_a][row.start_a : row.end_a] == row.text_a
        assert cleaned[row.source_b][row.start_b : row.end_b] == row.text_b
        assert row.source_a != row.source_b
    claims = pd.read_csv(tmp_path / "claims.csv", keep_default_na=False)
    assert set(texts) <= set(claims.columns)
    assert (claims[list(texts)] != "").sum(axis=1).min() >= 2
    div = pd.read_csv(tmp_path / "divergences.csv", keep_default_na=False)
    assert {"claim_id", "source_a", "source_b", "kind", "value_a", "value_b", "relation"} <= set(div.columns)
    assert "same" not in set(div["relation"])
    # Offsets are whole numbers, empty on the side that does not state the fact (never "179.0").
    raw = pd.read_csv(tmp_path / "divergences.csv", dtype=str, keep_default_na=False)
    for col in ("start_a", "end_a", "start_b", "end_b"):
        assert all(v == "" or v.isdigit() for v in raw[col]), col
    assert (raw["start_a"] == "").any() or (raw["start_b"] == "").any()  # the demo has only-in facts
    for row in raw.itertuples():
        if row.start_a:
            assert cleaned[row.source_a][int(row.start_a) : int(row.end_a)] == row.text_a


def _article(i: int) -> str:
    return (
        f"The council approved the new bridge on Monday after a long debate number {i}. "
        "The project will cost 40 million euros and take three years. "
        "Residents of the old town protested outside the hall."
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n\t  \n", "empty"),
        ("binary.txt", bytes(range(256)) * 64, "binary"),
        ("huge.txt", b"word " * (4 * 1024 * 1024), "limit"),
    ],
)
def test_bad_file_is_skipped_and_others_compared(tmp_path: Path, capsys, name, data, message) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(_article(1))
    (tmp_path / "in" / "b.txt").write_text(_article(2))
    (tmp_path / "in" / name).write_bytes(data)
    code, out, err = run(capsys, str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    assert code == 0
    assert "sources      2" in out
    lines = [ln for ln in err.splitlines() if name in ln]
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in err


def test_cp1252_file(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_bytes((_article(1) + " Caf\u00e9 \u201cquoted\u201d.").encode("cp1252"))
    (tmp_path / "b.txt").write_text(_article(2))
    code, _, _ = run(capsys, str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(tmp_path / "o"))
    assert code == 0
    data = json.loads((tmp_path / "o" / "comparison.json").read_text())
    assert 'Café "quoted"' in data["sources"][0]["text"]
    assert "decoded as cp1252 (encoding guessed)" in data["sources"][0]["notes"]


def test_one_article_is_an_error_without_traceback(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text(_article(1))
    code, _, err = run(capsys, str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("error: ") and "Traceback" not in err


def test_two_identical_articles(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text(_article(1))
    shutil.copy(tmp_path / "a.txt", tmp_path / "b.txt")
    code, _, _ = run(capsys, str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == 0
    claims = pd.read_csv(tmp_path / "o" / "claims.csv", keep_default_na=False)
    assert len(claims) == 3  # every sentence pairs with its twin
    div = pd.read_csv(tmp_path / "o" / "divergences.csv", keep_default_na=False)
    assert len(div) == 0


def test_no_punctuation_article(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text(_article(1))
    (tmp_path / "b.txt").write_text(
        "the council approved the new bridge on monday after a long debate\n"
        "the project will cost 40 million euros and take three years\n"
        "residents of the old town protested outside the hall"
    )
    code, out, _ = run(capsys, str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == 0
    assert "claim groups 3" in out


def test_missing_path(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text(_article(1))
    (tmp_path / "b.txt").write_text(_article(2))
    code, _, err = run(capsys, str(tmp_path), str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o"))
    assert code == 0 and "nope.txt" in err
