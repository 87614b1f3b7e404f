"""Fetch one news article by URL, safely, and extract its text with trafilatura.

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
user; nothing else escapes :func:`fetch_article`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import http
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.ssl_match_hostname import CertificateError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]
"""Maps (ASCII host name, port) to the IP address strings to connect to."""

MAX_URL_LENGTH = 2048
_CHUNK = 64 * 1024
_MB = 1024 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SHARED_NET = ipaddress.ip_network("100.64.0.0/10")
_NAT64_NETS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_HOST_LABELS = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$")
_NUMERIC_PART = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


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
    """

    timeout_s: float = 10.0
    total_deadline_s: float = 20.0
    max_bytes: int = 5 * _MB
    max_redirects: int = 5
    allowed_content_types: frozenset[str] = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    resolver: Resolver | None = field(default=None, compare=False)
    min_text_chars: int = 25
    ca_certs: str | None = None
    user_agent: str = field(default_factory=_default_user_agent)


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
class _Target:
    """One validated hop: where to connect and what to send."""

    url: str
    scheme: str
    host: str  # ASCII host as used for Host, SNI and certificate checks (IPv6 without brackets)
    port: int
    host_header: str
    path: str
    addresses: tuple[str, ...]


# --------------------------------------------------------------------------------------------- messages


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds:g} s"


def _fmt_size(n_bytes: int) -> str:
    if n_bytes >= _MB:
        return f"{round(n_bytes / _MB, 1):g} MB"
    return f"{max(1, round(n_bytes / 1024)):g} KB"


# ------------------------------------------------------------------------------------------- host parsing


def _parse_ipv4_number_forms(host: str) -> ipaddress.IPv4Address | None:
    """Parse ``host`` as an IPv4 address in any form ``inet_aton`` and browsers accept.

    Accepts one to four dot-separated parts, each decimal, octal (leading ``0``) or hex (``0x``); the last
    part fills the remaining bytes (``127.1``, ``2130706433``, ``0x7f.0.0.1``).

    Args:
        host: A lower-case host name without a trailing dot.

    Returns:
        The address, or None when ``host`` does not look numeric at all.

    Raises:
        FetchError: The host looks numeric but is not a valid address (e.g. ``1.2.3.4.5``, ``256.1.1.1``).
    """
    parts = host.split(".")
    if not _NUMERIC_PART.match(parts[-1]):
        return None
    bad = FetchError(f"The link has an invalid address ({host})")
    if len(parts) > 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        raise bad
    values: list[int] = []
    for part in parts:
        if part.startswith("0x"):
            values.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise bad
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        raise bad
    number = last
    for i, v in enumerate(head):
        number |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def _idna_host(host: str) -> str:
    try:
        import idna  # noqa: PLC0415 - optional: the stdlib codec (IDNA 2003) is the fallback

        return idna.encode(host, uts46=True).decode("ascii")
    except ImportError:
        return host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError) as exc:
        raise FetchError(f"The link has an invalid host name ({host})") from exc


def _parse_host(raw_host: str) -> tuple[str, IPAddress | None]:
    """Return the ASCII host and, for literal addresses, the address it denotes."""
    host = raw_host.lower()
    if not host:
        raise FetchError("The link has no host name")
    if ":" in host:  # urlsplit only lets ':' through for bracketed IPv6 literals
        try:
            ip6 = ipaddress.IPv6Address(host.replace("%25", "%"))
        except ValueError as exc:
            raise FetchError(f"The link has an invalid address ({host})") from exc
        return str(ip6), ip6
    if not host.isascii():
        host = _idna_host(host)
    bare = host.removesuffix(".")
    if not bare or len(bare) > 253 or not _HOST_LABELS.match(bare):
        raise FetchError(f"The link has an invalid host name ({raw_host})")
    ip4 = _parse_ipv4_number_forms(bare)
    if ip4 is not None:
        return str(ip4), ip4
    return host, None


# ------------------------------------------------------------------------------------------ address guard


