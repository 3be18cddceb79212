"""A real HTTP server on a loopback port that records back-channel logout POSTs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Receiver:
    url: str
    hold: threading.Event | None = None  # when set, answers wait until the event is set
    bodies: list[dict[str, list[str]]] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)


@contextmanager
def logout_receiver(hold: threading.Event | None = None) -> Iterator[Receiver]:
    received = Receiver(url="", hold=hold)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            if received.hold is not None:
                received.hold.wait(timeout=10)
            received.content_types.append(self.headers.get("Content-Type", ""))
            received.bodies.append(parse_qs(body))
            self.send_response(200)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.url = f"http://127.0.0.1:{server.server_address[1]}/backchannel-logout"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
