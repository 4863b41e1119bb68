"""The one SSRF-safe way to fetch a user-supplied URL (product pages, media, webhooks).

Every request: the host name is resolved once, *every* address it resolves to must be public
(no loopback, private, link-local, CGNAT, multicast, reserved or metadata address, including
IPv4 hidden in IPv6), and the connection goes to that checked address — so a DNS answer that
changes between check and connect (rebinding) cannot redirect us. Redirects are followed by
hand, each hop checked again. Bodies are streamed with a size cap and a total deadline.
"""

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

ALLOWED_SCHEMES = {"http", "https"}
ALLOWED_PORTS = {None, 80, 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
USER_AGENT = "dropspace/1.0 (+https://github.com/dropspace)"

# Ranges `is_global` does not already exclude but that must never be reached.
_EXTRA_DENIED = [
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("198.18.0.0/15"),  # benchmarking
]


class FetchError(Exception):
    """The fetch failed (network, timeout, too large, too many redirects)."""


class UnsafeURLError(FetchError):
    """The URL is not allowed: bad scheme or port, or it resolves to a non-public address."""


class LoopbackURLError(UnsafeURLError):
    """The URL names this machine (localhost) and the caller did not allow loopback."""


@dataclass(frozen=True)
class FetchResult:
    status: int
    headers: CaseInsensitiveDict
    content: bytes
    url: str  # the final URL, after redirects

    @property
    def text(self) -> str:
        return self.content.decode(_charset(self.headers), errors="replace")


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    allow_loopback: bool = False,
    truncate: bool = False,
) -> FetchResult:
    """Fetch ``url`` safely. ``allow_loopback`` admits localhost only (development receivers).

    A body over ``max_bytes`` is an error, or with ``truncate`` is cut there (when only the
    start matters, e.g. a webhook receiver's answer).

    Raises ``UnsafeURLError`` for a forbidden destination and ``FetchError`` for failures.
    A 4xx/5xx answer is a result, not an error: the caller decides what it means.
    """
    timeout = settings.OUTBOUND_FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    max_bytes = settings.OUTBOUND_FETCH_MAX_BYTES if max_bytes is None else max_bytes
    hops = settings.OUTBOUND_FETCH_MAX_REDIRECTS if max_redirects is None else max_redirects
    deadline = time.monotonic() + timeout
    for _ in range(hops + 1):
        limits = _Limits(deadline, max_bytes, truncate)
        result = _fetch_once(url, method, headers, data, limits, allow_loopback)
        location = result.headers.get("location")
        if result.status not in REDIRECT_STATUSES or not location or hops == 0:
            return result
        url = urljoin(url, location)
        if result.status == 303 or (result.status in (301, 302) and method == "POST"):
            method, data = "GET", None
    raise FetchError(f"more than {hops} redirects")


@dataclass(frozen=True)
class StreamedResponse:
    """A response whose body is read chunk by chunk (``chunks``), capped and deadline-bound."""

    status: int
    headers: CaseInsensitiveDict
    url: str
    chunks: Iterator[bytes]


@contextmanager
def stream(
    url: str,
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    allow_loopback: bool = False,
    chunk_size: int = 256 * 1024,
) -> Iterator[StreamedResponse]:
    """GET ``url`` safely like ``fetch``, but hand the body over as it arrives.

    The body never sits in memory whole: iterate ``response.chunks``; it raises ``FetchError``
    as soon as the total passes ``max_bytes`` or the deadline passes. Redirects are followed
    by hand, each hop checked. Use as ``with stream(url) as response: ...``.
    """
    timeout = settings.OUTBOUND_FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    max_bytes = settings.OUTBOUND_FETCH_MAX_BYTES if max_bytes is None else max_bytes
    hops = settings.OUTBOUND_FETCH_MAX_REDIRECTS if max_redirects is None else max_redirects
    limits = _Limits(time.monotonic() + timeout, max_bytes, truncate=False)
    for _ in range(hops + 1):
        session, response = _open(url, limits, allow_loopback)
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location and hops:
                url = urljoin(url, location)
                continue
            chunks = _capped_chunks(response, limits, chunk_size)
            yield StreamedResponse(response.status_code, response.headers, url, chunks)
            return
        finally:
            response.close()
            session.close()
    raise FetchError(f"more than {hops} redirects")


