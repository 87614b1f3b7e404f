"""Batch input: stories of articles from a folder of story folders, or from a JSONL file of articles.

Every article is ingested exactly as ``python -m core compare`` ingests a file (``core.ingest``): a folder
story goes through ``expand_paths`` + ``load_path`` + ``unique_ids``; a JSONL record goes through
``article_from_bytes`` with the record's file name (or ``<id>.txt``), so a record and the same text in a
file give the same ``Article`` (only ``origin`` differs).

JSONL records (one JSON object a line):

* ``text`` (or ``html``): the article; required.
* ``source_id`` / ``id`` / ``doc_id``: the source id; else the stem of ``name``; else ``line<N>``.
* ``name``: a file name whose extension picks the format (``.md``, ``.html``); optional.
* ``title``, ``published`` (ISO date): set by the user, as in the app; optional.
* the story key: ``--story-key``, else the first of ``STORY_KEYS`` present (ECB+'s ``subtopic``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.config import DEFAULT_LIMITS, Limits
from core.ingest import (
    IngestError,
    article_from_bytes,
    article_from_text,
    expand_paths,
    format_for_name,
    load_path,
    unique_ids,
)
from core.model import Article

STORY_KEYS = ("story", "story_id", "subtopic", "topic")
ID_KEYS = ("source_id", "id", "doc_id")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


class BatchInputError(ValueError):
    """The input cannot be read as stories; ``str(error)`` is a message for the user."""


@dataclass(frozen=True, slots=True)
class Story:
    """One story: the articles compared together.

    Attributes:
        name: The story key as given (or ``story-0001`` when found by clustering).
        folder: Its folder name under ``DIR/stories/`` (``story_folder(name)``).
        articles: Cleaned articles with distinct source ids, in input order.
        notes: Ingest messages (files or records that were skipped).
    """

    name: str
    folder: str
    articles: tuple[Article, ...]
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """Characters of cleaned text: the cost estimate used to start the biggest stories first."""
        return sum(len(a.text) for a in self.articles)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def story_folder(name: str) -> str:
    """A folder name safe on every file system and object store for the story key ``name``.

    Keys that are already safe are kept as they are; others are slugged and get 8 hex digits of a hash
    of the key, so two keys never share a folder ("a/b" and "a b" differ).
    """
    slug = _UNSAFE.sub("_", name).strip("._-")[:80]
    if name and slug == name:
        return name
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return f"{slug or 'story'}-{digest}"


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders "2ecb" before "10ecb": the story order of every combined output."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part)


def make_story(name: str, articles: list[Article], notes: list[str]) -> Story:
    return Story(
        name=name, folder=story_folder(name), articles=tuple(unique_ids(articles)), notes=tuple(notes)
    )


def sort_stories(stories: list[Story]) -> list[Story]:
    """Stories in their canonical order (natural order of the name); checks that folders are distinct."""
    ordered = sorted(stories, key=lambda s: (natural_key(s.name), s.name))
    seen: dict[str, str] = {}
    for s in ordered:
        if s.folder in seen:
            raise BatchInputError(f"stories {seen[s.folder]!r} and {s.name!r} would share a folder")
        seen[s.folder] = s.name
    return ordered


# ------------------------------------------------------------------------------------------ files


def load_files(paths: list[Path], *, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Article], list[str]]:
    """Articles of files and folders, as ``python -m core compare`` reads them, and the skip messages."""
    articles: list[Article] = []
    notes: list[str] = []
    for path in expand_paths(paths):
        if not path.exists():
            notes.append(f"skipped: {path}: no such file or folder")
            continue
        try:
            articles.append(load_path(path, limits=limits))
        except IngestError as exc:
            notes.append(f"skipped: {exc}")
    return unique_ids(articles), notes


def read_story_folders(root: Path, *, limits: Limits = DEFAULT_LIMITS) -> list[Story]:
    """One story per sub-folder of ``root`` (its name is the story key), hidden folders ignored."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise BatchInputError(
            f"{root}: no story folders inside; give a folder of story folders, a JSONL file with a story "
            "key, or a flat folder with --cluster"
        )
    stories = []
    for folder in folders:
        articles, notes = load_files([folder], limits=limits)
        stories.append(make_story(folder.name, articles, notes))
    return sort_stories(stories)


# ------------------------------------------------------------------------------------------ JSONL


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, record or None, problem) for every non-blank line; a bad line is reported, not fatal."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield number, None, f"line {number}: not JSON ({exc})"
                continue
            if not isinstance(record, dict):
                yield number, None, f"line {number}: not a JSON object"
                continue
            yield number, record, ""


