"""ui/no_delay.py: Nagle's algorithm off on the server's sockets, and on no other."""

from __future__ import annotations

import socket

from gan_course.ui import no_delay


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_the_listening_socket_and_those_it_accepted_send_at_once_and_others_are_left_alone():
    # Made as Streamlit 1.67 makes its own (no protocol number), so that asyncio leaves Nagle on.
    with socket.socket(socket.AF_INET) as server, socket.socket(socket.AF_INET) as other:
        server.bind(("127.0.0.1", 0))
        server.listen()
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = server.getsockname()[1]
        with (
            socket.create_connection(("127.0.0.1", port)) as page,
            socket.create_connection(other.getsockname()) as elsewhere,
        ):
            accepted, _ = server.accept()
            with accepted:
                before = [_nodelay(s) for s in (server, accepted, page, elsewhere)]
                assert before == [0, 0, 0, 0]
                assert no_delay.turn_off_nagle(port) == 2
                assert (_nodelay(server), _nodelay(accepted)) == (1, 1)
                assert (_nodelay(page), _nodelay(other), _nodelay(elsewhere)) == (0, 0, 0)  # not the server's
                assert no_delay.turn_off_nagle(port) == 0  # already off: nothing to change
                # a page that connects later inherits the option from the listening socket
                with socket.create_connection(("127.0.0.1", port)):
                    later, _ = server.accept()
                    with later:
                        assert _nodelay(later) == 1
