"""SSRF guard: which network addresses a user-supplied URL may reach.

Every feed and page URL comes from a user or a hostile document, so before any connection the
host is resolved and *every* resolved address must be public. The fetcher connects to the very
addresses checked here (see `GuardedBackend`), so a DNS answer that changes between the check
and the connection (DNS rebinding) cannot smuggle a private address in.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import httpcore

log = logging.getLogger(__name__)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
GuardErrorKind = Literal["blocked_address", "dns", "invalid_url"]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
# Hosts that glibc's inet_aton would read as an IPv4 number: 2130706433, 0x7f.1, 017700000001, 127.1.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.IGNORECASE)
# getaddrinfo has no timeout of its own; a few threads let a fetch give up on a slow resolver.
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="newsdesk-dns")


class GuardError(Exception):
    """A URL or host the guard refuses; `kind` matches `FetchError.kind`."""

    def __init__(self, kind: GuardErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: GuardErrorKind = kind
        self.message = message


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be reached: public ones, plus private ones when allowed or trusted.

    `trusted_networks` lets an operator open one intranet service (say a feed bridge on 10.0.0.5)
    without opening every private address; names like `localhost` stay refused by their spelling.
    """

    allow_private: bool = False
    trusted_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def build(cls, *, allow_private: bool = False, trusted_networks: Iterable[str] = ()) -> AddressPolicy:
        """A policy from CIDR strings; raises ValueError for a network that does not parse."""
        return cls(allow_private, tuple(ipaddress.ip_network(n, strict=False) for n in trusted_networks))

    def refusal(self, address: IPAddress) -> str | None:
        """Why `address` is refused (plain words), or None when it may be reached."""
        if self.allow_private:
            return None
        if any(address.version == n.version and address in n for n in self.trusted_networks):
            return None
        return blocked_reason(address)


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a host names literally (dotted, decimal, octal, hex IPv4, or IPv6), else None."""
    host = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id such as %eth0
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def blocked_reason(address: IPAddress) -> str | None:
    """Why an address must not be reached from a user's URL (plain words), or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return blocked_reason(embedded)
    if address.is_unspecified:
        return "unspecified address"
    if address.is_loopback:
        return "loopback address"
    if address.is_link_local:
        return "link-local address (cloud metadata lives here)"
    if address.is_multicast:
        return "multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "carrier-grade NAT address"
    if address.is_reserved:
        return "reserved address"
    if address.is_private:
        return "private network address"
    if not address.is_global:
        return "reserved address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_host(host: str, policy: AddressPolicy) -> None:
    """Refuse, without DNS, hosts that are private by their spelling alone (literal IPs, localhost)."""
    if policy.allow_private:
        return
    lowered = host.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        raise GuardError("blocked_address", f"refused to fetch from {host}: it is this machine (loopback)")
    address = parse_ip_host(host)
    if address is not None:
        reason = policy.refusal(address)
        if reason is not None:
            raise GuardError("blocked_address", f"refused to fetch from {host}: {address} is a {reason}")


def resolve(host: str, port: int, policy: AddressPolicy, *, timeout_s: float | None) -> list[str]:
    """The addresses of `host`, in resolver order, after checking every one of them."""
    check_host(host, policy)
    future = _RESOLVER.submit(socket.getaddrinfo, host.strip("[]"), port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError:
        raise GuardError("dns", f"looking up the name {host} took too long (DNS)") from None
    except (OSError, UnicodeError) as exc:
        raise GuardError("dns", f"the name {host} could not be found (DNS)") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0])
        if not policy.allow_private:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            reason = policy.refusal(address)
            if reason is not None:
                # One private answer poisons the lot: a client may try the addresses in any order.
                # The message is shown on public pages (a source's health, a reader's webhook log):
                # it never names the private address a name resolves to (the log does).
                log.info("refused %s: it resolves to %s, a %s", host, address, reason)
                raise GuardError(
                    "blocked_address", f"refused to fetch from {host}: it resolves to a {reason}"
                )
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise GuardError("dns", f"the name {host} has no addresses (DNS)")
    return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to addresses the guard accepted.

    `remaining_s` returns the seconds left before the caller's total deadline (or None for no
    deadline); every socket operation is bounded by it, so a server that trickles bytes cannot
    hold a fetch past its deadline even though each single read is quick.
    """

    def __init__(self, policy: AddressPolicy, *, remaining_s: Callable[[], float | None]) -> None:
        self._policy = policy
        self._remaining_s = remaining_s
        self._sync = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, self._remaining_s(), httpcore.ConnectTimeout)
        addresses = resolve(host, port, self._policy, timeout_s=timeout)
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = self._sync.connect_tcp(
                    address,
                    port,
                    timeout=_bounded(timeout, self._remaining_s(), httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,  # type: ignore[arg-type]
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            return _DeadlineStream(stream, self._remaining_s)
        assert last_error is not None
        raise last_error

    def connect_unix_socket(self, *args: object, **kwargs: object) -> httpcore.NetworkStream:
        raise GuardError("invalid_url", "unix sockets cannot be fetched")

    def sleep(self, seconds: float) -> None:
        self._sync.sleep(seconds)


def _bounded(timeout: float | None, remaining: float | None, error: type[Exception]) -> float | None:
    if remaining is None:
        return timeout
    if remaining <= 0:
        raise error("the total time allowed for this fetch ran out")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """Wraps a socket stream so that every read, write and TLS handshake respects the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, remaining_s: Callable[[], float | None]) -> None:
        self._inner = inner
        self._remaining_s = remaining_s

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, self._remaining_s(), httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, self._remaining_s(), httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: object, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context,  # type: ignore[arg-type]
            server_hostname,
            _bounded(timeout, self._remaining_s(), httpcore.ConnectTimeout),
        )
        return _DeadlineStream(inner, self._remaining_s)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)