def _text_field(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def article_from_record(
    record: dict[str, Any], *, line: int, origin: str, limits: Limits = DEFAULT_LIMITS
) -> Article:
    """The ``Article`` of one JSONL record, cleaned as a file of the same name and text would be.

    Raises:
        IngestError: No text, or text that cleaning cannot read (same messages as for files).
    """
    html = isinstance(record.get("html"), str) and not isinstance(record.get("text"), str)
    text = record.get("html") if html else record.get("text")
    name = _text_field(record, "name")
    sid = next((str(record[k]) for k in ID_KEYS if record.get(k) not in (None, "")), "")
    sid = sid or (Path(name).stem if name else f"line{line}")
    if not isinstance(text, str):
        raise IngestError(f"{sid}: the record has no text")
    file_name = name or f"{sid}{'.html' if html else '.txt'}"
    title = _text_field(record, "title")
    published = _parse_date(record.get("published") or record.get("date"))
    if not title:
        article = article_from_bytes(
            file_name, text.encode("utf-8"), source_id=sid, origin=origin, limits=limits
        )
        return replace(article, published=published) if published else article
    # A title given by the user also removes its repeats from the text, as in the app's form.
    if len(text.encode("utf-8")) > limits.max_upload_bytes:
        raise IngestError(f"{sid}: the text is over {limits.max_upload_bytes / 1e6:.0f} MB")
    return article_from_text(
        sid,
        text,
        title=title,
        published=published,
        origin=origin,
        fmt=format_for_name(file_name),
        limits=limits,
    )


def _parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def story_key_of(path: Path, story_key: str | None) -> str:
    """The story key of a JSONL file: the one given, else the first of ``STORY_KEYS`` in its first record."""
    if story_key:
        return story_key
    for _, record, _ in iter_jsonl(path):
        if record is not None:
            key = next((k for k in STORY_KEYS if k in record), None)
            if key is None:
                raise BatchInputError(
                    f"{path}: records have no story key ({', '.join(STORY_KEYS)}); name it with "
                    "--story-key, or group the articles with --cluster"
                )
            return key
    raise BatchInputError(f"{path}: no records")


def read_jsonl_articles(
    path: Path, *, story_key: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[tuple[str, Article]], list[str]]:
    """(story key value or "", article) for each readable record, and messages for the others."""
    out: list[tuple[str, Article]] = []
    notes: list[str] = []
    for number, record, problem in iter_jsonl(path):
        if record is None:
            notes.append(f"skipped: {path.name}: {problem}")
            continue
        try:
            article = article_from_record(
                record, line=number, origin=f"jsonl:{path.name}:{number}", limits=limits
            )
        except IngestError as exc:
            notes.append(f"skipped: {path.name} line {number}: {exc}")
            continue
        key = "" if story_key is None else record.get(story_key)
        out.append(("" if key is None else str(key), article))
    return out, notes


def read_jsonl_stories(
    path: Path, *, story_key: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Story], list[str]]:
    """Stories of a JSONL file grouped by the story key (articles keep their order in the file), and the
    messages of records that were skipped."""
    key = story_key_of(path, story_key)
    records, notes = read_jsonl_articles(path, story_key=key, limits=limits)
    grouped: dict[str, list[Article]] = {}
    for name, article in records:
        if not name:
            notes.append(f"skipped: {path.name}: {article.source_id} has no {key!r}")
            continue
        grouped.setdefault(name, []).append(article)
    if not grouped:
        raise BatchInputError(f"{path}: no article with a {key!r} could be read" + _first(notes))
    return sort_stories([make_story(name, arts, []) for name, arts in grouped.items()]), notes


def _first(notes: list[str]) -> str:
    return f" ({notes[0]})" if notes else ""


# ------------------------------------------------------------------------------------------ entry


def is_jsonl(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in JSONL_SUFFIXES


def read_stories(
    path: Path, *, story_key: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Story], list[str]]:
    """Stories of INPUT (a folder of story folders or a JSONL file with a story key) and input-level
    messages (unreadable records). A story's own skipped files are in ``Story.notes``.

    Raises:
        BatchInputError: The input is missing or has no story.
    """
    if is_jsonl(path):
        return read_jsonl_stories(path, story_key=story_key, limits=limits)
    if path.is_dir():
        return read_story_folders(path, limits=limits), []
    raise BatchInputError(f"{path}: not a folder or a .jsonl file")


def read_flat(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Article], list[str]]:
    """Articles of a flat pile (a folder of article files, or a JSONL file; story keys are ignored).

    Raises:
        BatchInputError: The input is missing or no article could be read.
    """
    if is_jsonl(path):
        records, notes = read_jsonl_articles(path, story_key=None, limits=limits)
        articles = unique_ids([a for _, a in records])
    elif path.is_dir():
        articles, notes = load_files([path], limits=limits)
    else:
        raise BatchInputError(f"{path}: not a folder or a .jsonl file")
    if not articles:
        raise BatchInputError(f"{path}: no article could be read" + _first(notes))
    return articles, notes
