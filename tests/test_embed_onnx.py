"""The ONNX backend (core.embed.onnx, core.embed.onnx_build): agreement with torch, no torch at run time.

Tests marked ``slow`` load real models. The int8 file ships in ``core/data/onnx``; the float file (and the
build tests' files) are built in the normal cache folder (``$NEWSCOMPARE_CACHE`` or ``~/.cache/newscompare``)
or a temporary one, ~10 s each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from core import embed
from core.embed import onnx as onnx_backend
from core.embed import onnx_build

REPO_ROOT = Path(__file__).resolve().parents[1]

# Varied news-like text: short and long, numbers, quotes, headlines, two non-English lines, near-empty
# strings, and one paragraph longer than 256 word pieces (checks truncation matches sentence-transformers).
NEWS_SENTENCES: tuple[str, ...] = (
    "The central bank raised its benchmark interest rate by a quarter point on Wednesday.",
    "Policymakers said inflation remained stubbornly above the 2% target despite recent progress.",
    "Officials signalled that further increases were possible if price pressures persisted.",
    "At least 12 people were killed when a passenger train derailed near the border town early on Sunday.",
    "Rescue workers were still searching the wreckage for survivors, the regional governor said.",
    "The cause of the derailment was not immediately clear.",
    "Shares of the chipmaker fell 8% after it cut its revenue forecast for the third quarter.",
    "The company blamed weaker demand from smartphone makers and a build-up of inventory.",
    "Analysts had expected sales of $4.2bn; the firm now sees $3.7bn.",
    "Parliament passed the budget by 312 votes to 287 after a marathon overnight session.",
    "Opposition leaders called the vote 'a betrayal of working families' and vowed to challenge it in court.",
    "The finance minister defended the spending cuts as necessary to stabilise public debt.",
    "Wildfires have burned more than 40,000 hectares across the southern province this week.",
    "Thousands of residents were ordered to evacuate as strong winds pushed the flames toward the coast.",
    "Firefighters from three neighbouring countries have joined the effort.",
    "The striker scored twice in the second half to give the home side a 3-1 victory.",
    "It was their first win at the stadium since March.",
    "Researchers said the experimental vaccine reduced severe illness by 71% in a trial of 9,000 adults.",
    "The results have not yet been peer reviewed.",
    "Independent experts cautioned that the trial was too small to detect rare side effects.",
    "The president met his counterpart for two hours of talks focused on trade and security.",
    "Neither side announced a breakthrough, but both described the meeting as constructive.",
    "A spokesperson declined to comment on reports of a planned prisoner exchange.",
    "Unemployment fell to 3.9% in May, the lowest level in more than two years, official data showed.",
    "Wages grew 4.1% from a year earlier, outpacing inflation for the fourth month in a row.",
    "The storm made landfall late Thursday as a category 3 hurricane with winds of 185 km/h.",
    "Power was cut to roughly 600,000 homes and businesses.",
    "The mayor urged people to stay indoors until the flood waters receded.",
    "Police arrested three men in connection with the robbery, which took place on Friday night.",
    "Police said the suspects, aged 19 to 24, would appear in court on Monday.",
    "Negotiators reached a tentative agreement that would end the six-week strike at the car plants.",
    "Union members must still ratify the deal, which includes a 25% pay rise over four years.",
    "The ministry said the new rules would take effect on 1 January.",
    "Critics argue the law gives the government sweeping powers to monitor private messages.",
    "The tech giant said it would appeal the €1.2bn fine imposed by European regulators.",
    "Oil prices rose above $90 a barrel after producers agreed to extend output cuts.",
    "Le gouvernement a annoncé une hausse du salaire minimum de 2 % à partir de juillet.",
    "Die Regierung kündigte an, die Steuern für kleine Unternehmen zu senken.",
    "Breaking: explosion reported at chemical plant, no casualties confirmed so far.",
    "UPDATE 2-Airline cancels 300 flights as pilots walk out",
    '"We will not back down," the senator told reporters outside the Capitol.',
    "Turnout was 67.3 percent, according to the electoral commission.",
    "The death toll has risen to 57, state media reported, citing health officials.",
    "Earlier reports had put the number of dead at 45.",
    "The company did not respond to a request for comment.",
    "Scientists said the comet would be visible to the naked eye for about a week.",
    "The museum will reopen in October after a three-year, $150m renovation.",
    "Protesters blocked the main highway into the capital for a third consecutive day.",
    "Ceasefire talks collapsed late on Tuesday after both sides accused each other of violations.",
    (
        "The court ruled 5-4 that the state's redistricting map was unconstitutional, ordering lawmakers "
        "to draw new boundaries before the next election, a decision that could shift control of as many as "
        "three seats in the House and that both parties immediately sought to frame as a victory."
    ),
    (
        "The report, published on Monday after an 18-month investigation, found that the agency had ignored "
        "repeated warnings from its own engineers about corrosion on the bridge, which collapsed in heavy "
        "traffic last spring, killing nine people and injuring dozens more. Investigators said maintenance "
        "budgets had been cut by a third over the previous decade while inspections were outsourced to "
        "contractors who were paid per bridge rather than per hour, an arrangement that, according to "
        "several former employees interviewed for the report, encouraged hurried and superficial checks. "
        "The agency's director, who took office after the collapse, said she accepted all 34 recommendations "
        "and had already ordered emergency inspections of 212 similar structures across the region, of which "
        "17 have since been closed to heavy vehicles. Families of the victims said the findings confirmed "
        "what they had long suspected and called for criminal charges against the officials responsible, "
        "while the "
        "transport minister promised new legislation requiring independent audits of all critical "
        "infrastructure within two years and a dedicated fund to pay for repairs that have been deferred. "
        "Opposition lawmakers said the promises came too late and demanded a public inquiry with the power "
        "to compel testimony from former ministers, several of whom declined to comment. The contractors "
        "named in the report said they had followed the terms of their agreements and would cooperate fully "
        "with any further investigation, while engineering unions warned that staff shortages meant many of "
        "the ordered inspections could take until next summer to complete."
    ),
    "ok",
    "COVID-19",
)

# Measured on NEWS_SENTENCES (torch 2.13, onnxruntime 1.31.1, AVX512-VNNI CPU):
#   float ONNX vs torch: mean 1.000000, min 1.000000 (max abs diff ~1e-6)
#   int8 ONNX vs torch:  mean 0.9911, min 0.9721 one text per run (the default); batched by 16: mean 0.9902,
#   min 0.9658 (the 279-token paragraph, truncated at 256: 0.992)
# The thresholds leave a little room for other CPUs / onnxruntime kernels.
INT8_MEAN_MIN, INT8_MIN_MIN = 0.98, 0.95
FLOAT_MIN = 0.9999


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


# --------------------------------------------------------------------------------------------- fast


def _fake_model_dir(root: Path, weights: bytes = b"weights") -> Path:
    model_dir = root / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "config.json").write_text("{}", encoding="utf-8")
    (model_dir / "tokenizer.json").write_text("{}", encoding="utf-8")
    (model_dir / "model.safetensors").write_bytes(weights)
    return model_dir


def test_cache_dir_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(onnx_build.CACHE_ENV, str(tmp_path / "cache"))
    assert onnx_build.default_cache_dir() == tmp_path / "cache"
    assert (tmp_path / "cache").is_dir()


def test_cache_dir_falls_back_when_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(onnx_build.CACHE_ENV, str(blocker / "cache"))  # a folder under a file: never writable
    monkeypatch.setenv("HOME", str(blocker / "home"))
    monkeypatch.setattr(onnx_build.tempfile, "tempdir", str(tmp_path / "tmp"))
    assert onnx_build.default_cache_dir() == tmp_path / "tmp" / "newscompare"


def test_cache_key_follows_model_content(tmp_path: Path) -> None:
    first = onnx_build.onnx_model_paths(tmp_path, _fake_model_dir(tmp_path / "a"))
    same = onnx_build.onnx_model_paths(tmp_path, _fake_model_dir(tmp_path / "b"))
    other = onnx_build.onnx_model_paths(tmp_path, _fake_model_dir(tmp_path / "c", b"other weights"))
    assert first == same
    assert first[0] != other[0]
    assert first[1] != other[1]
    assert first[0].name.endswith("-fp32.onnx")
    assert first[1].name.endswith("-int8.onnx")


def test_concurrent_builds_export_once_and_write_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several threads (each with its own flock) ask for the model at once: one builds, all get it."""
    model_dir = _fake_model_dir(tmp_path)
    calls: list[str] = []

    def fake_export(_model_dir: Path, target: Path) -> None:
        calls.append("export")
        target.write_bytes(b"float model")
        time.sleep(0.3)  # a slow build: the others must wait for it, not start their own

    def fake_quantize(source: Path, target: Path) -> None:
        calls.append("quantize")
        target.write_bytes(source.read_bytes() + b" int8")

    monkeypatch.setattr(onnx_build, "_export_float", fake_export)
    monkeypatch.setattr(onnx_build, "_quantize", fake_quantize)
    results: list[Path] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(onnx_build.ensure_onnx_model(tmp_path, model_dir=model_dir))
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["export", "quantize"]
    assert len(results) == 4
    assert len(set(results)) == 1
    assert results[0].read_bytes() == b"float model int8"
    meta = json.loads(results[0].with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["quantized"] is True
    assert meta["quantization"] == onnx_build.QUANT_SETTINGS
    leftovers = [p.name for p in results[0].parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []
    # Asking again builds nothing.
    assert onnx_build.ensure_onnx_model(tmp_path, model_dir=model_dir) == results[0]
    assert onnx_build.ensure_onnx_model(tmp_path, quantize=False, model_dir=model_dir).read_bytes() == (
        b"float model"
    )
    assert calls == ["export", "quantize"]


def test_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir = _fake_model_dir(tmp_path)

    def broken_export(_model_dir: Path, target: Path) -> None:
        target.write_bytes(b"half a mod")
        raise RuntimeError("exporter crashed")

    monkeypatch.setattr(onnx_build, "_export_float", broken_export)
    with pytest.raises(RuntimeError, match="exporter crashed"):
        onnx_build.ensure_onnx_model(tmp_path, model_dir=model_dir)
    assert [p for p in (tmp_path / "onnx").iterdir() if p.suffix in {".onnx", ".tmp"}] == []


def test_shipped_int8_file_is_for_the_packaged_model() -> None:
    """The int8 file in core/data/onnx is the one a fresh install uses (no build, no torch): its name and
    metadata must match the packaged model and today's recipe, or every install would rebuild it."""
    shipped = onnx_build.bundled_model_path()
    assert shipped.is_file(), "rebuild it: python -m core.embed.onnx_build build --bundle"
    assert shipped.stat().st_size > 10_000_000
    meta = json.loads(shipped.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["model_hash"] == onnx_build.model_hash(onnx_build.packaged_model_path())
    assert meta["quantization"] == onnx_build.QUANT_SETTINGS
    assert meta["opset"] == onnx_build.OPSET
    assert meta["recipe"] == onnx_build.RECIPE_VERSION
    assert onnx_build.ensure_onnx_model() == shipped
    # An explicit cache folder (or the float model) never uses the shipped file.
    assert onnx_build.onnx_model_paths(REPO_ROOT, onnx_build.packaged_model_path())[1] != shipped


def test_load_embedder_falls_back_when_onnx_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback path itself, with a stand-in for the torch backend so no model is loaded."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("onnxruntime cannot run this file")

    monkeypatch.setattr(onnx_backend, "OnnxEmbedder", broken)
    monkeypatch.setattr(embed, "SentenceTransformerEmbedder", embed.HashingEmbedder)
    fallback = embed.load_embedder("onnx")
    assert isinstance(fallback, embed.HashingEmbedder)


# --------------------------------------------------------------------------------------------- slow


@pytest.fixture(scope="module")
def int8_path() -> Path:
    return onnx_build.ensure_onnx_model(quantize=True)


@pytest.fixture(scope="module")
def onnx_int8(int8_path: Path) -> onnx_backend.OnnxEmbedder:
    return onnx_backend.OnnxEmbedder(int8_path, quantize=True)


@pytest.fixture(scope="module")
def onnx_float() -> onnx_backend.OnnxEmbedder:
    return onnx_backend.OnnxEmbedder(quantize=False)


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return embed.SentenceTransformerEmbedder().encode(list(NEWS_SENTENCES))


@pytest.mark.slow
def test_int8_agrees_with_torch(onnx_int8: onnx_backend.OnnxEmbedder, torch_vectors: np.ndarray) -> None:
    vectors = onnx_int8.encode(list(NEWS_SENTENCES))
    assert vectors.shape == (len(NEWS_SENTENCES), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cos = _cosines(vectors, torch_vectors)
    assert cos.mean() >= INT8_MEAN_MIN, f"mean cosine {cos.mean():.4f}"
    assert cos.min() >= INT8_MIN_MIN, f"min cosine {cos.min():.4f} for {NEWS_SENTENCES[int(cos.argmin())]!r}"


@pytest.mark.slow
def test_float_matches_torch(onnx_float: onnx_backend.OnnxEmbedder, torch_vectors: np.ndarray) -> None:
    cos = _cosines(onnx_float.encode(list(NEWS_SENTENCES)), torch_vectors)
    assert cos.min() >= FLOAT_MIN, f"min cosine {cos.min():.6f}"


@pytest.mark.slow
def test_int8_preserves_similarities(onnx_int8: onnx_backend.OnnxEmbedder, torch_vectors: np.ndarray) -> None:
    """What alignment uses: pairwise similarities and clear nearest neighbours.

    Measured: pairwise |sim_int8 - sim_torch| mean 0.012, max 0.054, Pearson 0.990; nearest neighbours
    differ only where the torch margin between first and second neighbour is < 0.04.
    """
    vectors = onnx_int8.encode(list(NEWS_SENTENCES))
    onnx_sim, torch_sim = vectors @ vectors.T, torch_vectors @ torch_vectors.T
    upper = np.triu_indices(len(NEWS_SENTENCES), 1)
    diff = np.abs(onnx_sim - torch_sim)[upper]
    assert diff.mean() < 0.02, diff.mean()
    assert diff.max() < 0.08, diff.max()
    assert np.corrcoef(onnx_sim[upper], torch_sim[upper])[0, 1] >= 0.98
    np.fill_diagonal(onnx_sim, -1)
    np.fill_diagonal(torch_sim, -1)
    ranked = np.sort(torch_sim, axis=1)
    clear = (ranked[:, -1] - ranked[:, -2]) >= 0.05
    assert np.array_equal(onnx_sim.argmax(axis=1)[clear], torch_sim.argmax(axis=1)[clear])


@pytest.mark.slow
def test_a_vector_depends_on_its_text_alone(onnx_int8: onnx_backend.OnnxEmbedder) -> None:
    """The default runs one text per ``session.run``: the same vector whatever else is encoded with it, so
    a shared cache filled by other sessions cannot change a comparison (the CLI/app equality needs it)."""
    texts = list(NEWS_SENTENCES)
    together = onnx_int8.encode(texts)
    one_by_one = np.vstack([onnx_int8.encode([t]) for t in texts])
    np.testing.assert_array_equal(together, one_by_one)
    reversed_order = onnx_int8.encode(texts[::-1])[::-1]
    np.testing.assert_array_equal(together, reversed_order)


@pytest.mark.slow
def test_batch_composition_effect(int8_path: Path, onnx_float: onnx_backend.OnnxEmbedder) -> None:
    """With ``batch_size > 1`` a text's int8 vector shifts a little with its batch mates.

    Dynamic int8 quantisation scales activations per tensor, i.e. over the whole padded batch (measured:
    mean cosine 0.990, min 0.938 for "ok" in batches sorted by token count, batch vs one at a time; 0.956
    when sorted by characters). The float model is batch-independent up
    to rounding. Output order is the input order either way.
    """
    batched = onnx_backend.OnnxEmbedder(int8_path, quantize=True, batch_size=16)
    texts = list(NEWS_SENTENCES)
    together = batched.encode(texts)
    one_by_one = np.vstack([batched.encode([t]) for t in texts])
    cos = _cosines(together, one_by_one)
    assert cos.mean() >= 0.98, cos.mean()
    assert cos.min() >= 0.92, cos.min()
    assert not np.array_equal(together, one_by_one)  # why the default is one text per run
    onnx_float.batch_size = 16
    try:
        float_cos = _cosines(onnx_float.encode(texts), np.vstack([onnx_float.encode([t]) for t in texts]))
    finally:
        onnx_float.batch_size = 1
    assert float_cos.min() >= 0.99999


@pytest.mark.slow
def test_edge_cases(onnx_int8: onnx_backend.OnnxEmbedder) -> None:
    assert onnx_int8.encode([]).shape == (0, 384)
    huge = onnx_int8.encode(["word " * 100_000, ""])  # clipped to 2000 characters; an empty string is fine
    assert huge.shape == (2, 384)
    assert np.isfinite(huge).all()
    np.testing.assert_allclose(np.linalg.norm(huge, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_concurrent_encode_is_consistent(onnx_int8: onnx_backend.OnnxEmbedder) -> None:
    texts = list(NEWS_SENTENCES)
    expected = onnx_int8.encode(texts)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(onnx_int8.encode(texts))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 12
    for got in results:
        np.testing.assert_array_equal(got, expected)


@pytest.mark.slow
def test_runtime_does_not_import_torch(int8_path: Path) -> None:
    """With the file built, a fresh process runs OnnxEmbedder without torch, transformers or onnx."""
    code = (
        "import sys, json\n"
        "from core.embed.onnx import OnnxEmbedder\n"
        "e = OnnxEmbedder()\n"
        "v = e.encode(['Police said the suspects would appear in court.'])\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers', 'onnx')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(json.dumps({'path': str(e.model_path), 'shape': list(v.shape), 'heavy': heavy}))\n"
    )
    env = {**os.environ, onnx_build.CACHE_ENV: str(int8_path.parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["path"] == str(int8_path)
    assert report["shape"] == [1, 384]
    assert report["heavy"] == []


@pytest.mark.slow
def test_a_missing_file_is_built_in_a_child_process(tmp_path: Path) -> None:
    """A server that has to build the file keeps torch (and the build's ~860 MB peak) out of its process."""
    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from core.embed.onnx_build import ensure_onnx_model\n"
        f"p = ensure_onnx_model(Path({str(tmp_path)!r}), isolate=True)\n"
        "heavy = [m for m in ('torch', 'transformers', 'onnx') if m in sys.modules]\n"
        "print(json.dumps({'path': str(p), 'size': p.stat().st_size, 'heavy': heavy}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["path"] == str(onnx_build.onnx_model_paths(tmp_path, onnx_build.packaged_model_path())[1])
    assert report["size"] > 10_000_000
    assert report["heavy"] == []


@pytest.mark.slow
def test_damaged_cache_file_is_rebuilt(tmp_path: Path, int8_path: Path) -> None:
    float_src = onnx_build.ensure_onnx_model(quantize=False)  # in the cache (the shipped file is int8 only)
    float_dst, int8_dst = onnx_build.onnx_model_paths(tmp_path, onnx_build.packaged_model_path())
    float_dst.parent.mkdir(parents=True)
    float_dst.write_bytes(float_src.read_bytes())  # saves the export; only quantisation is redone
    int8_dst.write_bytes(b"not an onnx model")
    embedder = onnx_backend.OnnxEmbedder(cache_dir=tmp_path)
    assert embedder.model_path == int8_dst
    assert embedder.encode(["It works again."]).shape == (1, 384)


@pytest.mark.slow
def test_load_embedder_onnx_falls_back_to_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("no onnx model and no way to build it")

    monkeypatch.setattr(onnx_backend, "OnnxEmbedder", broken)
    fallback = embed.load_embedder("onnx")
    assert isinstance(fallback, embed.SentenceTransformerEmbedder)
    vectors = fallback.encode(["The storm made landfall late Thursday."])
    assert vectors.shape == (1, 384)


@pytest.mark.slow
def test_load_embedder_onnx_uses_onnx() -> None:
    embedder = embed.load_embedder("onnx")
    assert embedder.name == "onnx-int8:all-MiniLM-L6-v2"
    assert isinstance(embedder, embed.Embedder)


def test_cache_counts_stay_exact_when_sessions_encode_at_once() -> None:
    """Issue 14 step 9: hits and misses change under the cache's lock, so concurrent sessions never lose a
    count (a lost ``+=`` would show fewer misses than distinct texts embedded)."""
    cache = embed.CachingEmbedder(embed.HashingEmbedder(dim=32), batch_size=3)
    texts = [f"sentence number {i}" for i in range(60)]
    barrier = threading.Barrier(6)

    def work(offset: int) -> None:
        barrier.wait()
        for _ in range(20):
            cache.encode(texts[offset:] + texts[:offset])

    threads = [threading.Thread(target=work, args=(k * 10,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every text asked for is counted once, as a hit or a miss; each text is embedded at least once, and at
    # most once per thread (two threads may both find it missing before either stored it).
    assert cache.hits + cache.misses == 6 * 20 * len(texts)
    assert len(texts) <= cache.misses <= 6 * len(texts)
    np.testing.assert_array_equal(cache.encode(texts), embed.HashingEmbedder(dim=32).encode(texts))


@pytest.mark.slow
def test_default_backend_path_imports_no_torch() -> None:
    """Issue 16 item 3: the default (ONNX) path of the CLI, the app and the batch work never imports torch
    (it cost 2.4 CPU-s and ~190 MB per process). Facts are off here: spaCy imports torch through
    thinc.compat, which core.facts keeps out on its own."""
    code = (
        "import sys, json\n"
        "import ui.compute, ui.controls\n"
        "from core.__main__ import main\n"
        "from core.demo import demo_articles\n"
        "from core.embed import CachingEmbedder, DEFAULT_BACKEND, load_embedder\n"
        "from core.pipeline import compare\n"
        "cmp = compare(demo_articles(), CachingEmbedder(load_embedder(DEFAULT_BACKEND)), with_facts=False)\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers', 'onnx')\n"
        "print(json.dumps({'claims': len(cmp.claims), 'heavy': [m for m in heavy if m in sys.modules]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["claims"] > 0
    assert report["heavy"] == []


@pytest.mark.slow
def test_cli_compare_on_the_default_backend_never_imports_torch(tmp_path: Path) -> None:
    """Issue 16 item 3: a whole CLI compare on the default backend, facts included (spaCy's NER runs), leaves
    torch out of the process. It cost 2.4 CPU-s and ~190 MB per process: sentence-transformers imports it, and
    so does spaCy's ``thinc.compat`` whenever torch is installed (``core.facts.names`` refuses it there)."""
    stories = {
        "herald.txt": "Mayor Anna Berg said on Monday that the Riverside bridge will close for 14 weeks. "
        "Repairs will cost 3.2 million euros, the city council said.\n\n"
        "Traffic will be diverted through Old Mill Road, according to police chief Tomas Lind.",
        "courier.txt": "The Riverside bridge will be shut for 12 weeks from Monday, "
        "Mayor Anna Berg announced. "
        "The city council put the cost of the repairs at 3.5 million euros.\n\n"
        "Buses will run a reduced timetable while the bridge is closed.",
    }
    for name, text in stories.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = (
        "import sys, json\n"
        "from core.__main__ import main\n"
        f"code = main(['compare', {str(tmp_path / 'herald.txt')!r}, {str(tmp_path / 'courier.txt')!r}, "
        f"'--out', {str(out)!r}])\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers')\n"
        "print(json.dumps({'code': code, 'spacy': 'spacy' in sys.modules,"
        " 'heavy': [m for m in heavy if m in sys.modules]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert (out / "divergences.csv").read_text(encoding="utf-8").count("\n") > 1  # the facts were compared
    assert report["spacy"]  # the names path ran, so thinc.compat's import of torch was exercised
    assert report["heavy"] == []
