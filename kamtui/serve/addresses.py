"""The addresses the workshop server answers to and its links carry (README, "Workshops").

A request is served only when its ``Host`` names the server: the address it listens on, the public URL,
for a loopback server also ``localhost`` / ``127.0.0.1`` / ``[::1]``, and for a server on every address
(``0.0.0.0`` or ``::``) the address the connection came in on or the machine's own name. A page of
another site that makes the browser talk to the server (DNS rebinding, a cross-site websocket) names a
different host or origin and is refused.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
# Only the routing table is consulted for these (a UDP socket that connects sends nothing).
_ROUTE_PROBES = (("198.51.100.1", socket.AF_INET), ("2001:db8::1", socket.AF_INET6))


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host.strip("[]") in WILDCARD_HOSTS


def normal_host(host: str) -> str:
    """``host`` lower-cased, without brackets, IP addresses in their short form (IPv4-mapped as IPv4)."""
    bare = host.strip().strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return bare
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def url_host(host: str) -> str:
    """``host`` as it is written in a URL: IPv6 addresses in brackets."""
    bare = host.strip("[]")
    return f"[{bare}]" if ":" in bare else bare


def primary_address() -> str | None:
    """The machine's main non-loopback address (the one its default route leaves from), or None."""
    for target, family in _ROUTE_PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((target, 9))
                address = probe.getsockname()[0]
        except OSError:
            continue
        if not ipaddress.ip_address(address).is_loopback and not ipaddress.ip_address(address).is_unspecified:
            return address
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if not ipaddress.ip_address(address.split("%")[0]).is_loopback:
            return address
    return None


def split_host_header(value: str) -> tuple[str, int | None] | None:
    """``"Host: name:port"`` as ``(normal host, port or None)``; None when it cannot be read."""
    if not value or any(c in value for c in "/\\@?# \t"):
        return None
    try:
        parts = urlsplit("//" + value)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return normal_host(parts.hostname), port


def split_origin(value: str) -> tuple[str, str, int] | None:
    """An ``Origin`` header as ``(scheme, normal host, port)``; None for ``null`` or anything else."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, normal_host(parts.hostname), port if port is not None else default


@dataclass(frozen=True)
class ServedAddresses:
    """The server's own addresses: ``host`` and ``port`` it listens on, and an optional public URL."""

    host: str
    port: int
    public_url: str | None = None

    @property
    def public(self) -> tuple[str, str, int] | None:
        if not self.public_url:
            return None
        return split_origin(_origin_of(self.public_url))

    def hosts_for(self, local_address: str | None) -> set[tuple[str, int]]:
        """Every ``(host, port)`` a request that arrived on ``local_address`` may name in ``Host``."""
        allowed: set[tuple[str, int]] = set()
        names: set[str] = set()
        if is_wildcard(self.host):
            if local_address:
                names.add(normal_host(local_address))
                if is_loopback(local_address):
                    names.update(LOOPBACK_HOSTS)
            names.update(machine_names())
        else:
            names.add(normal_host(self.host))
            if is_loopback(self.host):
                names.update(LOOPBACK_HOSTS)
        allowed.update((normal_host(name), self.port) for name in names)
        public = self.public
        if public is not None:
            allowed.add((public[1], public[2]))
        return allowed

    def host_allowed(self, header: str | None, local_address: str | None) -> bool:
        if not header:
            return False
        found = split_host_header(header)
        if found is None:
            return False
        allowed = self.hosts_for(local_address)
        name, port = found
        # No port: the scheme's default, 80 or (TLS ended by a proxy in front) 443.
        return any((name, p) in allowed for p in ((port,) if port is not None else (80, 443)))

    def origin_allowed(self, header: str | None, local_address: str | None) -> bool:
        """The browser's ``Origin`` is this server: plain http on one of its hosts, or the public URL."""
        if not header:
            return False
        found = split_origin(header)
        if found is None:
            return False
        if found == self.public:
            return True
        return found[0] == "http" and (found[1], found[2]) in self.hosts_for(local_address)


def machine_names() -> set[str]:
    """The machine's own names, as a browser on the network may call it (``laptop``, ``laptop.local``)."""
    names = set()
    try:
        name = socket.gethostname()
    except OSError:
        return names
    if name:
        names.update({normal_host(name), normal_host(name) + ".local"})
    return names


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
