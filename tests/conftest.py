"""Shared fixtures: a fast fake embedder, the demo set, and the user's seed articles when present."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.demo import demo_articles
from core.embed import CachingEmbedder, HashingEmbedder
from core.ingest import load_path
from core.model import Article

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def fake_embedder() -> CachingEmbedder:
    return CachingEmbedder(HashingEmbedder())


@pytest.fixture(scope="session")
def demo() -> list[Article]:
    return demo_articles()


def seed_articles(prefixes: str = "012") -> list[Article]:
    """The seed articles whose file name starts with 00<digit> for each digit given, ids shortened."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    files = sorted(p for p in SEEDS.glob("*.txt") if p.name[2] in prefixes)
    return [dataclasses.replace(load_path(p), source_id=p.name[:3]) for p in files]


@pytest.fixture(scope="session")
def real_embedder() -> CachingEmbedder:
    from core.embed import load_embedder

    return CachingEmbedder(load_embedder("torch"))
