"""A real HTTP server on a loopback port that records back-channel logout POSTs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Receiver:
    url: str
    delay: float = 0.0
    bodies: list[dict[str, list[str]]] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)


@contextmanager
def logout_receiver(delay: float = 0.0) -> Iterator[Receiver]:
    received = Receiver(url="", delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            if received.delay:
                time.sleep(received.delay)
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
