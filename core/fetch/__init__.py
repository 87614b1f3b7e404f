"""Fetch one news article by URL, safely; ingest decodes and extracts it like an uploaded file.

The app runs on a shared public server, so a user-supplied URL must never turn the server against its own
network (SSRF). The guard here:

* accepts only ``http`` and ``https`` links without a user name or password; any port 1-65535 is allowed
  (news sites do use odd ports, and the address check below is what protects internal services: a port
  rule adds little once private, loopback and link-local addresses are unreachable);
* parses the host the way browsers and ``inet_aton`` do, so ``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
  ``127.1``, ``[::1]`` and ``[::ffff:127.0.0.1]`` are all seen as the literal addresses they are;
  non-ASCII host names are IDNA-encoded;
* refuses ``localhost`` and ``*.localhost`` by name, then resolves the host with ``socket.getaddrinfo``
  and refuses the link if ANY resolved address is not globally routable: private, loopback, link-local,
  multicast, reserved, unspecified, shared (100.64.0.0/10), documentation and benchmark ranges, and
  IPv6 addresses that embed one of those (IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64);
* connects to the validated IP itself (never re-resolving, so DNS rebinding between check and connect
  cannot happen), sending the original ``Host`` header and using the host name for TLS SNI and
  certificate verification;
* follows redirects by hand, running the whole check again on every hop;
* bounds everything: connect/read timeouts, an overall deadline, a byte cap enforced while streaming
  (``Content-Length`` is only used to refuse early), a redirect limit, and an allow-list of content types.

Every network or content problem is raised as :class:`FetchError` with a one-line message meant for the
user; nothing else escapes :func:`fetch_page` or :func:`fetch_article`.

:func:`fetch_page` returns the raw page (bytes, declared charset, content type, final URL);
``core.ingest.article_from_page`` turns it into an ``Article`` through the same decoder and HTML extractor
as an uploaded file. :func:`fetch_article` does both steps and returns the extracted text, for callers that
want a :class:`FetchedPage`.

Modules: ``policy`` (settings, results, the error), ``guard`` (the SSRF checks), ``transport`` (the
request).
"""

from __future__ import annotations

from urllib.parse import urljoin

from core.fetch.guard import MAX_URL_LENGTH, _parse_ipv4_number_forms, check_url, validate
from core.fetch.policy import (
    DEFAULT_POLICY,
    FetchedPage,
    FetchError,
    FetchPolicy,
    IPAddress,
    RawPage,
    Resolver,
)
from core.fetch.transport import REDIRECT_STATUSES, Deadline, fetch_hop
from core.ingest import IngestError, looks_like_html, read_document

__all__ = [
    "DEFAULT_POLICY",
    "MAX_URL_LENGTH",
    "FetchError",
    "FetchPolicy",
    "FetchedPage",
    "IPAddress",
    "RawPage",
    "Resolver",
    "_parse_ipv4_number_forms",
    "check_url",
    "fetch_article",
    "fetch_page",
]


def fetch_page(url: str, *, policy: FetchPolicy = DEFAULT_POLICY) -> RawPage:
    """Fetch a page by URL through the SSRF guard, following redirects; no decoding or extraction.

    Args:
        url: The link the user gave (http or https).
        policy: Limits and guard settings; the default is the one for the public deployment.

    Returns:
        The body and what the server said about it. A body served without a content type is accepted only
        when it starts like an HTML page (``content_type`` is then ``text/html``).

    Raises:
        FetchError: For every refused link, network failure, unsuitable or oversized page. Its message is
            one line, fit to show to the user.
    """
    try:
        return _fetch_page(url, policy)
    except FetchError:
        raise
    except Exception as exc:  # the contract: only FetchError leaves this function
        raise FetchError("Could not fetch the page (unexpected error)") from exc


def _fetch_page(url: str, policy: FetchPolicy) -> RawPage:
    deadline = Deadline(policy.now() + policy.total_deadline_s, policy.now, policy.timeout_s)
    current = url.strip()
    redirects = 0
    while True:
        target = validate(current, policy, deadline.at)
        body = fetch_hop(target, policy, deadline)
        if body.status not in REDIRECT_STATUSES:
            break
        if not body.location:
            raise FetchError(f"The server answered {body.status} without saying where to go")
        redirects += 1
        if redirects > policy.max_redirects:
            raise FetchError(f"Too many redirects (more than {policy.max_redirects})")
        current = urljoin(target.url, body.location.strip())
    content_type = body.content_type
    if not content_type:
        if not looks_like_html(body.data[:2048].decode("latin-1")):
            raise FetchError("Not an HTML or text page (the server did not say what it is)")
        content_type = "text/html"
    return RawPage(url.strip(), target.url, body.data, body.charset, content_type)


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def fetch_article(url: str, *, policy: FetchPolicy = DEFAULT_POLICY) -> FetchedPage:
    """Fetch a news article by URL through the SSRF guard and extract its title, text and date.

    ``fetch_page`` followed by ingest's decoder and extractor (``core.ingest.read_document``), the same
    path an uploaded file takes; the text is not yet cleaned of page furniture.

    Args:
        url: The link the user gave (http or https).
        policy: Limits and guard settings; the default is the one for the public deployment.

    Returns:
        The extracted article.

    Raises:
        FetchError: For every refused link, network failure, unsuitable or oversized page, or page without
            article text. Its message is one line, fit to show to the user.
    """
    page = fetch_page(url, policy=policy)
    if not page.data.strip():
        raise FetchError("No article text found on the page")
    try:
        doc = read_document(
            page.data, name="page", charset=page.charset, content_type=page.content_type, url=page.final_url
        )
    except IngestError as exc:
        raise FetchError(f"The page could not be read ({str(exc).rsplit(': ', 1)[-1]})") from exc
    except Exception as exc:  # the contract: only FetchError leaves this function
        raise FetchError("Could not fetch the page (unexpected error)") from exc
    title = doc.title.strip()
    lines = [line.rstrip() for line in doc.text.replace("\r\n", "\n").strip().split("\n")]
    if title and lines and _squash(lines[0]) == _squash(title):
        lines = lines[1:]  # the headline is kept apart from the body
    text = "\n".join(lines).strip()
    if len(text) < max(1, policy.min_text_chars):
        raise FetchError("No article text found on the page")
    return FetchedPage(
        url=page.url,
        final_url=page.final_url,
        title=title,
        text=text,
        published=doc.published,
        content_type=page.content_type,
        n_bytes=page.n_bytes,
        notes=doc.notes,
    )
