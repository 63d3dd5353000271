"""The bench's HTTP client (`tests/bench/rawhttp.py`) against a real HTTP/1.1 server on loopback: the status and
body as sent, the connection kept while the server keeps it, a new one after `Connection: close`, and an answer it
cannot read (chunked, no length) refused rather than misread."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.bench import rawhttp


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    peers: list[tuple[str, int]] = []  # the connections served, by client address

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.peers.append(self.client_address)
        answer = b'{"echo": ' + body + b', "key": "' + self.headers["Idempotency-Key"].encode() + b'"}'
        self.send_response(201 if self.path == "/created" else 200)
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(answer), answer))
            return
        self.send_header("Content-Length", str(len(answer)))
        if self.path == "/close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def server() -> Iterator[int]:
    _Handler.peers = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_answers_are_read_whole_on_one_kept_connection(server: int) -> None:
    conn = rawhttp.Connection("127.0.0.1", server, 5)
    big = b'"' + b"x" * 300_000 + b'"'  # longer than one read
    first = conn.request("/created", b"[1, 2]", {"Idempotency-Key": "a"})
    second = conn.request("/", big, {"Idempotency-Key": "b"})
    conn.close()
    assert first == (201, b'{"echo": [1, 2], "key": "a"}')
    assert second == (200, b'{"echo": ' + big + b', "key": "b"}')
    assert len(set(_Handler.peers)) == 1  # the same client port: one connection


def test_a_closed_connection_is_opened_again(server: int) -> None:
    conn = rawhttp.Connection("127.0.0.1", server, 5)
    assert conn.request("/close", b"1", {"Idempotency-Key": "a"})[0] == 200
    assert conn.sock is None
    assert conn.request("/close", b"2", {"Idempotency-Key": "b"}) == (200, b'{"echo": 2, "key": "b"}')
    assert len(set(_Handler.peers)) == 2


def test_an_answer_without_a_length_is_refused(server: int) -> None:
    conn = rawhttp.Connection("127.0.0.1", server, 5)
    with pytest.raises(rawhttp.HttpError, match="without Content-Length"):
        conn.request("/chunked", b"1", {"Idempotency-Key": "a"})
    conn.close()
