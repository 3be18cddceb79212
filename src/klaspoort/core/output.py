"""Writing bytes (e.g. an EDEXML file) to a command's stdout unchanged."""

from __future__ import annotations

from typing import Any


def write_bytes(stdout: Any, data: bytes) -> None:
    """Write `data` to a management command's stdout: raw bytes when the stream has a binary buffer."""
    out = getattr(stdout, "_out", stdout)
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("utf-8"))
