"""The Dask engine: a real LocalCluster of 2 worker processes on 127.0.0.1 gives the same bytes as the
local engine, survives a worker killed mid-story, and the real ONNX model on six ECB+ stories (slow).

Robust on a loaded 2-core machine: no time assertions, generous timeouts, the cluster always closed, and a
check that no worker process is left behind."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from batch_corpus import STORIES, KillOnceEmbedder, marked, write_folders

pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

from core.batch import Settings, read_stories, run_batch  # noqa: E402
from core.batch.dask_engine import local_cluster  # noqa: E402
from core.batch.inputs import make_story, sort_stories  # noqa: E402
from core.batch.store import SUCCESS  # noqa: E402

HASHING = Settings(backend="hashing")
COMBINED = ("alignments.parquet", "divergences.parquet")
TABLES = ("alignments.csv", "claims.csv", "unique.csv", "divergences.csv")
ECB = Path(__file__).resolve().parents[2] / "shared" / "eval" / "ecbplus" / "docs.jsonl"


@pytest.fixture(autouse=True)
def patient_dask():
    """Generous Dask timeouts: on a loaded 2-core CI machine a worker process can take well over the
    default 30 s to start or to answer while its one core is busy (the nannies pass this to workers)."""
    import dask

    with dask.config.set(
        {
            "distributed.comm.timeouts.connect": "300s",
            "distributed.comm.timeouts.tcp": "300s",
            "distributed.scheduler.worker-ttl": "15 minutes",
        }
    ):
        yield


@pytest.fixture(autouse=True)
def no_leftover_processes():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    ports_before = listening_ports()
    yield
    deadline = time.monotonic() + 60
    while True:
        left = [
            p for p in psutil.Process().children(recursive=True) if p.pid not in before and p.is_running()
        ]
        # multiprocessing's resource tracker lives as long as this process, by design.
        left = [p for p in left if p.status() != psutil.STATUS_ZOMBIE and not _is_tracker(p)]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not left, f"worker processes left running: {[p.pid for p in left]}"
    # The scheduler (in this process) closed its listening sockets too.
    deadline = time.monotonic() + 60
    while (leaked := listening_ports() - ports_before) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not leaked, f"ports left listening: {sorted(leaked)}"


def listening_ports() -> set[tuple[str, int]]:
    """(address, port) this process listens on."""
    try:
        found = psutil.Process().net_connections(kind="inet")
    except psutil.Error:
        return set()
    return {(c.laddr.ip, c.laddr.port) for c in found if c.status == psutil.CONN_LISTEN}


def _is_tracker(process) -> bool:
    try:
        return "resource_tracker" in " ".join(process.cmdline())
    except psutil.Error:
        return True


def same_outputs(a: Path, b: Path, stories) -> None:
    for name in COMBINED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for story in stories:
        for name in TABLES:
            assert (a / "stories" / story / name).read_bytes() == (b / "stories" / story / name).read_bytes()


def summaries(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "stories").glob("*/summary.json"))]


def listening_addresses() -> set[str]:
    """IP addresses that this process and its children listen on."""
    ours = [psutil.Process(), *psutil.Process().children(recursive=True)]
    found = set()
    for p in ours:
        try:
            found |= {c.laddr.ip for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        except psutil.Error:
            continue
    return found


def test_local_cluster_gives_the_same_bytes_as_local(tmp_path: Path) -> None:
    stories, _ = read_stories(write_folders(tmp_path / "in"))
    local = run_batch(stories, str(tmp_path / "local"), HASHING)
    seen: list[dict] = []
    listening: list[set[str]] = []

    def on_result(summary: dict) -> None:
        seen.append(summary)
        if len(seen) == 1:  # the cluster is up: what does it listen on?
            listening.append(listening_addresses())

    result = run_batch(
        stories, str(tmp_path / "dask"), HASHING, engine="dask", workers=2, on_result=on_result
    )
    assert local.exit_code == result.exit_code == 0 and len(seen) == 6
    same_outputs(tmp_path / "local", tmp_path / "dask", STORIES)
    # The LocalCluster (scheduler, nannies, workers, HTTP endpoint) listens on 127.0.0.1 only.
    assert listening[0] == {"127.0.0.1"}
    # The work ran in worker processes, each of which built its model once.
    done = summaries(tmp_path / "dask")
    pids = {s["pid"] for s in done}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert all(s["model_loads"] == 1 for s in done)


def test_worker_killed_mid_story_is_retried_and_the_output_is_complete(tmp_path: Path) -> None:
    corpus = marked(STORIES, "s4-three")
    stories, _ = read_stories(write_folders(tmp_path / "in", corpus))
    flags = tmp_path / "flags"
    flags.mkdir()
    settings = dataclasses.replace(HASHING, factory=functools.partial(KillOnceEmbedder, str(flags)))
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not (flags / "pid").exists():
            time.sleep(0.2)
        if (flags / "pid").exists():
            pid = int((flags / "pid").read_text())
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    # Through a scheduler address, as with --address: the same path as a remote cluster.
    with local_cluster(2) as cluster:
        result = run_batch(
            stories, str(tmp_path / "dask"), settings, engine="dask", address=cluster.scheduler_address
        )
    thread.join(timeout=60)
    assert killed, "the marked story never started"
    assert result.exit_code == 0 and result.count("ok") == 6
    marked_summary = next(s for s in result.summaries if s["story"] == "s4-three")
    assert marked_summary["pid"] != killed[0]  # finished by another (or the restarted) worker
    # Complete, no duplicate rows, and the same bytes as an uninterrupted local run.
    run_batch(stories, str(tmp_path / "local"), HASHING)
    same_outputs(tmp_path / "local", tmp_path / "dask", corpus)
    align = pd.read_parquet(tmp_path / "dask" / "alignments.parquet")
    assert not align.duplicated().any()
    assert set(align["story"]) == set(corpus)
    assert all((tmp_path / "dask" / "stories" / s / SUCCESS).exists() for s in corpus)


@pytest.mark.slow
def test_onnx_model_on_six_ecbplus_stories_dask_equals_local(tmp_path: Path) -> None:
    if not ECB.exists():
        pytest.skip("../shared/eval/ecbplus is absent")
    stories, _ = read_stories(ECB)
    # Six small stories (fewest characters), each cut to its first four articles: CPU is scarce.
    small = sorted(stories, key=lambda s: s.size)[:6]
    small = sort_stories([make_story(s.name, list(s.articles[:4]), []) for s in small])
    onnx = Settings(backend="onnx")
    # The same thread count on both sides (one, the workers' default), so only the engine differs.
    local = run_batch(small, str(tmp_path / "local"), onnx)
    dask = run_batch(small, str(tmp_path / "dask"), onnx, engine="dask", workers=2)
    assert local.exit_code == dask.exit_code == 0 and dask.count("ok") == 6
    assert all(s["model"].startswith("onnx") for s in summaries(tmp_path / "dask"))
    same_outputs(tmp_path / "local", tmp_path / "dask", [s.folder for s in small])
    # Every story's rows, once: some four-article cuts align nothing (their empty tables combine too).
    combined = pd.read_parquet(tmp_path / "dask" / "alignments.parquet")
    counts = {s["story"]: s["alignments"] for s in dask.summaries}
    assert combined["story"].value_counts().to_dict() == {k: v for k, v in counts.items() if v}
    assert combined["story"].nunique() >= 2 and not combined.duplicated().any()
