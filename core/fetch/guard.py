"""The SSRF guard: which links may be fetched, and the validated address to connect to for each hop."""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from core.fetch.policy import DEFAULT_POLICY, FetchError, FetchPolicy, IPAddress, fmt_seconds

MAX_URL_LENGTH = 2048
_SHARED_NET = ipaddress.ip_network("100.64.0.0/10")
_NAT64_NETS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_HOST_LABELS = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$")
_NUMERIC_PART = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")


@dataclass(frozen=True, slots=True)
class Target:
    """One validated hop: where to connect and what to send."""

    url: str
    scheme: str
    host: str  # ASCII host as used for Host, SNI and certificate checks (IPv6 without brackets)
    port: int
    host_header: str
    path: str
    addresses: tuple[str, ...]


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
    result: list[str] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            result.extend(str(a) for a in resolver(host, port))
        except BaseException as exc:  # noqa: BLE001 - handed over to the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=run, name=f"resolve-{host}", daemon=True)
    thread.start()
    thread.join(max(0.0, min(policy.timeout_s, deadline - policy.now())))
    if thread.is_alive():
        raise FetchError(f"Timed out after {fmt_seconds(policy.timeout_s)} looking up {host}")
    if failed or not result:
        raise FetchError(f"Could not find the server {host}")
    return list(result)


def _split_url(url: str) -> tuple[SplitResult, str, str, int | None]:
    """Check the link's form (length, characters, scheme, no credentials); return its parts."""
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
    return parts, scheme, raw_host, port


def _resolved_addresses(
    host: str, port: int, policy: FetchPolicy, deadline: float, *, exempt: bool
) -> list[str]:
    """Resolve a host name and check every address it resolves to (all must be public)."""
    bare = host.rstrip(".")
    if not exempt and (bare == "localhost" or bare.endswith(".localhost")):
        raise FetchError(f"Refused: {bare} is a loopback address")
    addresses: list[str] = []
    for text in _resolve(host, port, policy, deadline):
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
    return addresses


def _request_path(parts: SplitResult) -> str:
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return path


def validate(url: str, policy: FetchPolicy, deadline: float) -> Target:
    """Check one URL (scheme, credentials, host, every resolved address) and say where to connect.

    Args:
        url: The link of this hop.
        policy: Guard settings.
        deadline: ``policy.now()`` value by which DNS must have answered.

    Raises:
        FetchError: The link is refused or invalid, or its host cannot be resolved in time.
    """
    url = url.strip()
    parts, scheme, raw_host, given_port = _split_url(url)
    host, literal = _parse_host(raw_host)
    default_port = 443 if scheme == "https" else 80
    port = given_port or default_port
    exempt = policy.allow_private or (
        host.rstrip(".") in {h.lower().rstrip(".") for h in policy.allowed_hosts}
    )
    if literal is not None:
        if not exempt:
            _check_literal(host, literal, raw_host.rstrip("."))
        addresses = [_connect_form(literal)]
    else:
        addresses = _resolved_addresses(host, port, policy, deadline, exempt=exempt)
    shown_host = f"[{host}]" if ":" in host else host
    return Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port,
        host_header=shown_host if port == default_port else f"{shown_host}:{port}",
        path=_request_path(parts),
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
    return validate(url, policy, policy.now() + policy.total_deadline_s).addresses


# ------------------------------------------------------------------------------------------------ network
