"""The Dask engine: one task per story on a ``LocalCluster`` (127.0.0.1 only) or a remote scheduler.

* The model loads once per worker process, in ``ModelPlugin.setup`` (a ``WorkerPlugin``); a worker the
  nanny restarts gets the plugin again.
* Each worker runs one story at a time (``threads_per_worker=1``) with ``Settings.threads`` BLAS and
  onnxruntime threads (default 1: ``core.embed.runtime`` measured a second thread to cost CPU and win
  nothing on one-sentence runs), so N workers use N cores and never oversubscribe them.
* The biggest stories are submitted first and with the highest priority; at most ``max_in_flight`` tasks
  are submitted at once (the driver never holds every story's futures).
* A story whose task raises is retried by the scheduler (``retries``); a task whose worker died is
  rescheduled on another worker (up to ``distributed.scheduler.allowed-failures`` deaths). Retries are
  safe because a story folder is written whole (``OutputStore.commit_story``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any, cast

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from core.batch.engine import ResultFn, biggest_first, failed_summary
from core.batch.work import Settings, StoryTask, load_model, process_story
from core.embed import Embedder

PLUGIN_NAME = "newscompare-model"

log = logging.getLogger(__name__)


class ModelPlugin(WorkerPlugin):
    """Loads the embedding model once when a worker starts, with a bounded thread count."""

    idempotent = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model: Embedder | None = None

    def setup(self, worker: Any) -> None:
        self.model = load_model(
            self.settings.backend, threads=self.settings.threads, factory=self.settings.factory
        )


def run_on_worker(task: StoryTask) -> dict[str, Any]:
    """The task function: one story with the worker's model."""
    worker = get_worker()
    plugin = cast(ModelPlugin, worker.plugins[PLUGIN_NAME])
    if plugin.model is None:  # setup failed or has not run: load here, still once per worker
        plugin.setup(worker)
    assert plugin.model is not None
    return process_story(task, plugin.model)


def local_cluster(workers: int) -> LocalCluster:
    """Worker processes on this machine that listen on 127.0.0.1 only (scheduler, workers, nannies and
    the HTTP endpoint on a free port), one thread each."""
    return LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )


def run_dask(
    tasks: Sequence[StoryTask],
    settings: Settings,
    on_result: ResultFn,
    *,
    workers: int = 2,
    address: str | None = None,
    max_in_flight: int | None = None,
) -> None:
    """Runs every task on Dask and calls ``on_result`` with each summary as it arrives.

    Args:
        tasks: The stories to compare.
        settings: As for the local engine; ``settings.factory`` must be picklable.
        on_result: Called in this process with each story's summary (``failed`` after the retries).
        workers: Worker processes of the ``LocalCluster`` (ignored with ``address``).
        address: A running scheduler (``tcp://host:8786``) instead of a local cluster.
        max_in_flight: Most tasks submitted at once; default twice the cluster's threads.
    """
    if not tasks:
        return
    cluster = None if address else local_cluster(workers)
    try:
        with Client(address or cluster) as client:  # type: ignore[no-untyped-call]
            client.register_plugin(ModelPlugin(settings), name=PLUGIN_NAME)
            threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values()) or 1
            _submit_all(client, biggest_first(tasks), settings, on_result, max_in_flight or 2 * threads)
    finally:
        if cluster is not None:
            cluster.close()


def _submit_all(
    client: Client, ordered: list[StoryTask], settings: Settings, on_result: ResultFn, limit: int
) -> None:
    queue = iter(enumerate(ordered))
    by_key: dict[str, StoryTask] = {}
    pending = as_completed()  # type: ignore[no-untyped-call]

    def submit_next() -> None:
        item = next(queue, None)
        if item is None:
            return
        rank, task = item
        key = f"story-{task.story.folder}-{task.fingerprint[:12]}-{os.getpid()}"
        by_key[key] = task
        future = client.submit(
            run_on_worker, task, key=key, pure=False, retries=settings.retries, priority=len(ordered) - rank
        )
        pending.add(future)  # type: ignore[no-untyped-call]

    for _ in range(max(1, limit)):
        submit_next()
    for future in pending:
        task = by_key.pop(str(future.key))
        try:
            summary = future.result()
        except Exception as exc:  # noqa: BLE001 - the scheduler retried it; now it is reported
            summary = failed_summary(task, exc, attempts=settings.retries + 1)
        future.release()
        on_result(summary)
        submit_next()
