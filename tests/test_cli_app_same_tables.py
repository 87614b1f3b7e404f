"""The command line and the app give byte-identical tables for the same files and settings (issue 11 item 2).

The app path is the one the dashboard runs: ``ui.sources.from_upload`` for each file, then
``ui.compute.cached_comparison`` on the process-wide shared embedder and ``ui.downloads.build_file`` for
each download. The CLI path is ``python -m core compare FILES --out DIR``. ``comparison.json`` is compared
without its ``timings`` (seconds, never equal twice). The app's shared embedder is also warmed first with a
comparison of a subset of the files (what another visitor, or an earlier step, leaves in the shared cache):
the tables must not depend on it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.__main__ import main as cli_main
from core.config import DEFAULT_ALIGN
from core.embed import DEFAULT_BACKEND, HashingEmbedder
from core.model import Article

DEMO_DIR = Path(__file__).resolve().parents[1] / "core" / "data" / "demo"
FILES = sorted(p for p in DEMO_DIR.iterdir() if p.suffix in {".txt", ".md"})


def _cli_tables(files: list[Path], out: Path, backend: str) -> dict[str, bytes]:
    assert cli_main(["compare", *map(str, files), "--out", str(out), "--backend", backend]) == 0
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _app_articles(files: list[Path]) -> tuple[Article, ...]:
    from ui.sources import from_upload

    # The app names an upload readably; the CLI keeps the file stem. Same names, same tables.
    return tuple(replace(from_upload(p.name, p.read_bytes()), source_id=p.stem) for p in files)


def _app_tables(files: list[Path], backend: str) -> dict[str, bytes]:
    from ui.compute import cached_comparison
    from ui.downloads import DOWNLOADS, REPORT_FILE, ZIP_FILE, build_file

    articles = _app_articles(files)
    # A subset first, on the same shared embedder: its vectors are then served from the cache.
    cached_comparison(articles[:2], DEFAULT_ALIGN, backend)
    cached_comparison(articles, DEFAULT_ALIGN, backend)
    names = [d.name for d in DOWNLOADS if d.name not in (REPORT_FILE, ZIP_FILE)]
    return {name: build_file(articles, DEFAULT_ALIGN, backend, name) for name in names}


def _without_timings(data: bytes) -> dict[str, object]:
    doc = json.loads(data)
    assert isinstance(doc.pop("timings"), dict)
    return doc


def _assert_same(cli: dict[str, bytes], app: dict[str, bytes]) -> None:
    assert sorted(cli) == sorted(app)
    for name, data in cli.items():
        if name == "comparison.json":
            assert _without_timings(data) == _without_timings(app[name])
        else:
            assert data == app[name], f"{name} differs between the command line and the app"
    claims = cli["claims.csv"].decode("utf-8-sig").splitlines()
    assert len(claims) > 3, "the demo set should give several claim groups"


def test_cli_and_app_default_to_the_same_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --backend the CLI loads the app's default (it used to load torch while the app ran ONNX,
    and the same articles gave 29 claim groups on one and 27 on the other)."""
    import core.__main__ as cli
    from ui.compute import BACKEND_ENV, default_backend

    asked: list[str] = []

    def fake_load(backend: str) -> HashingEmbedder:
        asked.append(backend)
        return HashingEmbedder()

    monkeypatch.setattr(cli, "load_embedder", fake_load)
    assert cli_main(["compare", *map(str, FILES), "--out", str(tmp_path)]) == 0
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    assert asked == [DEFAULT_BACKEND] == [default_backend()]


def test_cli_and_app_write_the_same_tables(tmp_path: Path) -> None:
    cli = _cli_tables(FILES, tmp_path / "cli", "hashing")
    _assert_same(cli, _app_tables(FILES, "hashing"))


@pytest.mark.slow
def test_cli_and_app_write_the_same_tables_with_the_real_model(tmp_path: Path) -> None:
    """The default backend (ONNX int8): a sentence's vector depends on that sentence alone, so a warm
    shared cache cannot change the app's tables."""
    cli = _cli_tables(FILES, tmp_path / "cli", DEFAULT_BACKEND)
    _assert_same(cli, _app_tables(FILES, DEFAULT_BACKEND))
