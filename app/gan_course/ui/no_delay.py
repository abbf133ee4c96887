"""Messages to the browser leave at once: Nagle's algorithm off on the server's sockets.

Streamlit's server (1.67, on uvicorn) writes each message of a script run on its own, on sockets with
Nagle's algorithm on: it makes its listening socket without a protocol number, and asyncio, which turns
Nagle off (TCP_NODELAY) for the TCP sockets it accepts, passes over sockets whose protocol is not TCP by
number. With Nagle on, a small write waits until the last one is acknowledged, and a browser that has
nothing to send acknowledges late (40 ms on Linux): every rerun's messages after its first reached the page
about 40 ms after they left, and the frames of a live run arrived in lumps (docs/benchmarks.md,
2026-12-07: a rerun that draws one frame took 66 ms from the page's request to the next one, 18 ms
without Nagle).

turn_off_nagle sets TCP_NODELAY on the server's own sockets: the listening one, whose option the sockets it
accepts later inherit (Linux, macOS), and those it has already accepted (the first page's), found among
the process's open files by their local port. Standard library calls only; no Streamlit object is touched.
"""

from __future__ import annotations

import os
import socket
import stat

FD_FOLDERS = ("/proc/self/fd", "/dev/fd")  # the process's open files: Linux, then macOS and the BSDs


def _open_files() -> list[int]:
    for folder in FD_FOLDERS:
        try:
            return [int(name) for name in os.listdir(folder)]
        except (OSError, ValueError):
            continue
    return []  # elsewhere (Windows): nothing found, nothing changed


def _served_on(sock: socket.socket, port: int) -> bool:
    """A TCP socket whose local end is `port`: the server's listening socket or one it accepted."""
    if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    return sock.getsockname()[1] == port


def turn_off_nagle(port: int) -> int:
    """TCP_NODELAY on every TCP socket of this process whose local port is `port`; returns how many
    sockets had Nagle's algorithm on and now have it off."""
    changed = 0
    for fd in _open_files():
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=os.dup(fd))  # a second handle: closing it leaves the server's open
        except OSError:
            continue  # closed meanwhile (os.listdir's own handle among them), or not a socket we may use
        with sock:
            try:
                if _served_on(sock, port) and not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    changed += 1
            except OSError:
                continue
    return changed
