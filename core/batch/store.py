"""The output folder of a batch, on a local disk or any fsspec file system (``s3://``, ``gs://``, ``memory://``).

Layout of ``DIR``::

    stories/<folder>/   alignments.csv claims.csv unique.csv divergences.csv comparison.json  (= compare)
                        alignments.parquet divergences.parquet   (typed copies, read back to combine)
                        summary.json                             (status, counts, times, input fingerprint)
                        _SUCCESS                                 (written last)
    alignments.parquet divergences.parquet stories.csv [clusters.csv]

A story folder counts only when it holds ``_SUCCESS``. On a local disk it is written in full under
``stories/.tmp/`` and renamed into place (a rename is atomic), so it never appears half-written; on object
storage, where there is no rename, its old ``_SUCCESS`` is deleted first and the new one written last. A
retry or a second run of the same story therefore replaces a folder as a whole and never adds rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fsspec
from fsspec.implementations.local import LocalFileSystem

SUCCESS = "_SUCCESS"
SUMMARY = "summary.json"
STORIES = "stories"
TMP = ".tmp"


class OutputStore:
    """The batch output folder ``url``; built from the URL alone so it can be rebuilt on every worker."""

    def __init__(self, url: str) -> None:
        fs, root = fsspec.core.url_to_fs(url)
        self.fs = fs
        self.local = isinstance(fs, LocalFileSystem)
        self.root = os.path.abspath(root) if self.local else str(root).rstrip("/")
        self.url = self.root if self.local else url.rstrip("/")

    def path(self, *parts: str) -> str:
        """The path of ``parts`` under the root, for ``self.fs``."""
        return "/".join([self.root, *parts])

    def story_path(self, folder: str, name: str = "") -> str:
        return self.path(STORIES, folder, name) if name else self.path(STORIES, folder)

    # ---------------------------------------------------------------------------------------- reading

    def read_summary(self, folder: str) -> dict[str, Any] | None:
        """The summary of a complete story folder, or None when the folder is absent or incomplete."""
        try:
            if not self.fs.exists(self.story_path(folder, SUCCESS)):
                return None
            with self.fs.open(self.story_path(folder, SUMMARY), "rb") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def open_read(self, path: str) -> Any:
        return self.fs.open(path, "rb")

    # ---------------------------------------------------------------------------------------- writing

    def prepare(self) -> None:
        """Creates the root; on a local disk also clears temporary folders left by an interrupted run."""
        self.fs.makedirs(self.path(STORIES), exist_ok=True)
        if self.local:
            shutil.rmtree(self.path(STORIES, TMP), ignore_errors=True)

    def commit_story(
        self, folder: str, build: Callable[[Path], None], *, keep: Callable[[dict[str, Any]], bool]
    ) -> bool:
        """Writes one story folder as a whole.

        Args:
            folder: The story's folder name.
            build: Writes every file of the story into the given local folder (``_SUCCESS`` excepted).
            keep: Given the summary of a complete folder already in place, True to keep it (the same
                story, written by an earlier attempt) rather than replace it.

        Returns:
            True when this call's files are in place, False when an existing folder was kept.
        """
        if self.local:
            return self._commit_local(folder, build, keep)
        existing = self.read_summary(folder)
        if existing is not None and keep(existing):
            return False
        with tempfile.TemporaryDirectory(prefix="newscompare-story-") as scratch:
            build(Path(scratch))
            target = self.story_path(folder)
            if self.fs.exists(target):
                with contextlib.suppress(FileNotFoundError):
                    self.fs.rm(self.story_path(folder, SUCCESS))
                self.fs.rm(target, recursive=True)
            for file in sorted(Path(scratch).iterdir()):
                self.fs.put_file(str(file), self.story_path(folder, file.name))
            self.fs.pipe_file(self.story_path(folder, SUCCESS), b"")
        return True

    def _commit_local(
        self, folder: str, build: Callable[[Path], None], keep: Callable[[dict[str, Any]], bool]
    ) -> bool:
        tmp_root = Path(self.path(STORIES, TMP))
        tmp_root.mkdir(parents=True, exist_ok=True)
        scratch = tmp_root / f"{folder}.{uuid.uuid4().hex}"
        scratch.mkdir()
        try:
            build(scratch)
            (scratch / SUCCESS).write_bytes(b"")
            final = Path(self.story_path(folder))
            for _ in range(5):  # another attempt of the same story may be renaming at the same time
                try:
                    os.rename(scratch, final)
                    return True
                except OSError:
                    if not final.exists():
                        continue
                existing = self.read_summary(folder)
                if existing is not None and keep(existing):
                    return False
                old = tmp_root / f"{folder}.{uuid.uuid4().hex}.old"
                with contextlib.suppress(FileNotFoundError):
                    os.rename(final, old)
                shutil.rmtree(old, ignore_errors=True)
            raise OSError(f"could not move {scratch} to {final}")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def write_bytes(self, name: str, data: bytes) -> str:
        """Writes a file under the root in one piece (temporary file and rename on a local disk)."""
        with self.open_write(name) as fh:
            fh.write(data)
        return self.path(name)

    @contextlib.contextmanager
    def open_write(self, name: str) -> Iterator[Any]:
        """A binary file handle for ``name`` under the root that appears only once it is complete."""
        target = self.path(name)
        if not self.local:
            with self.fs.open(target, "wb") as fh:
                yield fh
            return
        tmp = f"{target}.{uuid.uuid4().hex}.tmp"
        try:
            with open(tmp, "wb") as fh:
                yield fh
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Holds ``DIR/.batch.lock`` on a local disk so two runs never write one folder at once."""
        if not self.local:
            yield
            return
        import fcntl  # noqa: PLC0415 - POSIX only; object stores take no lock

        os.makedirs(self.root, exist_ok=True)
        with open(self.path(".batch.lock"), "a+b") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise RuntimeError(f"{self.root} is in use by another batch run") from exc
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
