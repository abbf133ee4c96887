"""The plan of `serve`: which ports and cores the replicas get, and the HAProxy configuration in front."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8501
MAX_REPLICAS = 64
COOKIE = "gan_replica"
REPLICA_HEADER = "X-Gan-Replica"  # which replica answered; for operators' devtools and the tests
HEALTH_PATH = "/_stcore/health"
# A check each second, every half second once one failed, three failures to go down: a dead replica
# refuses the connection at once and is out of the rotation in about 2 s (the target is 5 s). A busy one is
# given CHECK_TIMEOUT_S to answer: with 20 sessions training on one replica, on a busy machine, its health
# answer took up to 21 s (scripts/serve_bench.py measures it), and taking a live replica out would send its
# visitors' page loads and reconnections to a process without their sessions, or to none. Two successes to
# come back.
CHECK_INTER_MS, CHECK_FAST_MS, CHECK_FALL, CHECK_RISE, CHECK_TIMEOUT_S = 1000, 500, 3, 2, 30
# Debian puts haproxy in /usr/sbin, which is not on an ordinary user's PATH.
SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")
INSTALL_HINT = (
    "install it with `sudo apt-get install haproxy` (Debian, Ubuntu), `sudo dnf install haproxy` "
    "(Fedora) or `brew install haproxy` (macOS), or pass its path with --haproxy"
)


class ServeError(Exception):
    """A failure to report in one line (exit status 1), after everything started has been stopped."""


def usable_cpus() -> list[int]:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


@dataclass(frozen=True)
class Replica:
    index: int
    port: int
    cpus: frozenset[int] | None  # None: not pinned

    @property
    def name(self) -> str:
        return f"r{self.index}"  # also the value of the stickiness cookie


def cpu_sets(replicas: int, per_replica: int, cpus: Sequence[int]) -> list[frozenset[int] | None]:
    """The cores of each replica: consecutive blocks of `per_replica`, wrapping round when there are more
    replicas than cores (they then share, which `serve` says). `per_replica` 0 pins nothing."""
    if per_replica == 0 or not cpus:
        return [None] * replicas
    n = len(cpus)
    return [
        frozenset(cpus[(i * per_replica + j) % n] for j in range(min(per_replica, n)))
        for i in range(replicas)
    ]


def free_ports(count: int, host: str = "127.0.0.1", exclude: Sequence[int] = ()) -> list[int]:
    """`count` distinct ports that nothing listens on now, chosen by the OS."""
    socks: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((host, 0))
            port = s.getsockname()[1]
            if port not in exclude:
                ports.append(port)
    finally:
        for s in socks:
            s.close()
    return ports


def hap_address(host: str) -> str:
    """`host` as HAProxy (and a URL) writes it: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def haproxy_config(
    host: str,
    port: int,
    replicas: Sequence[Replica],
    stats_socket: Path | None = None,
) -> str:
    """The HAProxy configuration for `replicas` on loopback behind host:port."""
    stats = f"    stats socket {stats_socket} mode 600 level user\n" if stats_socket else ""
    checks = (
        f"default-server inter {CHECK_INTER_MS}ms fastinter {CHECK_FAST_MS}ms downinter {CHECK_INTER_MS}ms "
        f"fall {CHECK_FALL} rise {CHECK_RISE}"
    )
    servers = "\n".join(f"    server {r.name} 127.0.0.1:{r.port} check cookie {r.name}" for r in replicas)
    return f"""\
# Written by `python -m gan_course serve` at every start; deploy/haproxy.cfg is the same for containers.
# In the foreground (-db), HAProxy writes servers going down or up to stderr: `serve` shows those lines.
global
{stats}
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # An open websocket is a tunnel: a student reading a lesson for an hour keeps the connection.
    timeout tunnel 1h
    timeout client-fin 10s
    # A visitor whose replica died is sent to a live one (a new session there) instead of an error page.
    option redispatch
    retries 1

frontend course
    bind {hap_address(host)}:{port}
    default_backend replicas

backend replicas
    # Sessions last as long as a lesson: count who is still connected, not who arrived.
    balance leastconn
    # Stickiness by a cookie that HAProxy sets on the first response, never by the client's address: a
    # classroom behind one NAT shares one address. `indirect` keeps the cookie away from Streamlit,
    # `nocache` stops a shared cache from handing one visitor's cookie to another.
    cookie {COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    option httpchk
    http-check send meth GET uri {HEALTH_PATH}
    http-check expect string ok
    timeout check {CHECK_TIMEOUT_S}s
    {checks}
    http-response set-header {REPLICA_HEADER} %[srv_name]
{servers}
"""


def find_haproxy(name: str) -> str:
    """The haproxy program's path; ServeError with the install hint when there is none."""
    if os.sep in name:
        if os.access(name, os.X_OK):
            return name
        raise ServeError(f"haproxy not found at {name}: {INSTALL_HINT}")
    path = os.pathsep.join([os.environ.get("PATH", ""), *SBIN_DIRS])
    found = shutil.which(name, path=path)
    if found is None:
        raise ServeError(f"the load balancer `{name}` is not installed: {INSTALL_HINT}")
    return found
