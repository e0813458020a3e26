"""The test suite's own guard: nothing may reach beyond loopback."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkAccessBlocked


def test_resolving_a_public_host_fails() -> None:
    """A DNS lookup of a public name is refused before it is sent."""
    with pytest.raises(NetworkAccessBlocked):
        socket.getaddrinfo("example.com", 443)


def test_connecting_to_a_public_address_fails() -> None:
    """A connect to a non-loopback address is refused."""
    with socket.socket() as sock, pytest.raises(NetworkAccessBlocked):
        sock.connect(("93.184.216.34", 443))


def test_loopback_is_allowed() -> None:
    """Resolving loopback works, so the loopback server stays reachable."""
    assert socket.getaddrinfo("127.0.0.1", 80)
