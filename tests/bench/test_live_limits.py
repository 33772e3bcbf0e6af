"""The two limits ``http-live`` prints: the canned server's floor and the read-rate ceiling."""

from __future__ import annotations

import socket
import threading

import pytest

from benchmarks.bench_live import ceiling_note
from benchmarks.canned_server import answer_for, content_length, serve_connection


def test_the_canned_server_reads_each_request_whole_before_answering() -> None:
    answer = answer_for(b'{"id": 3}')
    with socket.create_server(("127.0.0.1", 0)) as listener:
        ours = socket.create_connection(listener.getsockname())
        theirs, _ = listener.accept()
    server = threading.Thread(target=serve_connection, args=(theirs, answer), daemon=True)
    server.start()
    with ours, theirs:
        request = b"POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
        ours.sendall(request + b'{"id":')
        ours.settimeout(0.2)
        with pytest.raises(TimeoutError):
            ours.recv(1024)  # half a body: no answer yet
        ours.settimeout(5)
        ours.sendall(b" 3}  " + request + b'{"id": 4}  ')  # the rest, then a pipelined one
        received = b""
        while received.count(b"HTTP/1.1 200 OK") < 2 or not received.endswith(b'{"id": 3}'):
            received += ours.recv(4096)
        assert received == answer * 2
        ours.shutdown(socket.SHUT_WR)
        server.join(5)  # the client closed: the server is done with the connection
        assert not server.is_alive()


def test_content_length_is_read_case_blind_and_defaults_to_nothing() -> None:
    assert content_length(b"POST / HTTP/1.1\r\ncontent-LENGTH: 42") == 42
    assert content_length(b"GET / HTTP/1.1\r\nHost: x") == 0


def test_the_ceiling_is_the_busiest_process_or_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    # the client needs 600 us a read: it alone caps the rate at 1667/s
    assert "1667/s, 1.67x one thread's rate" in ceiling_note(1000, 600e-6, 200e-6)
    # two equal halves: both CPUs full at 2 / (400 + 400) us = 2500/s
    assert "2500/s, 2.5x" in ceiling_note(1000, 400e-6, 400e-6)