def _kind_of_address(ip: IPAddress) -> str | None:
    """Say why ``ip`` must not be contacted ("a private address"), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address] = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if any(ip in net for net in _NAT64_NETS):
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        for v4 in embedded:
            kind = _kind_of_address(v4)
            if kind is not None:
                return kind
        if ip.ipv4_mapped is not None:
            return None
    checks: tuple[tuple[bool, str], ...] = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_NET, "a shared (carrier-grade NAT) address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "a site-local address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "a non-public address"),
    )
    for refused, kind in checks:
        if refused:
            return kind
    return None


def _check_literal(host: str, ip: IPAddress, display: str) -> None:
    kind = _kind_of_address(ip)
    if kind is not None:
        shown = display if display == str(ip) else f"{display} ({ip})"
        raise FetchError(f"Refused: {shown} is {kind}")


def _connect_form(ip: IPAddress) -> str:
    """The address string to connect to: IPv4-mapped IPv6 addresses are dialled as plain IPv4."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _getaddrinfo_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _resolve(host: str, port: int, policy: FetchPolicy, deadline: float) -> list[str]:
    """Run the resolver in a daemon thread so a hanging DNS lookup cannot outlive the deadline."""
    resolver = policy.resolver or _getaddrinfo_resolver
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = list(resolver(host, port))
        except BaseException as exc:  # noqa: BLE001 - handed over to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name=f"resolve-{host}", daemon=True)
    thread.start()
    thread.join(max(0.0, min(policy.timeout_s, deadline - time.monotonic())))
    if thread.is_alive():
        raise FetchError(f"Timed out after {_fmt_seconds(policy.timeout_s)} looking up {host}")
    if "error" in box or not box.get("result"):
        raise FetchError(f"Could not find the server {host}")
    return box["result"]


def _validate(url: str, policy: FetchPolicy, deadline: float) -> _Target:
    """Check one URL (scheme, credentials, host, every resolved address) and say where to connect."""
    url = url.strip()
    if not url:
        raise FetchError("Please enter a link")
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(f"The link is too long (more than {MAX_URL_LENGTH} characters)")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise FetchError("The link contains control characters")
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError("Only http and https links are supported")
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise FetchError("Links with a user name or password are not supported")
        raw_host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        raise FetchError("The link is not a valid web address (bad host or port)") from exc
    if port == 0:
        raise FetchError("The link is not a valid web address (bad host or port)")
    host, literal = _parse_host(raw_host)
    default_port = 443 if scheme == "https" else 80
    port = port or default_port

    exempt = policy.allow_private or (
        host.rstrip(".") in {h.lower().rstrip(".") for h in policy.allowed_hosts}
    )
    if literal is not None:
        if not exempt:
            _check_literal(host, literal, raw_host.rstrip("."))
        addresses = [_connect_form(literal)]
    else:
        bare = host.rstrip(".")
        if not exempt and (bare == "localhost" or bare.endswith(".localhost")):
            raise FetchError(f"Refused: {bare} is a loopback address")
        resolved = _resolve(host, port, policy, deadline)
        addresses = []
        for text in resolved:
            try:
                ip = ipaddress.ip_address(text)
            except ValueError as exc:
                raise FetchError(f"Could not find the server {host}") from exc
            if not exempt:
                kind = _kind_of_address(ip)
                if kind is not None:
                    raise FetchError(f"Refused: {bare} resolves to {kind} ({ip})")
            if _connect_form(ip) not in addresses:
                addresses.append(_connect_form(ip))

    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == default_port else f"{shown_host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return _Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port,
        host_header=host_header,
        path=path,
        addresses=tuple(addresses),
    )


def check_url(url: str, *, policy: FetchPolicy = DEFAULT_POLICY) -> tuple[str, ...]:
    """Run the SSRF guard on ``url`` without connecting (the host name is resolved, though).

    Args:
        url: A link as typed by the user.
        policy: Guard settings.

    Returns:
        The validated IP addresses the fetch would connect to.

    Raises:
        FetchError: The link is refused or invalid.
    """
    return _validate(url, policy, time.monotonic() + policy.total_deadline_s).addresses


# ------------------------------------------------------------------------------------------------ network


@dataclass
class _Body:
    status: int
    location: str | None
    content_type: str
    charset: str | None
    data: bytes


