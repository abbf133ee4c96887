"""`python -m gan_course serve --replicas 2` for real: two app processes behind HAProxy, all on this machine.

Every visitor comes from 127.0.0.1, as a classroom behind one NAT does, so only the cookie can keep a
visitor on its replica. A visitor here does what a browser does: a plain page load that keeps the cookies it
gets, then Streamlit's websocket (protobuf BackMsg/ForwardMsg) with those cookies. The replica that answered
is read from the balancer's X-Gan-Replica header, and checked on the server side: Streamlit resumes a session
on reconnection only in the process that holds it, so a reconnection that gets its old session id back
reached the same process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from gan_course.serve import COOKIE, REPLICA_HEADER, cpu_sets, usable_cpus
from serve_helpers import ROOT, START_TIMEOUT_S, Cluster, alive, free_port, start_serve, stop_serve

RUN_TIMEOUT_S = 60.0
OUT_OF_ROTATION_S = 5.0  # the bound for a dead replica to stop getting visitors

pytestmark = pytest.mark.serve


def run_async(coro):
    """asyncio.run on a thread of its own: Playwright's sync API keeps an event loop running on the main
    thread for the rest of the session once a browser test has used it."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def cluster(haproxy: str) -> Iterator[Cluster]:
    c = start_serve(haproxy, 2)
    try:
        yield c
    finally:
        stop_serve(c.process, signal.SIGTERM)


# --- a visitor as a browser would be -----------------------------------------------------------------


class Visitor:
    """One browser: its cookies, plain page loads, and Streamlit sessions over the websocket."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def load(self, path: str = "/") -> str:
        """A page load; returns the replica that answered, keeps the cookies it set."""
        req = urllib.request.Request(self.base + path, headers=self._cookie_header())
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
            for header in resp.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return resp.headers[REPLICA_HEADER]

    @property
    def sticky(self) -> str | None:
        return self.cookies.get(COOKIE)

    async def session(self, resume: str | None = None) -> Session:
        """Open the websocket (with this browser's cookies) and run the script once, as a page does."""
        # The browser passes the id of the session to resume as the third subprotocol entry.
        protocols = ["streamlit", "xsrf", resume] if resume else ["streamlit"]
        ws = await websockets.connect(
            self.base.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=protocols,
            additional_headers=self._cookie_header(),
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )
        s = Session(ws, ws.response.headers[REPLICA_HEADER])
        await s.rerun()
        return s


@dataclass
class Session:
    ws: websockets.ClientConnection
    replica: str  # from the 101 answer to the websocket upgrade
    ids: list[str] = field(default_factory=list)  # the session id the server sent at each run

    async def rerun(self) -> str:
        """Ask for a script run (what any widget does) and wait until it finished; the session's id."""
        msg = BackMsg()
        msg.rerun_script.query_string = "lang=en"
        await self.ws.send(msg.SerializeToString())
        session_id = None
        async with asyncio.timeout(RUN_TIMEOUT_S):
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await self.ws.recv())
                kind = fm.WhichOneof("type")
                if kind == "new_session":
                    session_id = fm.new_session.initialize.session_id
                elif kind == "script_finished" and session_id is not None:
                    self.ids.append(session_id)
                    return session_id

    async def close(self) -> None:
        await self.ws.close()


async def _visit(base: str) -> tuple[Visitor, Session]:
    v = Visitor(base)
    assert v.load("/") == v.sticky  # the first answer sets the cookie of the replica that gave it
    return v, await v.session()


# --- the tests -------------------------------------------------------------------------------------


def test_replicas_are_pinned_to_cores_of_their_own(cluster: Cluster) -> None:
    expected = cpu_sets(2, 1, usable_cpus())
    assert [os.sched_getaffinity(cluster.replicas[f"r{i}"][0]) for i in range(2)] == expected
    # "UP", or "UP 1/3" after a check that a busy replica answered late: in the rotation either way.
    in_rotation = {name: status.split()[0] for name, status in cluster.server_status().items()}
    assert in_rotation == {"r0": "UP", "r1": "UP"}


def test_visitors_from_one_address_land_on_both_replicas(cluster: Cluster) -> None:
    async def main() -> list[tuple[Visitor, Session]]:
        visits = [await _visit(cluster.url) for _ in range(6)]  # one after another, as a class arrives
        for _, s in visits:
            await s.close()
        return visits

    visits = run_async(main())
    landed = Counter(s.replica for _, s in visits)
    # leastconn with every earlier visitor still connected: they alternate.
    assert landed == {"r0": 3, "r1": 3}, landed
    for v, s in visits:
        assert s.replica == v.sticky  # the websocket went where the page came from


