"""A real browser through `python -m gan_course serve`: page, websocket and run stay on one replica."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass

import pytest

from conftest import record_replicas
from gan_course.serve import COOKIE
from serve_helpers import start_serve, stop_serve

pytestmark = [pytest.mark.browser, pytest.mark.serve]


@dataclass
class _Balancer:
    """What App needs of a server: its address (here the balancer's) and a log (kept by serve's replicas)."""

    url: str

    def log_tail(self, lines: int = 40) -> str:
        return "(the replicas' logs stay in serve's temporary directory)"


def test_a_browser_stays_on_its_replica_and_loses_only_its_own_replica(haproxy: str, app_on) -> None:
    cluster = start_serve(haproxy, 3)  # three on two cores share them; here only routing matters
    try:
        app = app_on(_Balancer(cluster.url))
        page, context = app.page, app.page.context
        answered: list[str | None] = []
        record_replicas(page, answered)
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws))
        app.goto("")  # the home page first: see warm_server in conftest.py
        app.goto("slanted-island", epochs=2)
        app.assert_clean()

        home = {c["name"]: c["value"] for c in context.cookies()}[COOKIE]
        assert set(answered) == {home}  # the page, its scripts, styles, fonts and health checks
        # Two page loads, two websockets (a navigation closes the first); the second is the lesson's.
        assert [ws.url.endswith("/_stcore/stream") for ws in sockets] == [True, True]
        lesson = sockets[-1]

        # Another replica dies: this visitor does not notice, its run goes on to the end.
        bystander = next(name for name in cluster.replicas if name != home)
        os.kill(cluster.replicas[bystander][0], signal.SIGKILL)
        app.button("train").click()
        app.wait_run_finished()
        app.assert_clean()
        assert not lesson.is_closed()

        # Its own replica dies: the websocket was there, so it closes, and the page reconnects by itself to
        # the replica still alive, as a new session.
        os.kill(cluster.replicas[home][0], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not lesson.is_closed():
            assert time.monotonic() < deadline, "the websocket outlived its replica"
            page.wait_for_timeout(100)
        (survivor,) = set(cluster.replicas) - {home, bystander}
        deadline = time.monotonic() + 30
        while sockets[-1] is lesson or sockets[-1].is_closed():
            assert time.monotonic() < deadline, f"no new websocket: {[ws.is_closed() for ws in sockets]}"
            page.wait_for_timeout(200)
        app.wait()
        assert {c["name"]: c["value"] for c in context.cookies()}[COOKIE] == survivor
        assert app.h1()  # the lesson is drawn again
        app.assert_clean()
    finally:
        stop_serve(cluster.process, signal.SIGTERM)
