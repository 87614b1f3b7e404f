"""One story's work, the same on every engine: compare it as ``python -m core compare`` does and write
its folder. Also the per-process model (loaded once, with a bounded thread count)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import inspect
import io
import json
import logging
import os
import resource
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from core import embed as embed_module
from core.batch.inputs import Story
from core.batch.store import SUMMARY, OutputStore
from core.config import DEFAULT_ALIGN, AlignConfig
from core.embed import THREADS_ENV, CachingEmbedder, Embedder, limit_blas_threads, load_embedder
from core.export import Settings as SavedSettings
from core.export import alignments_frame, divergences_frame, write_tables
from core.model import Comparison
from core.pipeline import CompareError, compare

log = logging.getLogger(__name__)

# Bumped when the files of a story folder change meaning; part of every fingerprint.
FORMAT_VERSION = 1
PARTS = ("alignments", "divergences")

EmbedderFactory = Callable[[], Embedder]


def default_backend() -> str:
    """The backend ``core`` declares as its default (``core.embed.DEFAULT_BACKEND`` when it exists, else
    the default of ``load_embedder``), so the batch follows ``compare`` wherever that default moves."""
    declared = getattr(embed_module, "DEFAULT_BACKEND", None)
    if isinstance(declared, str):
        return declared
    default = inspect.signature(load_embedder).parameters["backend"].default
    return str(default)


@dataclass(frozen=True, slots=True)
class Settings:
    """What every story of one batch is compared with.

    Attributes:
        backend: Embedding backend name (``core.embed.BACKENDS``), or a label for ``factory``.
        config: Alignment thresholds (``compare``'s defaults unless set).
        include_same: Also write identical facts to divergences (``compare --include-same``).
        force: Redo stories already written.
        threads: BLAS / onnxruntime / torch threads of each worker process.
        retries: Extra attempts of a story whose run raised (not of one that cannot be compared).
        factory: Builds the embedder instead of ``backend`` (tests, custom models); must be picklable.
    """

    backend: str
    config: AlignConfig = DEFAULT_ALIGN
    include_same: bool = False
    force: bool = False
    threads: int = 1
    retries: int = 2
    factory: EmbedderFactory | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class StoryTask:
    """One unit of work: a story, where to write it and the fingerprint that identifies this input."""

    story: Story
    out: str
    fingerprint: str
    settings: Settings


def fingerprint(story: Story, settings: Settings) -> str:
    """Hash of everything that decides a story's tables: its articles, the backend and the settings.

    A re-run skips a written story only when its stored fingerprint is this one, so a story whose input
    changed since (an article added) is compared again.
    """
    digest = hashlib.blake2b(digest_size=16)
    head = {
        "format": FORMAT_VERSION,
        "backend": settings.backend,
        "config": dataclasses.asdict(settings.config),
        "include_same": settings.include_same,
        "name": story.name,
    }
    digest.update(json.dumps(head, sort_keys=True).encode())
    for a in story.articles:
        published = a.published.isoformat() if a.published else ""
        for part in (a.source_id, a.title, published, a.text):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ the model

MODEL_LOADS = 0  # models built in this process (a test checks one per worker)


def limit_threads(threads: int) -> None:
    """Sets this process's compute threads: ``core.embed``'s thread policy (``NEWSCOMPARE_THREADS``, read
    by ``load_embedder`` for BLAS and onnxruntime) and the variables of OpenMP libraries loaded later."""
    os.environ[THREADS_ENV] = str(threads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    limit_blas_threads(threads)


def load_model(backend: str, *, threads: int, factory: EmbedderFactory | None = None) -> Embedder:
    """The embedding model of one worker process, with ``threads`` compute threads.

    Goes through ``load_embedder`` (its fallbacks and thread policy); torch is imported only by the torch
    backend. spaCy's NER for the facts is loaded here too, so both load once per process.
    """
    global MODEL_LOADS  # noqa: PLW0603 - a per-process counter is exactly what is measured
    MODEL_LOADS += 1
    limit_threads(threads)
    _preload_ner()
    model = factory() if factory is not None else load_embedder(backend)
    torch = sys.modules.get("torch")  # present only when the torch backend was chosen (or fallen back to)
    if torch is not None:
        torch.set_num_threads(threads)
    return model


def _preload_ner() -> None:
    """Loads spaCy's NER (fact comparison) with the model, so a worker's first story does not pay for it
    and the load is counted once per worker; a missing fact module only costs the first story."""
    try:
        from core.facts.names import get_nlp  # noqa: PLC0415 - heavy, loaded once per process

        get_nlp()
    except (ImportError, AttributeError, OSError) as exc:
        log.warning("could not preload the NER model (%s)", exc)


# ------------------------------------------------------------------------------------ one story


def process_story(task: StoryTask, model: Embedder) -> dict[str, Any]:
    """Compares one story and writes its folder; returns its summary.

    A story already written with the same fingerprint is returned as it is (``resumed``) unless
    ``force``. A story that cannot be compared (``CompareError``: one source, limits) is written as an
    ``error`` summary and not retried. Any other exception propagates, for the engine to retry.
    """
    story, settings = task.story, task.settings
    store = OutputStore(task.out)

    def same_input(summary: dict[str, Any]) -> bool:
        return summary.get("fingerprint") == task.fingerprint

    if not settings.force:
        existing = store.read_summary(story.folder)
        if existing is not None and same_input(existing):
            return {**existing, "resumed": True}
    started, cpu0 = time.perf_counter(), time.process_time()
    result: Comparison | None = None
    message = ""
    try:
        # A fresh cache per story: vectors never depend on which stories a worker ran before.
        result = compare(list(story.articles), CachingEmbedder(model), settings.config)
    except CompareError as exc:
        message = str(exc)
    frames = _frames(result, include_same=settings.include_same) if result is not None else {}
    summary = _summary(task, result, frames, message, model)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    summary["cpu_seconds"] = round(time.process_time() - cpu0, 3)

    def build(folder: Path) -> None:
        if result is not None:
            saved = SavedSettings(settings.config, settings.backend)  # what `compare` saves, so it reopens
            write_tables(result, folder, include_same=settings.include_same, settings=saved)
        for name, frame in frames.items():
            (folder / f"{name}.parquet").write_bytes(parquet_bytes(frame))
        (folder / SUMMARY).write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")

    # A retry (or --force) replaces a folder; a duplicate attempt of a finished story keeps the first.
    written = store.commit_story(story.folder, build, keep=lambda s: same_input(s) and not settings.force)
    if not written:
        kept = store.read_summary(story.folder)
        if kept is not None:
            return {**kept, "resumed": False}
    return {**summary, "resumed": False}


def _frames(result: Comparison, *, include_same: bool) -> dict[str, pd.DataFrame]:
    """The rows of alignments.csv and divergences.csv, kept typed for the combined Parquet files."""
    return {
        "alignments": alignments_frame(result),
        "divergences": divergences_frame(result, include_same=include_same),
    }


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet, written the same way every time (no index, no pandas metadata)."""
    import pyarrow as pa  # noqa: PLC0415 - the batch's own dependency
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _summary(
    task: StoryTask,
    result: Comparison | None,
    frames: dict[str, pd.DataFrame],
    message: str,
    model: Embedder,
) -> dict[str, Any]:
    story = task.story
    base: dict[str, Any] = {
        "story": story.name,
        "folder": story.folder,
        "status": "ok" if result is not None else "error",
        "message": message,
        "sources": [a.source_id for a in story.articles],
        "n_sources": len(story.articles),
        "characters": story.size,
        "notes": list(story.notes),
        "fingerprint": task.fingerprint,
        "backend": task.settings.backend,
        "model": getattr(model, "name", ""),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "model_loads": MODEL_LOADS,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if result is None:
        return base
    return {
        **base,
        "sentences": sum(len(s) for s in result.sentences.values()),
        "claims": len(result.claims),
        "shared_claims": sum(1 for c in result.claims if len(c.passages) == len(result.articles)),
        "unique": len(result.unique),
        "alignments": len(frames["alignments"]),
        "divergences": len(frames["divergences"]),
        "conflicts": sum(1 for f in result.facts if f.relation == "conflict"),
        "timings": {k: round(v, 3) for k, v in result.timings.items()},
        "warnings": list(result.warnings),
    }
