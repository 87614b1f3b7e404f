"""Escaping and shortening of untrusted text: pure, no Streamlit, imported by every other ``ui`` module.

Every piece of article text and every source name is untrusted: it goes through ``esc`` (``html.escape``
with quotes) before it reaches HTML, and through ``md_escape`` before it reaches any Streamlit element
that renders Markdown (labels, captions, alerts).
"""

from __future__ import annotations

import html
import re

_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^&])")


def esc(text: str) -> str:
    """HTML-escapes untrusted text for element content and attribute values."""
    return html.escape(text, quote=True)


def md_escape(text: str) -> str:
    """Neutralises Markdown, Streamlit directives (``:red[...]``), LaTeX (``$``) and HTML in ``text``."""
    text = " ".join(text.split())
    return _MD_SPECIALS.sub(r"\\\1", text)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to at most ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