def _make_pool(
    target: _Target, address: str, timeout: urllib3.Timeout, ca_file: str | None
) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        ca_certs = ca_file
        if ca_certs is None:
            try:
                import certifi  # noqa: PLC0415 - optional: the system trust store is the fallback

                ca_certs = certifi.where()
            except ImportError:
                ca_certs = None
        return urllib3.HTTPSConnectionPool(
            host=address,
            port=target.port,
            timeout=timeout,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs,
            server_hostname=target.host,
            assert_hostname=target.host.rstrip("."),
        )
    return urllib3.HTTPConnectionPool(
        host=address, port=target.port, timeout=timeout, maxsize=1, retries=False
    )


def _parse_content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _set_read_timeout(response: urllib3.BaseHTTPResponse, seconds: float) -> None:
    """Shrink the socket timeout so a slow drip of bytes cannot outlast the overall deadline."""
    try:
        sock = response.connection.sock  # type: ignore[union-attr]
        if sock is not None:
            sock.settimeout(max(0.001, seconds))
    except (AttributeError, OSError):
        pass


def _request(target: _Target, address: str, policy: FetchPolicy, deadline: float) -> _Body:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    per_op = min(policy.timeout_s, remaining)
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "en;q=0.9, *;q=0.5",
    }
    with _make_pool(target, address, urllib3.Timeout(connect=per_op, read=per_op), policy.ca_certs) as pool:
        response = pool.urlopen(
            "GET",
            target.path,
            headers=headers,
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=True,
        )
        try:
            status = response.status
            if status in _REDIRECT_STATUSES:
                return _Body(status, response.headers.get("Location"), "", None, b"")
            if status >= 300:
                try:
                    phrase = http.HTTPStatus(status).phrase
                except ValueError:
                    phrase = "error"
                raise FetchError(f"The server answered {status} {phrase}")
            content_type, charset = _parse_content_type(response.headers.get("Content-Type"))
            if content_type and content_type not in policy.allowed_content_types:
                raise FetchError(f"Not an HTML or text page ({content_type})")
            too_big = FetchError(f"The page is larger than {_fmt_size(policy.max_bytes)}")
            length = response.headers.get("Content-Length", "")
            if length.strip().isdigit() and int(length) > policy.max_bytes:
                raise too_big
            chunks: list[bytes] = []
            total = 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                _set_read_timeout(response, min(policy.timeout_s, remaining))
                chunk = response.read1(_CHUNK, decode_content=True)  # returns what has arrived
                if not chunk:
                    break
                total += len(chunk)
                if total > policy.max_bytes:
                    raise too_big
                chunks.append(chunk)
            return _Body(status, None, content_type, charset, b"".join(chunks))
        finally:
            # Never hand a half-read connection back: close it, which also stops the download.
            response.close()


