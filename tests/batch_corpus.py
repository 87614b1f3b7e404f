"""Six small stories made from the demo set (subsets and edited variants of its four invented articles),
as story folders and as JSONL; shared by the batch tests."""

from __future__ import annotations

import json
from pathlib import Path

from core.demo import DEMO_DIR

DEMO = {p.name: p.read_text(encoding="utf-8") for p in sorted(DEMO_DIR.iterdir())}
EAST, METRO, NATIONAL, VALLEY = (
    "eastmere_post.txt",
    "metro_daily.md",
    "national_wire.txt",
    "valley_courier.txt",
)


def _variant(text: str) -> str:
    """Another outlet's retelling: other figures and a changed month, so facts diverge."""
    return (
        text.replace("14 million", "19 million")
        .replace("900", "1,200")
        .replace("six months", "eight months")
        .replace("March", "April")
    )


STORIES: dict[str, dict[str, str]] = {
    "s1-all": {name: DEMO[name] for name in (EAST, METRO, NATIONAL, VALLEY)},
    "s2-pair": {EAST: DEMO[EAST], METRO: DEMO[METRO]},
    "s3-pair": {NATIONAL: DEMO[NATIONAL], VALLEY: DEMO[VALLEY]},
    "s4-three": {EAST: DEMO[EAST], NATIONAL: DEMO[NATIONAL], VALLEY: DEMO[VALLEY]},
    "s5-variant": {
        NATIONAL: DEMO[NATIONAL],
        "national_rival.txt": _variant(DEMO[NATIONAL]),
        METRO: DEMO[METRO],
    },
    "s10-variants": {
        "a_post.txt": _variant(DEMO[EAST]),
        VALLEY: DEMO[VALLEY],
        "b_wire.txt": _variant(DEMO[NATIONAL]),
    },
}
SOLO = {"s7-solo": {EAST: DEMO[EAST]}}


def write_folders(root: Path, stories: dict[str, dict[str, str]] | None = None) -> Path:
    """One folder per story under ``root``."""
    for story, files in (stories or STORIES).items():
        folder = root / story
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
    return root


def write_jsonl(path: Path, stories: dict[str, dict[str, str]] | None = None, *, key: str = "story") -> Path:
    """The same stories as JSONL records, stories interleaved (only the order within a story matters:
    it is the order of the sources, as the sorted file names are in a folder)."""
    per_story = [
        [{key: story, "name": name, "text": text} for name, text in sorted(files.items())]
        for story, files in (stories or STORIES).items()
    ]
    records = [r[i] for i in range(max(map(len, per_story))) for r in per_story if i < len(r)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------
# Embedders for failure tests. Module-level classes, so a Dask worker (which has tests/ on its path)
# unpickles them by reference.

MARKER = "Quarrystone"  # a word only the marked test story contains


def marked(stories: dict[str, dict[str, str]], story: str) -> dict[str, dict[str, str]]:
    """``stories`` with the marker word added to every article of ``story``."""
    out = dict(stories)
    out[story] = {
        name: text + f"\n\nThe {MARKER} depot was also mentioned.\n" for name, text in stories[story].items()
    }
    return out


class FailingEmbedder:
    """Hashing vectors, but raises on any batch holding the marker word (a story that always fails)."""

    def __init__(self) -> None:
        from core.embed import HashingEmbedder

        self.inner = HashingEmbedder()
        self.name = self.inner.name

    def encode(self, texts):
        if any(MARKER in t for t in texts):
            raise RuntimeError("the model crashed on this story")
        return self.inner.encode(texts)


class KillOnceEmbedder:
    """Hashing vectors; the first process to embed the marked story writes its PID to ``flag_dir/pid``
    and then waits (up to 5 minutes) to be killed; later attempts embed normally."""

    def __init__(self, flag_dir: str) -> None:
        from core.embed import HashingEmbedder

        self.inner = HashingEmbedder()
        self.name = self.inner.name
        self.flag_dir = Path(flag_dir)

    def encode(self, texts):
        import os
        import time

        if any(MARKER in t for t in texts):
            try:
                fd = os.open(self.flag_dir / "claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return self.inner.encode(texts)
            os.close(fd)
            (self.flag_dir / "pid.tmp").write_text(str(os.getpid()))
            os.replace(self.flag_dir / "pid.tmp", self.flag_dir / "pid")
            time.sleep(300)
        return self.inner.encode(texts)


def failing_factory() -> FailingEmbedder:
    return FailingEmbedder()


def kill_once_factory(flag_dir: str):
    import functools

    return functools.partial(KillOnceEmbedder, flag_dir)
