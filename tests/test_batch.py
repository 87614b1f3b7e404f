"""The batch command on six small stories made from the demo set, with the hashing embedder, in this
process (the Dask engine: test_batch_dask.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from batch_corpus import SOLO, STORIES, failing_factory, marked, write_folders, write_jsonl

from core.__main__ import main
from core.batch import Settings, read_stories, run_batch
from core.batch.cluster import DEFAULT_CLUSTER, cluster_articles, date_conflicts
from core.batch.inputs import read_flat, story_folder
from core.batch.store import SUCCESS, OutputStore
from core.batch.work import StoryTask, fingerprint, process_story
from core.embed import HashingEmbedder
from core.ingest import article_from_text

TABLES = ("alignments.csv", "claims.csv", "unique.csv", "divergences.csv")
HASHING = Settings(backend="hashing")


def batch(tmp_path: Path, *args: str, stories=None) -> tuple[int, Path]:
    source = tmp_path / "in"
    if not source.exists():
        write_folders(source, stories)
    out = tmp_path / "out"
    code = main(["batch", str(source), "--out", str(out), "--backend", "hashing", *args])
    return code, out


def summaries(out: Path) -> dict[str, dict]:
    return {
        p.parent.name: json.loads(p.read_text())
        for p in (out / "stories").glob("*/summary.json")
        if (p.parent / SUCCESS).exists()
    }


def test_batch_tables_are_byte_identical_to_compare(tmp_path: Path, capsys) -> None:
    code, out = batch(tmp_path)
    assert code == 0
    for story in STORIES:
        single = tmp_path / "compare" / story
        assert (
            main(["compare", str(tmp_path / "in" / story), "--out", str(single), "--backend", "hashing"]) == 0
        )
        for name in TABLES:
            assert (out / "stories" / story / name).read_bytes() == (single / name).read_bytes(), (
                story,
                name,
            )
        ours = json.loads((out / "stories" / story / "comparison.json").read_text())
        theirs = json.loads((single / "comparison.json").read_text())
        assert ours.pop("timings").keys() == theirs.pop("timings").keys()
        assert ours == theirs
    # The combined tables hold every story's rows, in story order (natural: s5 before s10), with `story`.
    align = pd.read_parquet(out / "alignments.parquet")
    assert list(align.columns[:2]) == ["story", "claim_id"]
    assert list(dict.fromkeys(align["story"])) == [
        "s1-all",
        "s2-pair",
        "s3-pair",
        "s4-three",
        "s5-variant",
        "s10-variants",
    ]
    for story in STORIES:
        own = pd.read_csv(out / "stories" / story / "alignments.csv", encoding="utf-8-sig")
        mine = align[align["story"] == story].drop(columns="story").reset_index(drop=True)
        pd.testing.assert_frame_equal(
            mine[["claim_id", "source_a", "source_b", "start_a", "end_b"]],
            own[["claim_id", "source_a", "source_b", "start_a", "end_b"]],
        )
    div = pd.read_parquet(out / "divergences.parquet", dtype_backend="numpy_nullable")
    assert set(div["story"]) <= set(STORIES) and "s5-variant" in set(div["story"])
    assert str(div["start_b"].dtype) == "Int64"  # whole numbers, empty where a side states nothing
    table = pd.read_csv(out / "stories.csv", encoding="utf-8-sig")
    assert list(table["story"]) == list(dict.fromkeys(align["story"]))
    assert set(table["status"]) == {"ok"}
    assert (table["claims"] > 0).all() and (table["seconds"] >= 0).all()
    printed = capsys.readouterr()
    assert "[6/6]" in printed.err and "6 compared" in printed.out


def test_folder_and_jsonl_inputs_agree(tmp_path: Path) -> None:
    folders, _ = read_stories(write_folders(tmp_path / "in"))
    records, notes = read_stories(write_jsonl(tmp_path / "docs.jsonl"))
    assert not notes
    assert [s.name for s in folders] == [s.name for s in records]
    for a, b in zip(folders, records, strict=True):
        assert [dataclasses.replace(x, origin="") for x in a.articles] == [
            dataclasses.replace(x, origin="") for x in b.articles
        ]
    run_batch(folders, str(tmp_path / "a"), HASHING)
    run_batch(records, str(tmp_path / "b"), HASHING)
    for name in ("alignments.parquet", "divergences.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    for story in STORIES:
        for name in TABLES:
            assert (tmp_path / "a/stories" / story / name).read_bytes() == (
                tmp_path / "b/stories" / story / name
            ).read_bytes()


def test_jsonl_story_key_like_ecbplus_and_bad_lines(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "docs.jsonl", key="subtopic")
    with path.open("a") as fh:
        fh.write("not json\n")
        fh.write(json.dumps({"subtopic": "s2-pair", "doc_id": "empty", "text": "   "}) + "\n")
        fh.write(json.dumps({"doc_id": "nokey", "text": "A landslide closed the line."}) + "\n")
    stories, notes = read_stories(path)
    assert len(stories) == 6
    assert any("line 18" in n and "not JSON" in n for n in notes)
    assert any("empty" in n for n in notes) and any("nokey" in n for n in notes)


def test_resume_skips_and_force_redoes(tmp_path: Path, capsys) -> None:
    code, out = batch(tmp_path)
    assert code == 0
    first = summaries(out)
    before = (out / "alignments.parquet").read_bytes()
    code, _ = batch(tmp_path)
    assert code == 0
    assert "skipped 6 stories already written" in capsys.readouterr().err
    assert summaries(out) == first  # nothing rewritten
    assert (out / "alignments.parquet").read_bytes() == before
    assert set(pd.read_csv(out / "stories.csv", encoding="utf-8-sig")["resumed"]) == {True}
    # An input that changed since is compared again; the others are still skipped.
    (tmp_path / "in" / "s2-pair" / "national_wire.txt").write_text(STORIES["s3-pair"]["national_wire.txt"])
    batch(tmp_path)
    again = summaries(out)
    assert again["s2-pair"]["finished"] >= first["s2-pair"]["finished"]
    assert (
        again["s2-pair"]["n_sources"] == 3
        and again["s2-pair"]["fingerprint"] != first["s2-pair"]["fingerprint"]
    )
    assert {k: v for k, v in again.items() if k != "s2-pair"} == {
        k: v for k, v in first.items() if k != "s2-pair"
    }
    # --force redoes every story, and the combined tables come out the same for the same input.
    os.utime(out / "stories" / "s1-all" / "summary.json", (0, 0))
    code, _ = batch(tmp_path, "--force")
    assert code == 0
    assert (out / "stories" / "s1-all" / "summary.json").stat().st_mtime > 0
    assert not any((out / "stories" / ".tmp").iterdir())


def test_a_story_run_twice_is_kept_once(tmp_path: Path) -> None:
    stories, _ = read_stories(write_folders(tmp_path / "in"))
    story = stories[1]
    store = OutputStore(str(tmp_path / "out"))
    store.prepare()
    task = StoryTask(story, store.url, fingerprint(story, HASHING), HASHING)
    # An attempt that died after writing (its temporary folder is left behind) ...
    (tmp_path / "out/stories/.tmp" / f"{story.folder}.dead").mkdir(parents=True)
    first = process_story(task, HashingEmbedder())
    # ... and a retry of an attempt that had in fact finished: the first folder is kept as it is.
    second = process_story(task, HashingEmbedder())
    assert second == {**first, "resumed": True}
    forced = dataclasses.replace(task, settings=dataclasses.replace(HASHING, force=True))
    third = process_story(forced, HashingEmbedder())
    assert third["finished"] >= first["finished"]
    assert sorted(p.name for p in (tmp_path / "out/stories").iterdir()) == [".tmp", story.folder]
    result = run_batch(stories, str(tmp_path / "out"), HASHING)  # clears the dead attempt's folder
    assert not any((tmp_path / "out/stories/.tmp").iterdir())
    align = pd.read_parquet(tmp_path / "out" / "alignments.parquet")
    assert not align.duplicated().any()
    assert (align["story"] == story.name).sum() == third["alignments"] == result.summaries[1]["alignments"]


def test_one_source_story_is_an_error_and_not_retried(tmp_path: Path, monkeypatch) -> None:
    from core.batch import engine

    calls: list[str] = []
    real = engine.process_story

    def counting(task, model):
        calls.append(task.story.name)
        return real(task, model)

    monkeypatch.setattr(engine, "process_story", counting)
    code, out = batch(tmp_path, stories={**STORIES, **SOLO})
    assert code == 0  # the other stories were compared
    assert calls.count("s7-solo") == 1
    table = pd.read_csv(out / "stories.csv", encoding="utf-8-sig", keep_default_na=False)
    solo = table[table["story"] == "s7-solo"].iloc[0]
    assert solo["status"] == "error" and "two sources" in solo["message"]
    assert "s7-solo" not in set(pd.read_parquet(out / "alignments.parquet")["story"])
    assert sorted(p.name for p in (out / "stories" / "s7-solo").iterdir()) == [SUCCESS, "summary.json"]


def test_a_failing_story_is_retried_then_reported(tmp_path: Path) -> None:
    stories, _ = read_stories(write_folders(tmp_path / "in", marked(STORIES, "s3-pair")))
    settings = dataclasses.replace(HASHING, factory=failing_factory, retries=2)
    seen: list[dict] = []
    result = run_batch(stories, str(tmp_path / "out"), settings, on_result=seen.append)
    assert result.exit_code == 1
    failed = [s for s in result.summaries if s["status"] == "failed"]
    assert [s["story"] for s in failed] == ["s3-pair"]
    assert failed[0]["attempts"] == 3 and "crashed" in failed[0]["message"]
    assert result.count("ok") == 5 and len(seen) == 6
    assert not (tmp_path / "out" / "stories" / "s3-pair").exists()
    table = pd.read_csv(tmp_path / "out" / "stories.csv", encoding="utf-8-sig")
    assert table.set_index("story").loc["s3-pair", "status"] == "failed"
    # The next run retries only what failed.
    again = run_batch(stories, str(tmp_path / "out"), HASHING)
    assert again.exit_code == 0
    assert [s["story"] for s in again.summaries if not s["resumed"]] == ["s3-pair"]


def test_memory_filesystem_output(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    stories, _ = read_stories(write_folders(tmp_path / "in"))
    url = "memory://newscompare-test/batch"
    fs = fsspec.filesystem("memory")
    try:
        result = run_batch(stories, url, HASHING)
        assert result.exit_code == 0
        run_batch(stories, str(tmp_path / "local"), HASHING)
        for name in ("alignments.parquet", "divergences.parquet"):
            assert fs.cat(f"{url}/{name}") == (tmp_path / "local" / name).read_bytes()
        for story in STORIES:
            assert fs.exists(f"{url}/stories/{story}/{SUCCESS}")
            assert (
                fs.cat(f"{url}/stories/{story}/claims.csv")
                == (tmp_path / "local/stories" / story / "claims.csv").read_bytes()
            )
        # Resume on object storage too; --force replaces a folder whole.
        assert all(s["resumed"] for s in run_batch(stories, url, HASHING).summaries)
        fs.pipe(f"{url}/stories/s1-all/stray.txt", b"left over")
        run_batch(stories[:1], url, dataclasses.replace(HASHING, force=True))
        assert not fs.exists(f"{url}/stories/s1-all/stray.txt")
        assert fs.exists(f"{url}/stories/s1-all/{SUCCESS}")
    finally:
        fs.rm("/newscompare-test", recursive=True)


def test_story_folder_names_are_safe_and_distinct() -> None:
    assert story_folder("3ecbplus") == "3ecbplus"
    names = ["a/b", "a b", "../etc", ".hidden", "ü", "", "x" * 300]
    folders = [story_folder(n) for n in names]
    assert len(set(folders)) == len(names)
    for f in folders:
        assert f and "/" not in f and not f.startswith(".") and len(f) <= 100


def test_clustering_groups_the_demo_set_and_keeps_another_story_apart(tmp_path: Path) -> None:
    pile = tmp_path / "pile"
    pile.mkdir()
    for name, text in STORIES["s1-all"].items():
        (pile / name).write_text(text)
    for i, text in enumerate(OTHER_STORY):
        (pile / f"flood_{i}.txt").write_text(text)
    articles, _ = read_flat(pile)
    groups = cluster_articles(articles, HashingEmbedder())
    named = sorted(sorted(articles[i].source_id for i in g) for g in groups)
    assert named == [
        ["eastmere_post", "metro_daily", "national_wire", "valley_courier"],
        ["flood_0", "flood_1", "flood_2"],
    ]
    # The command line does the same and compares each story found.
    out = tmp_path / "out"
    assert main(["batch", str(pile), "--cluster", "--out", str(out), "--backend", "hashing"]) == 0
    clusters = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")
    assert clusters.groupby("story")["source_id"].apply(len).sort_values().tolist() == [3, 4]
    assert set(pd.read_csv(out / "stories.csv", encoding="utf-8-sig")["status"]) == {"ok"}


def test_clustering_dates_guard() -> None:
    texts = [*OTHER_STORY, *OTHER_STORY]
    dates = [dt.date(2024, 5, 2)] * 3 + [dt.date(2025, 5, 3)] * 3
    articles = [
        article_from_text(f"a{i}", text, published=d)
        for i, (text, d) in enumerate(zip(texts, dates, strict=True))
    ]
    assert date_conflicts(articles, 30)[0].tolist() == [False] * 3 + [True] * 3
    groups = cluster_articles(articles, HashingEmbedder(), DEFAULT_CLUSTER)
    assert groups == [[0, 1, 2], [3, 4, 5]]
    undated = [dataclasses.replace(a, published=None) for a in articles]
    assert cluster_articles(undated, HashingEmbedder()) == [[0, 1, 2, 3, 4, 5]]


# A second invented story (no real place or event) for the clustering tests.
OTHER_STORY = (
    (
        "Floodwater closed the Brenmoor public library on Tuesday after the river Lisk burst its banks. "
        "Librarians moved 3,000 rare books to the upper floor overnight. The council said the building "
        "would stay shut for two weeks while pumps clear the basement."
    ),
    (
        "The river Lisk flooded Brenmoor on Tuesday, forcing the town library to close. Staff carried some "
        "3,000 rare books upstairs during the night, and the council expects the library to reopen in about "
        "two weeks once the basement is pumped dry."
    ),
    (
        "Brenmoor library shut by flood: volunteers and librarians rescued 3,000 old volumes as the Lisk "
        "rose on Tuesday. Council officials said pumps were clearing the basement and the library could "
        "reopen within two weeks."
    ),
)


def test_biggest_stories_start_first(tmp_path: Path) -> None:
    stories, _ = read_stories(write_folders(tmp_path / "in"))
    order: list[str] = []
    run_batch(stories, str(tmp_path / "out"), HASHING, on_result=lambda s: order.append(s["story"]))
    sizes = {s.name: s.size for s in stories}
    assert order == sorted(sizes, key=lambda name: -sizes[name])
    assert order[0] == "s1-all"


def test_empty_story_table_does_not_break_the_combined_parquet(tmp_path: Path) -> None:
    """Regression: pandas writes an empty table's text columns as ``double``; combining it with stories
    that have rows raised "Field source_a has incompatible types: large_string vs double" (ECB+)."""
    from core.batch.run import combine_parts
    from core.batch.work import parquet_bytes

    store = OutputStore(str(tmp_path / "out"))
    store.prepare()
    frames = {
        "a": pd.DataFrame({"source_a": ["x", "y"], "start_a": [0, 5], "note": [None, None]}),
        "b": pd.DataFrame(
            {"source_a": pd.Series([], dtype="float64"), "start_a": pd.Series([], dtype="float64")}
        ),
        "c": pd.DataFrame({"source_a": [float("nan")], "start_a": [7], "note": ["kept"]}),
    }
    for folder, frame in frames.items():
        (tmp_path / "out" / "stories" / folder).mkdir(parents=True)
        (tmp_path / "out" / "stories" / folder / "alignments.parquet").write_bytes(parquet_bytes(frame))
    summaries = [{"story": f"story {f}", "folder": f, "status": "ok"} for f in frames]
    assert combine_parts(store, summaries, "alignments") == 3
    combined = pd.read_parquet(tmp_path / "out" / "alignments.parquet", dtype_backend="numpy_nullable")
    assert list(combined.columns) == ["story", "source_a", "start_a", "note"]
    assert combined["source_a"].tolist() == ["x", "y", pd.NA]
    assert combined["start_a"].tolist() == [0, 5, 7] and str(combined["start_a"].dtype) == "Int64"
    assert combined["note"].tolist() == [pd.NA, pd.NA, "kept"]
    assert combined["story"].tolist() == ["story a", "story a", "story c"]
