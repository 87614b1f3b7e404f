"""The app side of seeing and sharing facts: opening a saved comparison on the Sources page (restores
sources and settings; a refused file changes nothing), the consensus column of the claims table, and the
Downloads page building each file on click (hashing backend: no model is loaded)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.config import AlignConfig
from core.demo import demo_articles
from core.embed import CachingEmbedder, HashingEmbedder
from core.export import FORMAT_VERSION, Settings, Tables, file_bytes, to_json
from core.model import Article
from core.pipeline import compare
from ui.consensus import consensus_column
from ui.saved import SLIDER_RANGES, fit_settings, setting_key

ROOT = Path(__file__).resolve().parents[1]
CONFIG = AlignConfig(min_margin=1.3, neighbours=6, allow_merges=False, min_cohesion=0.5, lexical_weight=0.7)


@pytest.fixture(autouse=True)
def _hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSCOMPARE_BACKEND", "hashing")


def saved_articles() -> tuple[Article, ...]:
    arts = list(demo_articles())
    arts[0] = dataclasses.replace(arts[0], source_id="Eastmere Post (web)", published=dt.date(2025, 3, 15))
    arts[2] = dataclasses.replace(arts[2], title="A <b>new</b> headline :red[x]")
    return tuple(arts[:3])


def saved_json(**changes: Any) -> bytes:
    cmp = compare(saved_articles(), CachingEmbedder(HashingEmbedder()), CONFIG)
    data = json.loads(to_json(cmp, settings=Settings(CONFIG, "hashing")))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


def start(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    key = f"saved_upload_{at.session_state['saved_round'] if 'saved_round' in at.session_state else 0}"  # noqa: SIM401
    at.file_uploader(key=key).set_value((name, data, "application/json")).run()
    assert not at.exception, at.exception
    return at


def session_config(at: AppTest) -> AlignConfig:
    return AlignConfig(
        **{f.name: at.session_state[setting_key(f.name)] for f in dataclasses.fields(AlignConfig)}
    )


def messages(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in (at.success, at.error, at.info, at.warning) for e in kind)


def test_opening_restores_sources_names_dates_and_settings_and_can_be_undone() -> None:
    at = start("views/sources.py")
    before = tuple(at.session_state["articles"])
    upload(at, "comparison.json", saved_json())
    assert tuple(at.session_state["articles"]) == saved_articles()
    assert session_config(at) == CONFIG
    assert at.session_state["backend"] == "hashing"
    assert at.slider(key="cfg_min_margin").value == pytest.approx(1.3)
    assert at.toggle(key="cfg_allow_merges").value is False
    said = messages(at).replace("\\", "")
    assert "Opened comparison.json: its 3 sources replaced the 4 loaded before; settings restored" in said
    assert "it had 8 claim groups when saved" in said
    # The same comparison, hence the same tables, as the one that was saved.
    again = compare(
        tuple(at.session_state["articles"]), CachingEmbedder(HashingEmbedder()), session_config(at)
    )
    original = compare(saved_articles(), CachingEmbedder(HashingEmbedder()), CONFIG)
    for name in ("claims.csv", "alignments.csv", "divergences.csv", "consensus.csv", "unique.csv"):
        assert file_bytes(Tables(again), name) == file_bytes(Tables(original), name), name
    # Every page renders the reopened comparison.
    for page in ("views/overview.py", "views/claims.py", "views/timeline.py", "views/downloads.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    at.switch_page("views/sources.py").run()
    next(b for b in at.button if b.label == "Undo").click().run()
    assert tuple(at.session_state["articles"]) == before


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("comparison.json", b'{"sources": [', "not well-formed JSON"),
        ("comparison.json", b"", "empty"),
        ("comparison.json", None, "newer version"),
        ("big.json", None, "at most 60 can be compared"),
        ("names.json", None, "longer than 80 characters"),
        ("comparison.zip", b"PK\x03\x04 not really a zip", "cannot be read"),
    ],
)
def test_refused_file_changes_nothing(name: str, data: bytes | None, words: str) -> None:
    if data is None and name == "comparison.json":
        data = saved_json(format_version=FORMAT_VERSION + 1)
    elif data is None and name == "big.json":
        src = json.loads(saved_json())["sources"][0]
        data = json.dumps({"sources": [{**src, "source_id": f"s{k}"} for k in range(61)]}).encode()
    elif data is None:
        data = json.dumps({"sources": [{"source_id": "n" * 120, "text": "Some text."}]}).encode()
    at = start("views/sources.py")
    at.slider(key="cfg_min_margin").set_value(1.5).run()
    before = tuple(at.session_state["articles"])
    upload(at, name, data)
    assert tuple(at.session_state["articles"]) == before
    assert at.session_state["cfg_min_margin"] == pytest.approx(1.5)
    text = "\n".join(str(e.value) for e in at.error).replace("\\", "")
    assert "was not opened" in text and words in text and "unchanged" in text
    # the uploader is fresh again: another file can be chosen at once
    assert at.session_state["saved_round"] == 1


def test_a_setting_beyond_the_sidebar_is_fitted_with_a_note() -> None:
    data = json.loads(saved_json())
    data["settings"]["align"]["min_margin"] = 3.0
    at = start("views/sources.py")
    upload(at, "comparison.json", json.dumps(data).encode())
    assert at.session_state["cfg_min_margin"] == 2.0
    assert "outside the sidebar's 0.8-2: set to 2" in messages(at).replace("\\", "")
    values, notes = fit_settings(CONFIG)
    assert (
        notes == [] and values[setting_key("neighbours")] == 6 and isinstance(values["cfg_neighbours"], int)
    )


def test_slider_ranges_mirror_the_sidebar() -> None:
    at = start()
    for name, (low, high) in SLIDER_RANGES.items():
        slider = at.slider(key=setting_key(name))
        assert (slider.min, slider.max) == (low, high), name


# --------------------------------------------------------------------------------------------------
# Claims table and downloads


def test_claims_table_shows_the_consensus() -> None:
    at = start("views/claims.py")
    frame = at.dataframe(key="claims_table").value
    assert "consensus" in frame.columns
    assert list(frame.columns).index("consensus") == list(frame.columns).index("conflicts") + 1
    assert any(" of " in v for v in frame["consensus"])  # "late August 2024 · 3 of 4 · outlier: ..."


def test_consensus_column_keeps_a_source_named_consensus() -> None:
    arts = list(demo_articles())
    arts[0] = dataclasses.replace(arts[0], source_id="consensus")
    cmp = compare(arts, CachingEmbedder(HashingEmbedder()))
    frame = pd.DataFrame({"claim": [c.claim_id for c in cmp.claims], "conflicts": 0, "consensus": "passage"})
    out = consensus_column(frame, cmp)
    assert list(out.columns) == ["claim", "conflicts", "consensus (facts)", "consensus"]
    assert (out["consensus"] == "passage").all()


def test_downloads_are_built_on_click() -> None:
    at = start("views/downloads.py")
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "claims.csv", "alignments.csv", "divergences.csv", "consensus.csv", "unique.csv", "comparison.json",
        "report.html", "news-comparison.zip",
    ]  # fmt: skip
    from ui.controls import current_config  # noqa: F401 - the page's own settings are the defaults here
    from ui.downloads import build_file

    arts = tuple(at.session_state["articles"])
    files = {name: build_file(arts, AlignConfig(), "hashing", name) for name in labels}
    assert all(files.values())
    assert files["report.html"].startswith(b"<!DOCTYPE html>")
    with zipfile.ZipFile(io.BytesIO(files["news-comparison.zip"])) as zf:
        assert set(zf.namelist()) == set(labels) - {"news-comparison.zip"}
        assert zf.read("claims.csv") == files["claims.csv"]
    saved = json.loads(files["comparison.json"])
    assert saved["settings"] == {"backend": "hashing", "align": dataclasses.asdict(AlignConfig())}
