"""The local engine (this process, one story after another) and what both engines share: task order,
failure summaries and terminal progress. The Dask engine is ``core.batch.dask_engine``."""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from core.batch.work import Settings, StoryTask, load_model, process_story

log = logging.getLogger(__name__)

ResultFn = Callable[[dict[str, Any]], None]


def biggest_first(tasks: Sequence[StoryTask]) -> list[StoryTask]:
    """Tasks by decreasing size (characters), so the longest story does not start last and hold up the
    end of the run; ties in story order."""
    return sorted(tasks, key=lambda t: -t.story.size)


def failed_summary(task: StoryTask, exc: BaseException, *, attempts: int) -> dict[str, Any]:
    """The summary of a story whose every attempt raised: reported, never written as a folder."""
    return {
        "story": task.story.name,
        "folder": task.story.folder,
        "status": "failed",
        "message": f"{type(exc).__name__}: {exc}".strip()[:2000],
        "sources": [a.source_id for a in task.story.articles],
        "n_sources": len(task.story.articles),
        "characters": task.story.size,
        "attempts": attempts,
        "fingerprint": task.fingerprint,
        "resumed": False,
    }


def run_local(tasks: Sequence[StoryTask], settings: Settings, on_result: ResultFn) -> None:
    """Runs every task in this process with one model, retrying a raising story ``settings.retries``
    times (a ``CompareError`` is not an exception here: ``process_story`` records it)."""
    if not tasks:
        return
    model = load_model(settings.backend, threads=settings.threads, factory=settings.factory)
    for task in biggest_first(tasks):
        attempts = 0
        while True:
            attempts += 1
            try:
                summary = process_story(task, model)
            except Exception as exc:  # noqa: BLE001 - any failure of one story is retried, then reported
                log.debug("story %s failed:\n%s", task.story.name, traceback.format_exc())
                if attempts <= settings.retries:
                    continue
                summary = failed_summary(task, exc, attempts=attempts)
            break
        on_result(summary)


class Progress:
    """One line per finished story on the terminal: ``[ 12/86] 3ecb  ok  9 sources 41 claims 2.3 s``."""

    def __init__(self, total: int, *, stream: TextIO | None = None, skipped: int = 0) -> None:
        self.total = total
        self.done = 0
        self.skipped = skipped
        self.started = time.perf_counter()
        self.stream = stream or sys.stderr

    def __call__(self, summary: dict[str, Any]) -> None:
        self.done += 1
        status = summary.get("status", "?")
        if status == "ok":
            what = (
                f"{summary.get('n_sources', 0)} sources, {summary.get('claims', 0)} claims, "
                f"{summary.get('divergences', 0)} divergences, {summary.get('seconds', 0):.1f} s"
            )
        else:
            what = str(summary.get("message", ""))[:160]
        elapsed = time.perf_counter() - self.started
        left = (self.total - self.done) * elapsed / self.done if self.done else 0.0
        width = len(str(self.total))
        print(
            f"[{self.done:>{width}}/{self.total}] {summary.get('story')}: {status}, {what}"
            f"  (elapsed {_clock(elapsed)}, left ~{_clock(left)})",
            file=self.stream,
            flush=True,
        )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"
