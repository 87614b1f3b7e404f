"""The network side of a fetch: one HTTP(S) request to a validated address, bounded in time and size."""

from __future__ import annotations

import http
import http.client
import ssl
import time
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.ssl_match_hostname import CertificateError

from core.fetch.guard import Target
from core.fetch.policy import FetchError, FetchPolicy, fmt_seconds, fmt_size

_CHUNK = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Body:
    status: int
    location: str | None
    content_type: str
    charset: str | None
    data: bytes


def _make_pool(
    target: Target, address: str, timeout: urllib3.Timeout, ca_file: str | None
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


def _request(target: Target, address: str, policy: FetchPolicy, deadline: float) -> Body:
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
            if status in REDIRECT_STATUSES:
                return Body(status, response.headers.get("Location"), "", None, b"")
            if status >= 300:
                try:
                    phrase = http.HTTPStatus(status).phrase
                except ValueError:
                    phrase = "error"
                raise FetchError(f"The server answered {status} {phrase}")
            content_type, charset = _parse_content_type(response.headers.get("Content-Type"))
            if content_type and content_type not in policy.allowed_content_types:
                raise FetchError(f"Not an HTML or text page ({content_type})")
            too_big = FetchError(f"The page is larger than {fmt_size(policy.max_bytes)}")
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
            return Body(status, None, content_type, charset, b"".join(chunks))
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


def fetch_hop(target: Target, policy: FetchPolicy, deadline: float, started: float) -> Body:
    """Fetch one hop, trying each validated address in turn on connection failure."""
    last_error: FetchError | None = None
    for address in target.addresses:
        try:
            return _request(target, address, policy, deadline)
        except NewConnectionError as exc:  # before the timeouts: urllib3 makes it a ConnectTimeoutError
            if isinstance(exc.__cause__, TimeoutError):
                raise FetchError(f"Timed out after {fmt_seconds(policy.timeout_s)}") from exc
            last_error = FetchError(f"Could not connect to {target.host}")
            last_error.__cause__ = exc
        except (TimeoutError, ConnectTimeoutError, ReadTimeoutError) as exc:
            if time.monotonic() - started >= policy.total_deadline_s - 0.05:
                raise FetchError(f"Timed out after {fmt_seconds(policy.total_deadline_s)}") from exc
            raise FetchError(f"Timed out after {fmt_seconds(policy.timeout_s)}") from exc
        except SSLError as exc:
            problem = "certificate problem" if _is_certificate_problem(exc) else "TLS handshake failed"
            raise FetchError(f"Could not make a secure connection to {target.host} ({problem})") from exc
        except HTTPError as exc:
            if isinstance(exc.__context__, TimeoutError):
                raise FetchError(f"Timed out after {fmt_seconds(policy.timeout_s)}") from exc
            raise FetchError(f"The server at {target.host} sent a broken response") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"The connection to {target.host} failed") from exc
    raise last_error or FetchError(f"Could not connect to {target.host}")
