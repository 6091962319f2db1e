"""The SSRF guard: which addresses a user's URL may reach, however the address is spelled."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from newsdesk.pipeline import netguard
from newsdesk.pipeline.netguard import AddressPolicy, GuardError

CLOSED = AddressPolicy()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a00:1", "private"),  # NAT64 wrapping 10.0.0.1
    ],
)
def test_non_public_addresses_are_refused_with_a_reason(address: str, reason: str) -> None:
    refusal = netguard.blocked_reason(ipaddress.ip_address(address))
    assert refusal is not None and reason in refusal


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::6810:85e5", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert netguard.blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("[::1]", "::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("example.com", None),
        ("cafe.be", None),
        ("1.2.3.4.example", None),
    ],
)
def test_every_spelling_of_an_ip_is_recognised(host: str, address: str | None) -> None:
    parsed = netguard.parse_ip_host(host)
    assert (str(parsed) if parsed else None) == address


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST.", "api.localhost", "127.0.0.1", "0x7f.1", "2130706433", "[::1]", "10.0.0.7"],
)
def test_private_hosts_are_refused_before_any_dns(host: str) -> None:
    with pytest.raises(GuardError) as caught:
        netguard.check_host(host, CLOSED)
    assert caught.value.kind == "blocked_address" and "refused" in caught.value.message


def test_allowing_private_networks_lifts_the_guard() -> None:
    opened = AddressPolicy(allow_private=True)
    netguard.check_host("127.0.0.1", opened)
    assert netguard.resolve("localhost", 80, opened, timeout_s=5) == [
        "127.0.0.1"
    ] or "::1" in netguard.resolve("localhost", 80, opened, timeout_s=5)


def test_trusted_networks_open_only_themselves() -> None:
    policy = AddressPolicy.build(trusted_networks=["10.0.0.5/32", "fd00::/8"])
    assert policy.refusal(ipaddress.ip_address("10.0.0.5")) is None
    assert policy.refusal(ipaddress.ip_address("fd00::1")) is None
    assert policy.refusal(ipaddress.ip_address("10.0.0.6")) is not None
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) is not None
    with pytest.raises(ValueError):
        AddressPolicy.build(trusted_networks=["not a network"])


def test_names_resolving_to_private_addresses_are_refused() -> None:
    # This machine's own name resolves through /etc/hosts or DNS, not through the literal check.
    name = socket.gethostname()
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    except OSError:
        pytest.skip("this machine's host name does not resolve")
    if not any(netguard.blocked_reason(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        pytest.skip("this machine's host name resolves to a public address")
    with pytest.raises(GuardError) as caught:
        netguard.resolve(name, 80, CLOSED, timeout_s=5)
    assert caught.value.kind == "blocked_address" and "resolves to a" in caught.value.message
    # Shown on public pages: the private address itself is never in it (issue 14).
    assert not [a for a in addresses if a in caught.value.message]


def test_unknown_names_are_dns_errors() -> None:
    with pytest.raises(GuardError) as caught:
        netguard.resolve("no-such-host.invalid", 80, CLOSED, timeout_s=5)
    assert caught.value.kind == "dns" and "no-such-host.invalid" in caught.value.message
