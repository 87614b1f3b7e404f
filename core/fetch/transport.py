"""The network side of a fetch: one HTTP(S) request to a validated address, bounded in time and size.

Time is bounded three ways, because a server can stall in every phase (connect, TLS handshake, status
line, headers, body), and a server dripping one byte a second never trips a per-read timeout:

* every socket read first checks the fetch's wall-clock deadline and sets its timeout to the smaller of
  the per-read timeout and the time left (``DeadlineSocket``), so neither a silent server nor a drip in
  the status line, the headers or the body outlasts the deadline;
* the connect timeout is the smaller of the per-read timeout and the time left;
* a watchdog timer shuts the socket down at the deadline, for phases that read below Python (the TLS
  handshake).
"""

from __future__ import annotations

import contextlib
import http
import http.client
import io
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import urllib3
import urllib3.connection
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


# ------------------------------------------------------------------------------------------- deadlines


class Deadline:
    """The wall-clock limit of one fetch (all hops), on the policy's clock."""

    def __init__(self, at: float, clock: Callable[[], float], per_read: float) -> None:
        self.at = at
        self.clock = clock
        self.per_read = per_read

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - self.clock()

    def expired(self, slack: float = 0.05) -> bool:
        """Whether the deadline has passed (or is within ``slack`` seconds: a timeout set to the time
        left fires a hair early on some clocks)."""
        return self.remaining() <= slack

    def next_timeout(self) -> float:
        """The timeout for the next socket operation.

        Raises:
            TimeoutError: The deadline has passed.
        """
        left = self.remaining()
        if left <= 0:
            raise TimeoutError("the fetch's deadline has passed")
        return min(self.per_read, left)


class DeadlineSocket:
    """A connected socket whose every read is bounded by the fetch's deadline.

    ``http.client`` reads the status line and headers through ``makefile``; urllib3 reads the body the
    same way. Both end in ``recv_into`` here, which checks the deadline first and shortens the socket's
    timeout to the time left. Everything else is the wrapped socket's.
    """

    def __init__(self, sock: Any, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def _arm(self) -> None:
        self._sock.settimeout(self._deadline.next_timeout())

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._arm()
        return int(self._sock.recv_into(buffer, nbytes, flags))

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self._arm()
        return bytes(self._sock.recv(bufsize, flags))

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_: Any) -> io.BufferedReader:
        if mode not in ("rb", "r"):
            raise ValueError(f"unsupported mode {mode!r}")
        # As socket.makefile does: the real socket stays open until this file is closed too (http.client
        # closes the connection right after the headers when the server says "Connection: close").
        self._sock._io_refs += 1
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]  # reads come back through recv_into
        return io.BufferedReader(raw, buffering or io.DEFAULT_BUFFER_SIZE)

    def _decref_socketios(self) -> None:
        self._sock._decref_socketios()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Watchdog:
    """Shuts a connection's socket down at the deadline (the TLS handshake reads below Python)."""

    def __init__(self, seconds: float) -> None:
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.fired = False
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                self._shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed or never connected
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _GuardedMixin:
    """Connection behaviour shared by HTTP and HTTPS: watch the raw socket, wrap the connected one."""

    sock: Any

    def __init__(self, *args: Any, deadline: Deadline, watchdog: _Watchdog, **kwargs: Any) -> None:
        self.deadline = deadline
        self.watchdog = watchdog
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        self.watchdog.watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.sock = DeadlineSocket(self.sock, self.deadline)


class _HTTPConnection(_GuardedMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_GuardedMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _make_pool(
    target: Target, address: str, policy: FetchPolicy, deadline: Deadline, watchdog: _Watchdog
) -> urllib3.HTTPConnectionPool:
    per_read = deadline.next_timeout()
    common: dict[str, Any] = {
        "host": address,
        "port": target.port,
        "timeout": urllib3.Timeout(connect=per_read, read=per_read),
        "maxsize": 1,
        "retries": False,
        "deadline": deadline,  # passed on to the connection
        "watchdog": watchdog,
    }
    if target.scheme == "https":
        ca_certs = policy.ca_certs
        if ca_certs is None:
            try:
                import certifi  # noqa: PLC0415 - optional: the system trust store is the fallback

                ca_certs = certifi.where()
            except ImportError:
                ca_certs = None
        return _HTTPSPool(
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs,
            server_hostname=target.host,
            assert_hostname=target.host.rstrip("."),
            **common,
        )
    return _HTTPPool(**common)


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


def _request(target: Target, address: str, policy: FetchPolicy, deadline: Deadline) -> Body:
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "en;q=0.9, *;q=0.5",
    }
    watchdog = _Watchdog(deadline.remaining())
    watchdog.start()
    try:
        with _make_pool(target, address, policy, deadline, watchdog) as pool:
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
                body = _read_response(response, policy)
            finally:
                # Never hand a half-read connection back: close it, which also stops the download.
                response.close()
    finally:
        watchdog.cancel()
    if watchdog.fired:
        # The watchdog's shutdown reads as a clean end of the body: a page cut at the deadline must not
        # pass for a whole (and possibly empty) page.
        raise TimeoutError("the fetch's deadline passed while the page was read")
    return body


def _read_response(response: urllib3.BaseHTTPResponse, policy: FetchPolicy) -> Body:
    """Status, content type and body (each read bounded by the deadline through ``DeadlineSocket``)."""
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
    while chunk := response.read1(_CHUNK, decode_content=True):  # returns what has arrived
        total += len(chunk)
        if total > policy.max_bytes:
            raise too_big
        chunks.append(chunk)
    return Body(status, None, content_type, charset, b"".join(chunks))


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


def _network_error(exc: BaseException, target: Target, policy: FetchPolicy) -> FetchError | None:
    """The user's message for a failed request; None when the next address may be tried."""
    per_read = f"Timed out after {fmt_seconds(policy.timeout_s)}"
    if isinstance(exc, NewConnectionError):  # before the timeouts: urllib3 makes it a ConnectTimeoutError
        return FetchError(per_read) if isinstance(exc.__cause__, TimeoutError) else None
    if isinstance(exc, TimeoutError | ConnectTimeoutError | ReadTimeoutError):
        return FetchError(per_read)
    if isinstance(exc, SSLError):
        problem = "certificate problem" if _is_certificate_problem(exc) else "TLS handshake failed"
        return FetchError(f"Could not make a secure connection to {target.host} ({problem})")
    if isinstance(exc, HTTPError):
        if isinstance(exc.__context__, TimeoutError):
            return FetchError(per_read)
        return FetchError(f"The server at {target.host} sent a broken response")
    if isinstance(exc, OSError | http.client.HTTPException):
        return FetchError(f"The connection to {target.host} failed")
    return None


def fetch_hop(target: Target, policy: FetchPolicy, deadline: Deadline) -> Body:
    """Fetch one hop, trying each validated address in turn on connection failure.

    Raises:
        FetchError: With the user's message; "Timed out after <total> s" whenever the deadline passed,
            whatever the request was doing then.
    """
    last_error: BaseException | None = None
    for address in target.addresses:
        try:
            return _request(target, address, policy, deadline)
        except FetchError:
            raise
        except Exception as exc:
            if deadline.expired():
                raise FetchError(f"Timed out after {fmt_seconds(policy.total_deadline_s)}") from exc
            error = _network_error(exc, target, policy)
            if error is None and not isinstance(exc, NewConnectionError):
                raise
            if error is not None:
                raise error from exc
            last_error = exc
    error = FetchError(f"Could not connect to {target.host}")
    raise error from last_error
