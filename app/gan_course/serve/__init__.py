"""`python -m gan_course serve`: several app processes behind HAProxy, for a whole class.

One Streamlit process runs every session's Python in one interpreter, so it uses about one core however
big the machine is. `serve` starts N replicas of the app on loopback ports, each pinned to a core of its
own, and HAProxy in front of them on the public port. HAProxy inserts a cookie on a visitor's first
response, so the page, its websocket and its reconnections reach the same replica even when a whole
classroom shares one address behind a NAT; new visitors go to the replica with the fewest open
connections, and a health check on Streamlit's `/_stcore/health` takes a dead replica out within seconds.

Why HAProxy and not nginx: nginx's open-source build has no cookie stickiness (`sticky cookie` is in the
commercial nginx Plus) and no active health checks; `ip_hash` would put a NAT-ed classroom on one
replica. HAProxy has both built in, passes websockets through without extra configuration, and is one
`apt-get install haproxy` away on Debian.

Only the standard library is used here, so `--help` stays instant and nothing of torch is loaded.

The parts, by what changes together:
- `plan.py`: the replicas' ports and cores, and the HAProxy configuration written for them;
- `processes.py`: starting, health-checking and stopping the child processes, and the stop signals;
- `command.py`: the command's options, its start-up order, its messages and the supervision loop.
"""

from __future__ import annotations

from gan_course.serve.command import EXIT_FAILED, EXIT_USAGE, PROG, add_arguments, run
from gan_course.serve.plan import (
    CHECK_FALL,
    CHECK_FAST_MS,
    CHECK_INTER_MS,
    CHECK_RISE,
    CHECK_TIMEOUT_S,
    COOKIE,
    DEFAULT_PORT,
    HEALTH_PATH,
    INSTALL_HINT,
    MAX_REPLICAS,
    REPLICA_HEADER,
    SBIN_DIRS,
    Replica,
    ServeError,
    cpu_sets,
    find_haproxy,
    free_ports,
    haproxy_config,
    usable_cpus,
)
from gan_course.serve.processes import (
    APP_SCRIPT,
    ROOT,
    STARTUP_TIMEOUT_S,
    STOP_TIMEOUT_S,
    Child,
    replica_command,
    replica_env,
)

__all__ = [
    "APP_SCRIPT",
    "CHECK_FALL",
    "CHECK_FAST_MS",
    "CHECK_INTER_MS",
    "CHECK_RISE",
    "CHECK_TIMEOUT_S",
    "COOKIE",
    "DEFAULT_PORT",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "HEALTH_PATH",
    "INSTALL_HINT",
    "MAX_REPLICAS",
    "PROG",
    "REPLICA_HEADER",
    "ROOT",
    "SBIN_DIRS",
    "STARTUP_TIMEOUT_S",
    "STOP_TIMEOUT_S",
    "Child",
    "Replica",
    "ServeError",
    "add_arguments",
    "cpu_sets",
    "find_haproxy",
    "free_ports",
    "haproxy_config",
    "replica_command",
    "replica_env",
    "run",
    "usable_cpus",
]
