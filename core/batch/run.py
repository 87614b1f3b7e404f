"""A whole batch: skip what is written, run the rest on an engine, rebuild the combined tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.batch.inputs import Story
from core.batch.store import OutputStore
from core.batch.work import PARTS, Settings, StoryTask, fingerprint
from core.export import csv_bytes

STORY_COLUMNS = (
    "story", "folder", "status", "resumed", "n_sources", "sentences", "claims", "shared_claims", "unique",
    "alignments", "divergences", "conflicts", "seconds", "cpu_seconds", "message",
)  # fmt: skip


@dataclass
class BatchResult:
    """What a batch did, in story order.

    Attributes:
        summaries: One summary per story (``status`` ok / error / failed; ``resumed`` when skipped).
        paths: The combined files written under the output root.
        rows: Rows of each combined Parquet table.
    """

    summaries: list[dict[str, Any]]
    paths: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for s in self.summaries if s.get("status") == status)

    @property
    def exit_code(self) -> int:
        """1 when a story failed (after its retries), 2 when no story could be compared, else 0."""
        if self.count("failed"):
            return 1
        return 2 if self.summaries and not self.count("ok") else 0


def run_batch(
    stories: Sequence[Story],
    out: str,
    settings: Settings,
    *,
    engine: str = "local",
    workers: int = 2,
    address: str | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    on_plan: Callable[[int, int], None] | None = None,
    extra_tables: dict[str, pd.DataFrame] | None = None,
) -> BatchResult:
    """Compares every story and writes ``out`` (see ``core.batch.store`` for the layout).

    Args:
        stories: In story order (``inputs.sort_stories``); that order is the order of every combined table.
        out: Output folder or fsspec URL. With Dask, every worker must reach it (shared disk, object store).
        settings: Backend, alignment settings, force, threads and retries.
        engine: ``local`` (this process) or ``dask``.
        workers: Worker processes of Dask's local cluster.
        address: A running Dask scheduler instead of a local cluster.
        on_result: Called with each summary of a story run now (progress).
        on_plan: Called once with (stories to run, stories already written) before running.
        extra_tables: More CSV files for the root (``clusters.csv``).
    """
    store = OutputStore(out)
    if engine == "dask" and store.url.startswith("memory://"):
        raise ValueError("memory:// lives inside one process; Dask workers need a disk or object storage")
    with store.lock():
        store.prepare()
        tasks = [StoryTask(s, store.url, fingerprint(s, settings), settings) for s in stories]
        results: dict[str, dict[str, Any]] = {}
        todo = []
        for task in tasks:
            existing = None if settings.force else store.read_summary(task.story.folder)
            if existing is not None and existing.get("fingerprint") == task.fingerprint:
                results[task.story.folder] = {**existing, "resumed": True}
            else:
                todo.append(task)
        if on_plan is not None:
            on_plan(len(todo), len(tasks) - len(todo))

        def collect(summary: dict[str, Any]) -> None:
            results[summary["folder"]] = summary
            if on_result is not None:
                on_result(summary)

        if engine == "dask":
            from core.batch.dask_engine import run_dask  # noqa: PLC0415 - Dask only when asked for

            run_dask(todo, settings, collect, workers=workers, address=address)
        elif engine == "local":
            from core.batch.engine import run_local  # noqa: PLC0415

            run_local(todo, settings, collect)
        else:
            raise ValueError(f"unknown engine {engine!r}; choose local or dask")
        summaries = [results[t.story.folder] for t in tasks]
        result = BatchResult(summaries)
        for name in PARTS:
            result.rows[name] = combine_parts(store, summaries, name)
            result.paths.append(store.path(f"{name}.parquet"))
        result.paths.append(store.write_bytes("stories.csv", csv_bytes(stories_frame(summaries))))
        for name, frame in (extra_tables or {}).items():
            result.paths.append(store.write_bytes(name, csv_bytes(frame)))
    return result


def stories_frame(summaries: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """stories.csv: one line per story, in story order."""
    rows = [{c: s.get(c, "") for c in STORY_COLUMNS} for s in summaries]
    return pd.DataFrame(rows, columns=list(STORY_COLUMNS))


def combine_parts(store: OutputStore, summaries: Sequence[dict[str, Any]], name: str) -> int:
    """Rebuilds ``<name>.parquet`` from the stories' own Parquet files, in story order, one row group a
    story, with a leading ``story`` column. Reads one story at a time, so memory stays bounded; the
    bytes depend only on the stories' tables, never on the engine, the workers or the interruptions.

    Returns:
        The number of rows written.
    """
    import pyarrow as pa  # noqa: PLC0415 - the batch's own dependency
    import pyarrow.parquet as pq  # noqa: PLC0415

    parts = [
        (s["story"], store.story_path(s["folder"], f"{name}.parquet"))
        for s in summaries
        if s["status"] == "ok"
    ]
    unified = _combined_schema(store, [path for _, path in parts])
    schema = pa.schema([pa.field("story", pa.string()), *unified])
    rows = 0
    with store.open_write(f"{name}.parquet") as sink, pq.ParquetWriter(sink, schema) as writer:
        for story, path in parts:
            with store.open_read(path) as fh:
                table = pq.read_table(fh)
            if table.num_rows == 0:
                continue
            columns = [pa.array([story] * table.num_rows, pa.string())]
            for f in unified:
                column = table.column(f.name) if f.name in table.column_names else None
                if column is None or column.null_count == len(column):
                    columns.append(pa.nulls(table.num_rows, f.type))
                else:
                    columns.append(column.cast(f.type))
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
            rows += table.num_rows
    return rows


def _combined_schema(store: OutputStore, paths: Sequence[str]) -> Any:
    """The columns of a combined table, in order of first appearance, each with the type its values have.

    Only columns that hold a value decide a type: pandas writes an empty table's text columns as
    ``double`` (and an all-empty column as ``double`` or ``null``), which must not clash with the
    ``string`` of stories that have rows (regression: "Field source_a has incompatible types:
    large_string vs double" on ECB+ stories with no alignment). A column with no value anywhere is text;
    two stories whose values truly disagree in type (numbers and text) meet as text.
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    order: list[str] = []
    typed: dict[str, list[Any]] = {}
    for path in paths:
        with store.open_read(path) as fh:
            table = pq.read_table(fh)
        for column_name, column in zip(table.column_names, table.columns, strict=True):
            if column_name not in typed:
                order.append(column_name)
                typed[column_name] = []
            if len(column) and column.null_count < len(column):
                typed[column_name].append(column.type)
    fields = []
    for column_name in order:
        types = [t for t in dict.fromkeys(typed[column_name]) if not pa.types.is_null(t)]
        try:
            merged = pa.unify_schemas(
                [pa.schema([pa.field(column_name, t)]) for t in types], promote_options="permissive"
            )
            kind = merged.field(column_name).type if types else pa.string()
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            kind = pa.large_string()
        fields.append(pa.field(column_name, kind))
    return fields
