"""A loopback HTTP/1.1 server that answers every request at once with the same bytes.

``http-live`` runs it as its own process (``python -m benchmarks.canned_server BODY_FILE``) to
measure the floor any live server shares: what the client stack (requests, urllib3,
http.client and the sockets) costs over real loopback when the server does no work, against
the same request through ``responses``. It prints its base URL, then serves one keep-alive
connection at a time, reading each request whole (headers and ``Content-Length`` body) before
answering with ``200`` and the file's bytes as JSON. Standard library only.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

HEAD_END = b"\r\n\r\n"


def answer_for(body: bytes) -> bytes:
    """The whole response: status line, the headers the fake sends, the body."""
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Date: Fri, 04 Dec 2026 12:00:00 GMT\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def content_length(head: bytes) -> int:
    """The request's body length (0 when it names none)."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or b"0")
    return 0


def serve_connection(connection: socket.socket, answer: bytes) -> None:
    """Answer each request on one connection until the client closes it."""
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pending = b""
    while True:
        while HEAD_END not in pending:
            chunk = connection.recv(65536)
            if not chunk:
                return
            pending += chunk
        head, _, rest = pending.partition(HEAD_END)
        length = content_length(head)
        while len(rest) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return
            rest += chunk
        pending = rest[length:]
        connection.sendall(answer)


def main(argv: list[str]) -> None:
    answer = answer_for(Path(argv[0]).read_bytes())
    with socket.create_server(("127.0.0.1", 0)) as listener:
        print(f"http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
        while True:
            connection, _ = listener.accept()
            with connection:
                serve_connection(connection, answer)


if __name__ == "__main__":
    main(sys.argv[1:])
