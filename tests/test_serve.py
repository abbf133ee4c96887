"""`python -m gan_course serve` without a running app: its options, the cores, HAProxy's configuration."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from checkout import APP, checkout_env
from gan_course import cli, serve
from gan_course.serve import Replica, cpu_sets, haproxy_config


def _serve_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(["serve", *argv])
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--replicas", "0"], "argument --replicas: must be an integer in [1, 64], got 0"),
        (["--replicas", "65"], "argument --replicas: must be an integer in [1, 64], got 65"),
        (["--replicas", "two"], "argument --replicas: must be an integer in [1, 64], got 'two'"),
        (["--port", "0"], "argument --port: must be an integer in [1, 65535], got 0"),
        (["--port", "70000"], "argument --port: must be an integer in [1, 65535], got 70000"),
        (["--port", "http"], "argument --port: must be an integer in [1, 65535], got 'http'"),
        (["--cpus-per-replica", "-1"], "argument --cpus-per-replica: must be an integer in [0, "),
        (["--replicas"], "argument --replicas: expected one argument"),
        (["--store", "postgres://db/x"], "argument --store: a store URL starts with sqlite://, redis://"),
        (["--store", "sqlite://relative.db"], "argument --store: a SQLite store needs an absolute path"),
    ],
)
def test_bad_option_exits_2_with_one_line_naming_it(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _serve_cli(argv, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("python -m gan_course serve: error: " + line), err


def test_bad_option_as_a_subprocess_prints_no_traceback() -> None:
    env = checkout_env()
    proc = subprocess.run(
        [sys.executable, "-m", "gan_course", "serve", "--replicas", "-3"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "python -m gan_course serve: error: argument --replicas: must be an integer in [1, 64], got -3"
    ]
    assert proc.stdout == ""


def test_missing_haproxy_says_how_to_install_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _serve_cli(["--haproxy", "no-such-balancer-gan", "--replicas", "1"], capsys)
    assert code == 1
    assert err.splitlines() == [
        "python -m gan_course serve: error: the load balancer `no-such-balancer-gan` is not installed: "
        + serve.INSTALL_HINT
    ]
    assert "sudo apt-get install haproxy" in serve.INSTALL_HINT


def test_haproxy_path_that_is_not_there(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _serve_cli(["--haproxy", "/nonexistent/sbin/haproxy"], capsys)
    assert code == 1
    assert err.startswith(
        "python -m gan_course serve: error: haproxy not found at /nonexistent/sbin/haproxy:"
    )


def test_port_in_use_is_named_before_anything_starts(
    haproxy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = _serve_cli(["--host", "127.0.0.1", "--port", str(port), "--replicas", "1"], capsys)
    assert code == 1
    assert err.splitlines() == [
        f"python -m gan_course serve: error: --port {port}: cannot listen on 127.0.0.1:{port} "
        "(Address already in use)"
    ]


def test_haproxy_is_found_in_sbin_even_off_path(monkeypatch: pytest.MonkeyPatch, haproxy: str) -> None:
    # Debian installs it in /usr/sbin, which an ordinary user's PATH lacks.
    monkeypatch.setenv("PATH", "/nonexistent")
    if os.path.dirname(haproxy) not in serve.SBIN_DIRS:
        pytest.skip(f"haproxy is at {haproxy}, not in {serve.SBIN_DIRS}")
    assert serve.find_haproxy("haproxy") == haproxy


@pytest.mark.parametrize(
    ("replicas", "per_replica", "cpus", "expected"),
    [
        (2, 1, [0, 1], [{0}, {1}]),
        (3, 1, [0, 1], [{0}, {1}, {0}]),  # more replicas than cores: they share, round robin
        (2, 2, [0, 1, 2, 3], [{0, 1}, {2, 3}]),
        (2, 1, [4, 6], [{4}, {6}]),  # only the cores this process may use (taskset, container)
        (1, 3, [0, 1], [{0, 1}]),
        (2, 0, [0, 1], [None, None]),  # 0: not pinned
    ],
)
def test_each_replica_gets_cores_of_its_own(
    replicas: int, per_replica: int, cpus: list[int], expected: list[set[int] | None]
) -> None:
    assert cpu_sets(replicas, per_replica, cpus) == expected


def test_free_ports_are_distinct_and_skip_the_public_one() -> None:
    ports = serve.free_ports(8, exclude=[8501])
    assert len(set(ports)) == 8 and 8501 not in ports


REPLICAS = [Replica(0, 41001, frozenset({0})), Replica(1, 41002, frozenset({1})), Replica(2, 41003, None)]


def test_config_sticks_by_an_inserted_cookie_not_by_address() -> None:
    cfg = haproxy_config("0.0.0.0", 8501, REPLICAS)
    lines = [line.strip() for line in cfg.splitlines()]
    assert "bind 0.0.0.0:8501" in lines
    assert 'cookie gan_replica insert indirect nocache httponly attr "SameSite=Lax"' in lines
    assert [line for line in lines if line.startswith("server ")] == [
        "server r0 127.0.0.1:41001 check cookie r0",
        "server r1 127.0.0.1:41002 check cookie r1",
        "server r2 127.0.0.1:41003 check cookie r2",
    ]
    assert "balance leastconn" in lines
    # Nothing keyed on the client's address: a classroom behind one NAT has one.
    settings = " ".join(line for line in lines if not line.startswith("#"))
    for word in ("source", "stick", "hash-type", " src"):
        assert word not in settings, word


def test_config_checks_streamlit_health_and_keeps_websockets_open() -> None:
    lines = [line.strip() for line in haproxy_config("127.0.0.1", 9000, REPLICAS).splitlines()]
    assert "http-check send meth GET uri /_stcore/health" in lines
    assert "http-check expect string ok" in lines
    assert "default-server inter 1000ms fastinter 500ms downinter 1000ms fall 3 rise 2" in lines
    assert "timeout check 30s" in lines
    # A dead replica refuses at once: one interval, then fastinter until `fall` failures, under 5 s.
    assert serve.CHECK_INTER_MS + (serve.CHECK_FALL - 1) * serve.CHECK_FAST_MS <= 2500
    assert "timeout tunnel 1h" in lines
    assert "option redispatch" in lines
    assert "http-response set-header X-Gan-Replica %[srv_name]" in lines


def test_ipv6_bind_address_is_bracketed() -> None:
    assert "    bind [::1]:8501" in haproxy_config("::1", 8501, REPLICAS[:1]).splitlines()


def test_haproxy_accepts_the_config(haproxy: str, tmp_path: Path) -> None:
    path = tmp_path / "haproxy.cfg"
    path.write_text(haproxy_config("127.0.0.1", 18501, REPLICAS, tmp_path / "haproxy.sock"))
    proc = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Configuration file is valid" in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr


DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_deploy_haproxy_cfg_matches_the_generated_backend() -> None:
    """deploy/haproxy.cfg (compose) keeps the same stickiness, checks and timeouts as `serve` writes."""
    deployed = (DEPLOY / "haproxy.cfg").read_text()
    generated = haproxy_config("0.0.0.0", 8501, REPLICAS[:2])

    def settings(text: str) -> set[str]:
        keep = ("cookie ", "balance ", "http-check ", "default-server ", "timeout ", "option ", "retries ")
        return {line.strip() for line in text.splitlines() if line.strip().startswith(keep)}

    assert settings(deployed) == settings(generated)


def test_replica_command_runs_the_course_headless_on_loopback() -> None:
    cmd = serve.replica_command(41001)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert cmd[4] == str(APP / "main.py")
    args = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert args["--server.port"] == "41001"
    assert args["--server.address"] == "127.0.0.1"
    assert args["--server.headless"] == "true"
    env = serve.replica_env("s3cret")
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(APP)
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == "s3cret"


def test_compose_has_one_server_line_per_app_service_each_on_its_own_core(haproxy: str) -> None:
    compose = (DEPLOY / "compose.yaml").read_text()
    cfg = (DEPLOY / "haproxy.cfg").read_text()
    services = re.findall(r"^  (app\d+):\n    <<: \*app\n    cpuset: \"(\d+)\"$", compose, re.M)
    assert services == [("app0", "0"), ("app1", "1")]
    servers = re.findall(r"^    server (r\d+) (app\d+):8501 check cookie (r\d+) ", cfg, re.M)
    assert servers == [("r0", "app0", "r0"), ("r1", "app1", "r1")]
    # Valid for HAProxy (outside Docker it warns that app0 and app1 do not resolve, and starts anyway).
    proc = subprocess.run([haproxy, "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