def test_page_loads_reruns_and_reconnections_stay_on_the_replica(cluster: Cluster) -> None:
    async def main() -> None:
        visits = [await _visit(cluster.url) for _ in range(2)]
        assert sorted(s.replica for _, s in visits) == ["r0", "r1"]  # one visitor on each replica
        for v, s in visits:
            home = s.replica
            for path in ("/", "/slanted-island?lang=de", "/_stcore/health", "/_stcore/host-config"):
                assert v.load(path) == home, path
            first = s.ids[0]
            for _ in range(3):
                assert await s.rerun() == first
            await s.close()
            # The browser reconnects with its cookie and asks for its old session: only the process that
            # holds the session can give it back.
            again = await v.session(resume=first)
            assert (again.replica, again.ids) == (home, [first])
            await again.close()
            assert v.sticky == home  # no new cookie along the way
            # Control: the same reconnection steered to the other replica gets a fresh session, so the check
            # above can tell one process from another.
            other = "r1" if home == "r0" else "r0"
            v.cookies[COOKIE] = other
            elsewhere = await v.session(resume=first)
            assert elsewhere.replica == other and elsewhere.ids[0] != first
            await elsewhere.close()

    run_async(main())


def test_a_killed_replica_leaves_the_other_serving(haproxy: str) -> None:
    c = start_serve(haproxy, 2)
    try:

        async def main() -> None:
            visits = [await _visit(c.url) for _ in range(4)]
            on = {r: [(v, s) for v, s in visits if s.replica == r] for r in ("r0", "r1")}
            assert len(on["r0"]) == len(on["r1"]) == 2
            os.kill(c.replicas["r0"][0], signal.SIGKILL)
            killed_at = time.monotonic()

            # A new visitor right after, from the same address, is served by the live replica.
            first = Visitor(c.url)
            assert first.load("/") == "r1" == first.sticky
            assert time.monotonic() - killed_at < OUT_OF_ROTATION_S
            # The health check takes the dead one out of the rotation within the bound.
            while c.server_status()["r0"] != "DOWN":
                assert time.monotonic() - killed_at < OUT_OF_ROTATION_S, c.server_status()
                await asyncio.sleep(0.1)
            assert c.server_status()["r1"].split()[0] == "UP"

            # The dead replica's sessions are gone: their websockets close.
            for _, s in on["r0"]:
                with pytest.raises(websockets.ConnectionClosed):
                    await s.rerun()
            # The other replica's sessions go on as if nothing happened.
            for _, s in on["r1"]:
                before = s.ids[-1]
                assert await s.rerun() == before
                await s.close()

            # New visitors all reach the live replica and get a working session.
            for _ in range(3):
                v, s = await _visit(c.url)
                assert s.replica == "r1" == v.sticky
                await s.close()
            # A visitor of the dead replica who reloads the page is moved to the live one with a new cookie.
            v, old = on["r0"][0]
            assert v.load("/") == "r1" == v.sticky
            s = await v.session(resume=old.ids[0])
            assert s.replica == "r1" and s.ids[0] != old.ids[0]
            await s.close()

        run_async(main())
        assert c.process.poll() is None  # serve keeps running with one replica
    finally:
        code = stop_serve(c.process, signal.SIGTERM)
    err = c.process.stderr.read()
    assert f"replica 0 pid {c.replicas['r0'][0]} was killed by SIGKILL" in err, err
    assert code == 0, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_stops_everything_it_started(haproxy: str, sig: signal.Signals) -> None:
    c = start_serve(haproxy, 1, "--cpus-per-replica", "0")
    assert all(alive(pid) for pid in c.pids())
    code = stop_serve(c.process, sig)
    assert code == 0, c.process.stderr.read()
    assert [pid for pid in c.pids() if alive(pid)] == []
    assert c.process.stdout.read().strip() == "stopped: the balancer and every replica have exited"
    assert not c.stats_socket.parent.exists()  # the temporary config is gone too


def test_children_die_with_serve_even_when_it_is_killed(haproxy: str) -> None:
    c = start_serve(haproxy, 1, "--cpus-per-replica", "0")
    try:
        c.process.kill()  # SIGKILL: serve cannot clean up; the kernel's parent-death signal must
        c.process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in c.pids()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in c.pids() if alive(pid)] == []
    finally:
        for pid in c.pids():  # only if the assertion failed: leave nothing running for the next test
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(c.stats_socket.parent, ignore_errors=True)


def test_a_balancer_that_fails_to_start_leaves_no_replica_behind(tmp_path: Path) -> None:
    # A stand-in for haproxy that writes down the processes `serve` has started, then fails as a real one
    # does when its port is taken.
    started = tmp_path / "started"
    fake = tmp_path / "haproxy"
    fake.write_text(
        "#!/bin/sh\n"
        f"cat /proc/$PPID/task/*/children > {started}\n"
        'echo "[ALERT] (1) : Starting frontend course: cannot bind socket" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "app") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    argv = [
        "serve",
        "--replicas",
        "1",
        "--port",
        str(free_port()),
        "--host",
        "127.0.0.1",
        "--haproxy",
        str(fake),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "gan_course", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""  # no "replica ..." line: it never served
    assert proc.stderr.startswith("python -m gan_course serve: error: haproxy exited with status 1")
    assert "cannot bind socket" in proc.stderr
    pids = [int(p) for p in started.read_text().split()]
    assert len(pids) == 2  # the replica and the stand-in itself
    assert [pid for pid in pids if alive(pid)] == []
