"""A stub licence endpoint on a free loopback port, served from a thread (tests and benchmarks).

Its behaviour can be changed while it runs: answer, delay, hang, status, content type, size.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class Behaviour:
    products: list[dict[str, Any]] = field(default_factory=list)
    body: bytes | None = None  # raw body instead of `products`
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0
    hang: bool = False
    declare_length: bool = True
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    path: str
    content_type: str
    body: bytes


class StubPublisher:
    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.received: list[Received] = []
        self._release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                """Icons: a tiny PNG at /icon.png, an HTML page anywhere else."""
                is_icon = self.path.startswith("/icon")
                body = PNG if is_icon else b"<html>not an image</html>"
                self.send_response(200)
                self.send_header("Content-Type", "image/png" if is_icon else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                stub.received.append(Received(self.path, self.headers.get("Content-Type", ""), body))
                current = stub.behaviour
                if current.hang:
                    stub._release.wait(30)
                    return
                if current.delay:
                    time.sleep(current.delay)
                payload = current.body
                if payload is None:
                    payload = json.dumps({"products": current.products}).encode()
                self.send_response(current.status)
                self.send_header("Content-Type", current.content_type)
                for name, value in current.headers.items():
                    self.send_header(name, value)
                if current.declare_length:
                    self.send_header("Content-Length", str(len(payload)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/licences"

    def start(self) -> StubPublisher:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self) -> StubPublisher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def product(pid: str, **overrides: Any) -> dict[str, Any]:
    """A valid product as a publisher would send it."""
    base: dict[str, Any] = {
        "id": pid,
        "name": pid.replace("-", " ").title(),
        "icon_url": f"https://icons.example/{pid}.png",
        "audience": "pupil",
        "allowed_at_home": True,
        "launch_method": "link",
        "launch_url": f"https://apps.example/{pid}",
    }
    base.update(overrides)
    return base
