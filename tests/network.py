"""What the machine running the tests offers on the network, for tests to skip on."""

from __future__ import annotations

import socket


def ipv6_loopback() -> bool:
    """Whether a socket can be bound on the IPv6 loopback address ``::1``."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def raw_connection(url: str, timeout: float) -> socket.socket:
    """A plain TCP socket connected to the ``http://host:port`` of ``url`` (IPv4 or ``[v6]``)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    family = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect((host.strip("[]"), int(port)))
    return sock
