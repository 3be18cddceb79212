"""Run the demo LAS: python examples/demo_las --port 8201 --schools 99DM00,99DM01 [--pull-key KEY]."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import DemoLas


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--schools", required=True, help="comma-separated school codes (BRIN + location)")
    parser.add_argument("--pupils", type=int, default=200)
    parser.add_argument(
        "--school-file",
        action="append",
        default=[],
        metavar="CODE=EDEXML",
        help="start a school from an EDEXML file instead of a generated roster",
    )
    parser.add_argument(
        "--change",
        action="append",
        default=[],
        metavar="CODE=N",
        help="move N pupils of the school to another group at start",
    )
    parser.add_argument("--pull-key", default="")
    parser.add_argument("--platform", default="http://127.0.0.1:8000")
    parser.add_argument("--client-id", default="")
    parser.add_argument("--secret", default="")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when the starting process ends")
    args = parser.parse_args()
    if args.exit_with_parent:  # `make demo` killed hard leaves nothing behind
        parent = os.getppid()
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    las = DemoLas(args.pupils, args.pull_key, args.platform, args.client_id, args.secret)
    files = dict(item.split("=", 1) for item in args.school_file)
    for code in args.schools.split(","):
        code = code.strip().upper()
        las.add_school(code, Path(files[code]).read_bytes() if code in files else None)
    for item in args.change:
        code, count = item.split("=", 1)
        las.change(code.upper(), int(count))
    server = make_server("127.0.0.1", args.port, las, server_class=_Server, handler_class=_QuietHandler)
    print(
        f"demo LAS on http://127.0.0.1:{args.port}/edexml/<school> for {len(las.exports)} schools", flush=True
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
