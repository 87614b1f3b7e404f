"""The one error ingest raises."""

from __future__ import annotations


class IngestError(ValueError):
    """A source could not be read; ``str(error)`` is a one-line message for the user."""