def _open(url: str, limits: "_Limits", allow_loopback: bool):
    address = check_url(url, allow_loopback=allow_loopback)
    parts = urlsplit(url)
    session = requests.Session()
    session.trust_env = False
    session.mount(f"{parts.scheme}://", _PinnedAdapter(parts.hostname, address))
    remaining = limits.deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timed out")
    headers = {"User-Agent": USER_AGENT, "Host": parts.netloc}
    try:
        response = session.get(
            url, headers=headers, timeout=remaining, allow_redirects=False, stream=True
        )
    except requests.Timeout as exc:
        session.close()
        raise FetchError("timed out") from exc
    except requests.RequestException as exc:
        session.close()
        raise FetchError(f"request failed: {type(exc).__name__}") from exc
    return session, response


def _capped_chunks(response: requests.Response, limits: "_Limits", chunk_size: int):
    size = 0
    try:
        for chunk in response.iter_content(chunk_size):
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(f"response larger than {limits.max_bytes} bytes")
            if time.monotonic() > limits.deadline:
                raise FetchError("timed out")
            yield chunk
    except requests.RequestException as exc:
        raise FetchError(f"request failed: {type(exc).__name__}") from exc


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this machine: reachable only when the caller allows loopback."""
    return urlsplit(url).hostname in LOOPBACK_NAMES


def check_url(url: str, *, allow_loopback: bool = False) -> str:
    """Validate ``url`` and return the address to connect to. Raises UnsafeURLError.

    ``allow_loopback`` admits the names in ``LOOPBACK_NAMES`` on any port, and only while they
    resolve to loopback addresses; every other name must resolve to public addresses only.
    """
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
        raise UnsafeURLError("only http(s) URLs with a host name are allowed")
    loopback = parts.hostname in LOOPBACK_NAMES
    if loopback and not allow_loopback:
        raise LoopbackURLError(f"{parts.hostname} is this server itself (loopback)")
    if parts.port not in ALLOWED_PORTS and not loopback:
        raise UnsafeURLError("only the default ports 80 and 443 are allowed")
    addresses = resolve(parts.hostname, parts.port)
    for address in addresses:
        if not (loopback and address.is_loopback) and not is_public(address):
            raise UnsafeURLError(f"{parts.hostname} resolves to a non-public address")
    return str(addresses[0])


def resolve(host: str, port: int | None) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    return addresses


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)  # NAT64
        if embedded is not None:
            return is_public(embedded)
    if address.is_multicast or any(address in net for net in _EXTRA_DENIED):
        return False
    return address.is_global


@dataclass(frozen=True)
class _Limits:
    deadline: float  # time.monotonic() value by which the whole fetch must be done
    max_bytes: int
    truncate: bool


def _fetch_once(url, method, headers, data, limits: _Limits, allow_loopback) -> FetchResult:
    address = check_url(url, allow_loopback=allow_loopback)
    parts = urlsplit(url)
    session = requests.Session()
    session.trust_env = False  # an environment proxy would connect to an unchecked address
    session.mount(f"{parts.scheme}://", _PinnedAdapter(parts.hostname, address))
    request_headers = {"User-Agent": USER_AGENT, **(headers or {}), "Host": parts.netloc}
    remaining = limits.deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timed out")
    try:
        with session.request(
            method,
            url,
            headers=request_headers,
            data=data,
            timeout=remaining,
            allow_redirects=False,
            stream=True,
        ) as response:
            content = _read_capped(response, limits)
            return FetchResult(response.status_code, response.headers, content, url)
    except requests.Timeout as exc:
        raise FetchError("timed out") from exc
    except requests.RequestException as exc:
        raise FetchError(f"request failed: {type(exc).__name__}") from exc
    finally:
        session.close()


def _read_capped(response: requests.Response, limits: _Limits) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > limits.max_bytes:
            if not limits.truncate:
                raise FetchError(f"response larger than {limits.max_bytes} bytes")
            chunks.append(chunk[: len(chunk) - (size - limits.max_bytes)])
            break
        if time.monotonic() > limits.deadline:
            raise FetchError("timed out")
        chunks.append(chunk)
    return b"".join(chunks)


def _charset(headers: CaseInsensitiveDict) -> str:
    content_type = headers.get("content-type", "")
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


class _PinnedAdapter(HTTPAdapter):
    """Connect to the checked address while TLS still verifies the original host name."""

    def __init__(self, hostname: str, address: str):
        self.hostname, self.address = hostname, address
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        host_params["host"] = self.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = self.hostname
            pool_kwargs["assert_hostname"] = self.hostname
        return host_params, pool_kwargs
