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
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NoReturn

ROOT = Path(__file__).resolve().parents[2]  # the repository: app/main.py and .streamlit/ live here
APP_SCRIPT = ROOT / "app" / "main.py"
PROG = "python -m gan_course serve"

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
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.25
# Debian puts haproxy in /usr/sbin, which is not on an ordinary user's PATH.
SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")
INSTALL_HINT = (
    "install it with `sudo apt-get install haproxy` (Debian, Ubuntu), `sudo dnf install haproxy` "
    "(Fedora) or `brew install haproxy` (macOS), or pass its path with --haproxy"
)

EXIT_USAGE = 2  # bad options, like argparse
EXIT_FAILED = 1  # something could not be started or died


class ServeError(Exception):
    """A failure to report in one line (exit status 1), after everything started has been stopped."""


class _Stop(Exception):
    """SIGINT, SIGTERM or SIGHUP arrived: stop everything and exit 0."""


# --- options ---------------------------------------------------------------------------------------


def _int_in(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer in [{lo}, {hi}], got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be an integer in [{lo}, {hi}], got {value}")
        return value

    return parse


def usable_cpus() -> list[int]:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def _one_line_error(parser: argparse.ArgumentParser) -> Callable[[str], NoReturn]:
    def error(message: str) -> NoReturn:
        # One line naming the option, without the usage block: easy to read in a terminal and in a log.
        parser.exit(EXIT_USAGE, f"{PROG}: error: {message}\n")

    return error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `serve`, added to the subparser that cli.py creates."""
    cores = len(usable_cpus())
    parser.add_argument(
        "--replicas",
        metavar="N",
        type=_int_in(1, MAX_REPLICAS),
        default=cores,
        help=f"app processes to start, 1–{MAX_REPLICAS} (default: one per usable core, here {cores})",
    )
    parser.add_argument(
        "--port",
        metavar="P",
        type=_int_in(1, 65535),
        default=DEFAULT_PORT,
        help=f"port the load balancer listens on, where visitors open the course (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--host",
        metavar="ADDR",
        default="0.0.0.0",
        help="address the load balancer listens on (default 0.0.0.0: every interface, so the class's "
        "laptops reach it; 127.0.0.1 keeps it on this machine)",
    )
    parser.add_argument(
        "--cpus-per-replica",
        metavar="K",
        type=_int_in(0, max(1, cores)),
        default=1,
        help="cores each replica is pinned to, through the OS's CPU affinity (default 1; 0: no pinning)",
    )
    parser.add_argument(
        "--haproxy",
        metavar="PATH",
        default="haproxy",
        help="the haproxy program, a name on PATH or a path (default: haproxy, also looked for in /usr/sbin)",
    )
    parser.add_argument(
        "--startup-timeout",
        metavar="S",
        type=_int_in(5, 3600),
        default=int(STARTUP_TIMEOUT_S),
        help="seconds to wait for every replica to answer its health check "
        f"(default {STARTUP_TIMEOUT_S:.0f})",
    )
    parser.error = _one_line_error(parser)  # type: ignore[method-assign]


# --- plan: ports, cores, configuration -------------------------------------------------------------


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


def _hap_address(host: str) -> str:
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
    bind {_hap_address(host)}:{port}
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


# --- child processes -------------------------------------------------------------------------------


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


def _libc_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PR_SET_PDEATHSIG = 1


def _child_setup(cpus: frozenset[int] | None, prctl: Callable[..., int] | None) -> Callable[[], None]:
    parent = os.getpid()

    def setup() -> None:  # runs in the child between fork and exec
        if cpus is not None:
            os.sched_setaffinity(0, cpus)  # before exec, so every thread the app starts inherits it
        if prctl is not None:
            # If `serve` itself is killed (even with SIGKILL), the kernel sends its children SIGTERM:
            # no replica or balancer outlives it.
            prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)

    return setup


@dataclass(eq=False)  # compared and hashed by identity: one Child is one process
class Child:
    label: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(f"    {line}" for line in text.splitlines()[-lines:])


def replica_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def replica_env(cookie_secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "app"), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("OMP_NUM_THREADS", "1")  # one core per replica: torch must not spin up more threads
    # One secret for all replicas, so that a cookie Streamlit signed on one replica still holds on another
    # after a failover. In the environment, not on the command line, where `ps` would show it.
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = cookie_secret
    return env


def _start(
    label: str,
    cmd: list[str],
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    cpus: frozenset[int] | None = None,
    prctl: Callable[..., int] | None = None,
) -> Child:
    log = open(log_path, "wb")  # noqa: SIM115  (closed in _stop_all)
    try:
        process = subprocess.Popen(
            cmd,
            cwd=ROOT,  # Streamlit reads .streamlit/config.toml from the working directory
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C reaches `serve` alone, which then stops the children in order.
            start_new_session=True,
            preexec_fn=_child_setup(cpus, prctl),
        )
    except BaseException:
        log.close()
        raise
    return Child(label, process, log_path, log)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


def _wait_healthy(children: Sequence[tuple[Child, str]], timeout_s: float) -> None:
    """Until every child answers "ok" on its health URL; ServeError if one exits or time runs out."""
    waiting = dict(children)
    deadline = time.monotonic() + timeout_s
    while waiting:
        for child, url in list(waiting.items()):
            code = child.process.poll()
            if code is not None:
                raise ServeError(f"{child.label} {_status(code)} while starting:\n{child.log_tail()}")
            if _healthy(url):
                del waiting[child]
        if not waiting:
            return
        if time.monotonic() > deadline:
            names = ", ".join(c.label for c in waiting)
            tails = "\n".join(f"  {c.label}:\n{c.log_tail()}" for c in waiting)
            raise ServeError(f"no answer from {HEALTH_PATH} of {names} within {timeout_s:.0f} s:\n{tails}")
        time.sleep(POLL_S)


def _signal_pg(child: Child, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)


def _stop_all(children: Sequence[Child]) -> None:
    """SIGTERM to every child's process group (the balancer first), SIGKILL to whatever still runs after
    STOP_TIMEOUT_S. Leaves no child behind."""
    for child in children:
        if child.process.poll() is None:
            _signal_pg(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_pg(child, signal.SIGKILL)
            child.process.wait()
        # The group may hold processes the child started itself; none may outlive `serve`.
        _signal_pg(child, signal.SIGKILL)
        child.log.close()


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise _Stop once; during the cleanup that follows they are ignored."""

    def handler(signum: int, frame: object) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        raise _Stop(signum)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as HAProxy does: TIME_WAIT is no obstacle
        try:
            s.bind((host, port))
        except OSError as err:
            raise ServeError(f"--port {port}: cannot listen on {host}:{port} ({err.strerror})") from None


def _public_urls(host: str, port: int) -> list[str]:
    if host in ("0.0.0.0", "::"):
        return [f"http://127.0.0.1:{port}", f"http://{socket.gethostname()}:{port}"]
    return [f"http://{_hap_address(host)}:{port}"]


def _cpu_list(cpus: frozenset[int] | None) -> str:
    return ",".join(map(str, sorted(cpus))) if cpus else "any"


def _status(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with status {code}"


def _say(text: str) -> None:
    print(text, flush=True)


# --- the command -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """`serve`: returns 0 after a stop by signal, 1 if something failed to start or everything died."""
    try:
        with _stop_signals():
            return _serve(args)
    except _Stop:
        _say("stopped: the balancer and every replica have exited")
        return 0
    except ServeError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr, flush=True)
        return EXIT_FAILED


def _serve(args: argparse.Namespace) -> int:
    haproxy = find_haproxy(args.haproxy)
    if not APP_SCRIPT.exists():
        raise ServeError(f"{APP_SCRIPT} not found: run `serve` from a checkout of the course")
    _check_port_free(args.host, args.port)
    cores = usable_cpus()
    pinning = cpu_sets(args.replicas, args.cpus_per_replica, cores)
    if args.cpus_per_replica and not hasattr(os, "sched_setaffinity"):
        print(f"{PROG}: note: this OS has no CPU affinity; replicas are not pinned", file=sys.stderr)
        pinning = [None] * args.replicas
    elif args.replicas * args.cpus_per_replica > len(cores):
        print(
            f"{PROG}: note: {args.replicas} replicas × {args.cpus_per_replica} core(s) need more than the "
            f"{len(cores)} usable cores; replicas share cores",
            file=sys.stderr,
            flush=True,
        )
    ports = free_ports(args.replicas, exclude=[args.port])
    replicas = [Replica(i, p, c) for i, (p, c) in enumerate(zip(ports, pinning, strict=True))]

    prctl = _libc_prctl()
    children: list[Child] = []  # the balancer first once it runs: it stops taking visitors before the apps go
    with tempfile.TemporaryDirectory(prefix="gan-serve-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            env = replica_env(secrets.token_hex(32))
            for r in replicas:
                log = tmp / f"replica-{r.index}.log"
                children.append(
                    _start(
                        f"replica {r.index}", replica_command(r.port), log, env=env, cpus=r.cpus, prctl=prctl
                    )
                )
            _wait_healthy(
                [
                    (c, f"http://127.0.0.1:{r.port}{HEALTH_PATH}")
                    for c, r in zip(children, replicas, strict=True)
                ],
                args.startup_timeout,
            )
            config = tmp / "haproxy.cfg"
            config.write_text(haproxy_config(args.host, args.port, replicas, tmp / "haproxy.sock"))
            balancer = _start(
                "haproxy", [haproxy, "-db", "-f", str(config)], tmp / "haproxy.log", prctl=prctl
            )
            children.insert(0, balancer)
            probe_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else _hap_address(args.host)
            _wait_healthy([(balancer, f"http://{probe_host}:{args.port}{HEALTH_PATH}")], 15)

            replica_children = children[1:]
            for r, c in zip(replicas, replica_children, strict=True):
                _say(f"replica {r.index} pid {c.pid} port {r.port}")
            if any(r.cpus is not None for r in replicas):
                _say("pinned: " + ", ".join(f"replica {r.index} → cpu {_cpu_list(r.cpus)}" for r in replicas))
            _say(f"balancer haproxy pid {balancer.pid} port {args.port} config {config}")
            _say(f"open the course at {' or '.join(_public_urls(args.host, args.port))}  (Ctrl-C stops it)")
            return _supervise(balancer, replica_children)
        finally:
            _stop_all(children)


def _supervise(balancer: Child, replicas: Sequence[Child]) -> int:
    """Watch the children until a signal comes (raises _Stop) or nothing is left to serve."""
    alive = set(range(len(replicas)))
    offset = balancer.log_path.stat().st_size if balancer.log_path.exists() else 0
    while True:
        time.sleep(POLL_S)
        offset = _relay(balancer, offset)
        code = balancer.process.poll()
        if code is not None:
            raise ServeError(f"haproxy {_status(code)}:\n{balancer.log_tail()}")
        for i in sorted(alive):
            code = replicas[i].process.poll()
            if code is not None:
                alive.discard(i)
                print(
                    f"{PROG}: replica {i} pid {replicas[i].pid} {_status(code)}; its visitors are sent "
                    f"to the {len(alive)} replica(s) left",
                    file=sys.stderr,
                    flush=True,
                )
        if not alive:
            raise ServeError("every replica has exited; nothing is left to serve")


def _relay(balancer: Child, offset: int) -> int:
    """Copy what HAProxy logged since `offset` (servers going down or up) to our stderr."""
    try:
        with open(balancer.log_path, "rb") as f:
            f.seek(offset)
            new = f.read()
    except OSError:
        return offset
    if new:
        sys.stderr.write(new.decode(errors="replace"))
        sys.stderr.flush()
    return offset + len(new)
