"""The bundled demo set: four invented articles about one invented story (no copyright, no real events)."""

from __future__ import annotations

from pathlib import Path

from core.ingest import load_path
from core.model import Article

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


def demo_articles() -> list[Article]:
    """The demo articles, in a fixed order, with ``origin="demo"``."""
    from dataclasses import replace  # noqa: PLC0415

    files = sorted(p for p in DEMO_DIR.iterdir() if p.suffix in {".txt", ".md"})
    return [replace(load_path(p), origin="demo") for p in files]
