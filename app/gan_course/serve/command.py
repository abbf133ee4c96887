"""The `serve` command: its options, the order it starts things in, what it says, and the watch loop."""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from gan_course import classroom
from gan_course.serve.plan import (
    DEFAULT_PORT,
    HEALTH_PATH,
    MAX_REPLICAS,
    Replica,
    ServeError,
    cpu_sets,
    find_haproxy,
    free_ports,
    hap_address,
    haproxy_config,
    usable_cpus,
)
from gan_course.serve.processes import (
    APP_SCRIPT,
    POLL_S,
    STARTUP_TIMEOUT_S,
    Child,
    Stop,
    exit_status,
    libc_prctl,
    replica_command,
    replica_env,
    start,
    stop_all,
    stop_signals,
    wait_healthy,
)

PROG = "python -m gan_course serve"
EXIT_USAGE = 2  # bad options, like argparse
EXIT_FAILED = 1  # something could not be started or died


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
    parser.add_argument(
        "--store",
        metavar="URL",
        type=_store_url,
        default=None,
        help="the class view's store for every replica: sqlite:///PATH or redis://HOST:PORT/DB "
        f"(default: ${classroom.STORE_ENV}, else SQLite in the user's data directory)",
    )
    parser.error = _one_line_error(parser)  # type: ignore[method-assign]


def _store_url(text: str) -> str:
    try:
        return classroom.check_url(text)
    except classroom.StoreURLError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


# --- what it says ----------------------------------------------------------------------------------


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
    return [f"http://{hap_address(host)}:{port}"]


def _cpu_list(cpus: frozenset[int] | None) -> str:
    return ",".join(map(str, sorted(cpus))) if cpus else "any"


def _say(text: str) -> None:
    print(text, flush=True)


# --- the command -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """`serve`: returns 0 after a stop by signal, 1 if something failed to start or everything died."""
    try:
        with stop_signals():
            return _serve(args)
    except Stop:
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

    prctl = libc_prctl()
    children: list[Child] = []  # the balancer first once it runs: it stops taking visitors before the apps go
    with tempfile.TemporaryDirectory(prefix="gan-serve-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            env = replica_env(secrets.token_hex(32))
            if args.store:  # every replica shares one class store, so a class spans them all
                env[classroom.STORE_ENV] = args.store
            for r in replicas:
                log = tmp / f"replica-{r.index}.log"
                children.append(
                    start(
                        f"replica {r.index}", replica_command(r.port), log, env=env, cpus=r.cpus, prctl=prctl
                    )
                )
            wait_healthy(
                [
                    (c, f"http://127.0.0.1:{r.port}{HEALTH_PATH}")
                    for c, r in zip(children, replicas, strict=True)
                ],
                args.startup_timeout,
            )
            config = tmp / "haproxy.cfg"
            config.write_text(haproxy_config(args.host, args.port, replicas, tmp / "haproxy.sock"))
            balancer = start("haproxy", [haproxy, "-db", "-f", str(config)], tmp / "haproxy.log", prctl=prctl)
            children.insert(0, balancer)
            probe_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else hap_address(args.host)
            wait_healthy([(balancer, f"http://{probe_host}:{args.port}{HEALTH_PATH}")], 15)

            replica_children = children[1:]
            for r, c in zip(replicas, replica_children, strict=True):
                _say(f"replica {r.index} pid {c.pid} port {r.port}")
            if any(r.cpus is not None for r in replicas):
                _say("pinned: " + ", ".join(f"replica {r.index} → cpu {_cpu_list(r.cpus)}" for r in replicas))
            _say(f"balancer haproxy pid {balancer.pid} port {args.port} config {config}")
            _say(f"open the course at {' or '.join(_public_urls(args.host, args.port))}  (Ctrl-C stops it)")
            return _supervise(balancer, replica_children)
        finally:
            stop_all(children)


def _supervise(balancer: Child, replicas: Sequence[Child]) -> int:
    """Watch the children until a signal comes (raises Stop) or nothing is left to serve."""
    alive = set(range(len(replicas)))
    offset = balancer.log_path.stat().st_size if balancer.log_path.exists() else 0
    while True:
        time.sleep(POLL_S)
        offset = _relay(balancer, offset)
        code = balancer.process.poll()
        if code is not None:
            raise ServeError(f"haproxy {exit_status(code)}:\n{balancer.log_tail()}")
        for i in sorted(alive):
            code = replicas[i].process.poll()
            if code is not None:
                alive.discard(i)
                print(
                    f"{PROG}: replica {i} pid {replicas[i].pid} {exit_status(code)}; its visitors are sent "
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
