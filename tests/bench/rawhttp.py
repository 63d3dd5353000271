"""The load generator's HTTP/1.1 client: requests written and answers read on a plain socket.

`http.client` parses every answer's headers through the `email` package and builds each request in several writes:
at the confirm's rate, 0.10 of a core against 0.07 with this client (JSON by orjson in both), on the two cores the
generator shares with the server it measures. This client writes a request in one `sendall` and reads an answer by
its `Content-Length`; it keeps the connection when the server does and opens a new one after `Connection: close`
(gunicorn's sync worker closes every one). An answer without a length (chunked) is refused: the till's answers
always carry one (Django's `CommonMiddleware`).
"""

import socket

HEAD_END = b"\r\n\r\n"


class HttpError(Exception):
    """An answer this client does not read: no status line, no length, or the connection closed early."""


class Connection:
    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _recv(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(262144)
        if not chunk:
            raise HttpError("the connection closed before the answer ended")
        self.buffer += chunk

    def request(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST `body` to `path`; the answer's status and body."""
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        while HEAD_END not in self.buffer:
            self._recv()
        head, _, self.buffer = self.buffer.partition(HEAD_END)
        status_line, *fields = head.split(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise HttpError(f"not an HTTP answer: {status_line[:80]!r}")
        length, closing = None, False
        for field in fields:
            name, _, value = field.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                closing = value.strip().lower() == b"close"
        if length is None:
            raise HttpError("an answer without Content-Length")
        while len(self.buffer) < length:
            self._recv()
        payload, self.buffer = self.buffer[:length], self.buffer[length:]
        if closing:
            self.close()
        return int(parts[1]), payload
