"""The live server the browser tests drive: a page left while a script loads must not leave a file open."""

from __future__ import annotations

import gc
import socket
import struct

import pytest

from tests.browser.conftest import LiveServer

RESETS = 30


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database plays no part
def test_a_connection_reset_while_a_script_is_sent_leaves_no_file_open(live_server: LiveServer) -> None:
    host, port = live_server.url.removeprefix("http://").split(":")
    for _ in range(RESETS):
        with socket.create_connection((host, int(port))) as connection:
            connection.sendall(b"GET /static/modeler.js HTTP/1.1\r\nHost: reintegra\r\n\r\n")
            assert connection.recv(12) == b"HTTP/1.1 200"
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
    gc.collect()  # an answer left unclosed is a ResourceWarning here, an error under filterwarnings = error
