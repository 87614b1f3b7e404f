"""Settings, results and the error of ``core.fetch``."""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]
"""Maps (ASCII host name, port) to the IP address strings to connect to."""

MB = 1024 * 1024


class FetchError(Exception):
    """A URL could not be fetched or held no article; ``str(error)`` is a one-line message for the user."""


def _default_user_agent() -> str:
    return "Mozilla/5.0 (compatible; news-source-comparison/1.0; +one article fetched on a user's request)"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and guard settings of :func:`fetch_article`.

    Attributes:
        timeout_s: Connect timeout and read timeout (per socket operation), in seconds.
        total_deadline_s: Wall-clock limit of the whole fetch, DNS and all redirects included.
        max_bytes: Largest body accepted (after content decoding); enforced while streaming.
        max_redirects: Most redirects followed before giving up.
        allowed_content_types: Media types accepted (lower case, without parameters).
        allow_private: Switch the address guard off entirely. Only for tests and local development; never
            on the public deployment.
        allowed_hosts: Host names (or literal IPs) exempt from the address guard, e.g. a test server on
            127.0.0.1. Only the host of the link being fetched is exempted, so a redirect from an allowed
            host to any other non-public address is still refused.
        min_text_chars: Extracted text shorter than this is not an article (a lone "Home" link left over
            from the navigation, say) and is reported as "No article text found on the page".
        ca_certs: Path of a PEM bundle of trusted certificate authorities; None uses certifi's bundle when
            installed, else the system store. Tests point it at a self-signed certificate.
        resolver: Replaces ``socket.getaddrinfo`` for host-name lookups (tests use it to map made-up names
            to addresses). Its answers are checked exactly like real DNS answers.
        user_agent: The ``User-Agent`` header sent.
        clock: Replaces ``time.monotonic`` as the clock of the deadlines (tests use a fake clock to test
            the deadline logic without depending on the machine's speed).
    """

    timeout_s: float = 10.0
    total_deadline_s: float = 20.0
    max_bytes: int = 5 * MB
    max_redirects: int = 5
    allowed_content_types: frozenset[str] = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    resolver: Resolver | None = field(default=None, compare=False)
    min_text_chars: int = 25
    ca_certs: str | None = None
    user_agent: str = field(default_factory=_default_user_agent)
    clock: Callable[[], float] | None = field(default=None, compare=False)

    def now(self) -> float:
        """The current time on the policy's clock, in seconds."""
        return (self.clock or time.monotonic)()


DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """An article fetched from the web.

    Attributes:
        url: The URL the user gave.
        final_url: The URL after redirects, the one the text came from.
        title: Headline from the page metadata (may be empty).
        text: Article body as plain text, without the headline, scripts or page furniture.
        published: Publication date found in the page, if any.
        content_type: Media type the server declared (e.g. ``text/html``).
        n_bytes: Size of the body read, in bytes.
        notes: Human-readable remarks (e.g. how the page was decoded), for ``Article.notes``.
    """

    url: str
    final_url: str
    title: str
    text: str
    published: dt.date | None
    content_type: str
    n_bytes: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page as the server sent it: bytes and what the server said about them.

    Decoding and extraction are ingest's job (``core.ingest.article_from_page``), the same as for an
    uploaded file.

    Attributes:
        url: The URL the user gave.
        final_url: The URL after redirects, the one the body came from.
        data: The body (after content decoding, e.g. gzip), at most ``FetchPolicy.max_bytes``.
        charset: The charset the ``Content-Type`` header declared, if any (not validated).
        content_type: The media type (``text/html``, ``text/plain``, ...). A body served without one is
            accepted only when it starts like an HTML page, and is then ``text/html``.
    """

    url: str
    final_url: str
    data: bytes
    charset: str | None
    content_type: str

    @property
    def n_bytes(self) -> int:
        """Size of the body, in bytes."""
        return len(self.data)


def fmt_seconds(seconds: float) -> str:
    """A duration for a message ("20 s", "0.3 s")."""
    return f"{seconds:g} s"


def fmt_size(n_bytes: int) -> str:
    """A size for a message ("5 MB", "1 KB")."""
    if n_bytes >= MB:
        return f"{round(n_bytes / MB, 1):g} MB"
    return f"{max(1, round(n_bytes / 1024)):g} KB"