def _is_certificate_problem(exc: BaseException) -> bool:
    """True when a TLS failure came from certificate verification (untrusted, expired, wrong name)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError | CertificateError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "certificate" in str(exc).lower()


def _fetch_hop(target: _Target, policy: FetchPolicy, deadline: float, started: float) -> _Body:
    """Fetch one hop, trying each validated address in turn on connection failure."""
    last_error: FetchError | None = None
    for address in target.addresses:
        try:
            return _request(target, address, policy, deadline)
        except NewConnectionError as exc:  # before the timeouts: urllib3 makes it a ConnectTimeoutError
            if isinstance(exc.__cause__, TimeoutError):
                raise FetchError(f"Timed out after {_fmt_seconds(policy.timeout_s)}") from exc
            last_error = FetchError(f"Could not connect to {target.host}")
            last_error.__cause__ = exc
        except (TimeoutError, ConnectTimeoutError, ReadTimeoutError) as exc:
            if time.monotonic() - started >= policy.total_deadline_s - 0.05:
                raise FetchError(f"Timed out after {_fmt_seconds(policy.total_deadline_s)}") from exc
            raise FetchError(f"Timed out after {_fmt_seconds(policy.timeout_s)}") from exc
        except SSLError as exc:
            problem = "certificate problem" if _is_certificate_problem(exc) else "TLS handshake failed"
            raise FetchError(f"Could not make a secure connection to {target.host} ({problem})") from exc
        except HTTPError as exc:
            if isinstance(exc.__context__, TimeoutError):
                raise FetchError(f"Timed out after {_fmt_seconds(policy.timeout_s)}") from exc
            raise FetchError(f"The server at {target.host} sent a broken response") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"The connection to {target.host} failed") from exc
    raise last_error or FetchError(f"Could not connect to {target.host}")


# --------------------------------------------------------------------------------------- decode, extract


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _decode(data: bytes, declared: str | None, is_html: bool) -> tuple[str, str | None]:
    """Decode ``data``: BOM, then declared charset, then ``<meta charset>``, then UTF-8, then detection.

    Returns:
        The text and a note for the user when the encoding had to be guessed or repaired.
    """
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode("utf-8-sig" if name == "utf-8" else name, errors="replace"), None
    candidates: list[str] = []
    for name in (_codec(declared), _codec(_sniff_meta_charset(data) if is_html else None)):
        if name and name not in candidates:
            candidates.append(name)
    for name in candidates:
        try:
            return data.decode(name), None
        except (UnicodeDecodeError, LookupError):
            continue
    if not candidates:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    try:
        from charset_normalizer import from_bytes  # noqa: PLC0415 - only needed for badly labelled pages

        best = from_bytes(data[: 256 * 1024]).best()
        guess = best.encoding if best is not None else None
    except ImportError:
        guess = None
    guess = _codec(guess) or "cp1252"
    return data.decode(guess, errors="replace"), f"decoded as {guess} (encoding guessed)"


def _sniff_meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", errors="replace") if match else None


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta", b"<title"))


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _extract(html: str, url: str) -> tuple[str, str, dt.date | None]:
    import trafilatura  # noqa: PLC0415 - heavy import, only needed once a page has been fetched

    text = trafilatura.extract(html, url=url, output_format="txt", include_comments=False) or ""
    title = ""
    published = None
    try:
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # noqa: BLE001 - metadata is optional; a parser hiccup must not lose the text
        meta = None
    if meta is not None:
        title = (meta.title or "").strip()
        published = _parse_date(meta.date)
    lines = text.strip().split("\n")
    if title and lines and _squash(lines[0]) == _squash(title):
        lines = lines[1:]  # the headline is kept apart from the body
    return title, "\n".join(lines).strip(), published


# ---------------------------------------------------------------------------------------------------- API


def fetch_article(url: str, *, policy: FetchPolicy = DEFAULT_POLICY) -> FetchedPage:
    """Fetch a news article by URL through the SSRF guard and extract its title, text and date.

    Args:
        url: The link the user gave (http or https).
        policy: Limits and guard settings; the default is the one for the public deployment.

    Returns:
        The extracted article.

    Raises:
        FetchError: For every refused link, network failure, unsuitable or oversized page, or page without
            article text. Its message is one line, fit to show to the user.
    """
    try:
        return _fetch_article(url, policy)
    except FetchError:
        raise
    except Exception as exc:  # the contract: only FetchError leaves this function
        raise FetchError("Could not fetch the page (unexpected error)") from exc


def _fetch_article(url: str, policy: FetchPolicy) -> FetchedPage:
    started = time.monotonic()
    deadline = started + policy.total_deadline_s
    current = url.strip()
    redirects = 0
    while True:
        target = _validate(current, policy, deadline)
        body = _fetch_hop(target, policy, deadline, started)
        if body.status not in _REDIRECT_STATUSES:
            break
        if not body.location:
            raise FetchError(f"The server answered {body.status} without saying where to go")
        redirects += 1
        if redirects > policy.max_redirects:
            raise FetchError(f"Too many redirects (more than {policy.max_redirects})")
        current = urljoin(target.url, body.location.strip())

    content_type = body.content_type
    if not content_type:
        if not _looks_like_html(body.data):
            raise FetchError("Not an HTML or text page (the server did not say what it is)")
        content_type = "text/html"
    is_html = content_type != "text/plain"
    text, note = _decode(body.data, body.charset, is_html)
    notes = (note,) if note else ()
    if is_html:
        title, article_text, published = _extract(text, target.url)
    else:
        title, published = "", None
        article_text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if len(article_text) < max(1, policy.min_text_chars):
        raise FetchError("No article text found on the page")
    return FetchedPage(
        url=url.strip(),
        final_url=target.url,
        title=title,
        text=article_text,
        published=published,
        content_type=content_type,
        n_bytes=len(body.data),
        notes=notes,
    )
