"""Streamlit helpers shared by the app's pages: session state, cached computation, HTML rendering.

Only this package and the page scripts import streamlit; ``core`` stays pure.
"""

import logging as _logging


def _configure_core_logging() -> None:
    """Send ``core``'s INFO lines (model loads, backend fallbacks) to the server's stderr, once."""
    logger = _logging.getLogger("core")
    if not any(getattr(h, "_newscompare", False) for h in logger.handlers):
        handler = _logging.StreamHandler()
        handler.setFormatter(_logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._newscompare = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(_logging.INFO)
        logger.propagate = False


_configure_core_logging()
