"""The monthly import of the official register (A1): where the file comes from, and reading it.

`KLASPOORT_REGISTER_SOURCE` (settings.REGISTER_SOURCE) is a local path (a file a cron job or the
operator put there) or an http(s) URL (DUO's open-data file of primary-school locations). The job
`register-import` (`jobs.schedule`) calls `import_register_from_source` once a month; it goes through
the same `do_import_register` as the console's upload, so a bad file is refused with its line numbers
and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from klaspoort.registry.models import RegisterImport
from klaspoort.registry.register_import import do_import_register

MAX_BYTES = 20 * 1024 * 1024  # the national file is about 2 MB
TIMEOUT = 60.0
ACTOR = "schedule:register-import"


class SourceError(Exception):
    """The register file could not be read (the job run is failed with this reason)."""


def _fetch(url: str, client: httpx.Client | None) -> bytes:
    http = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise SourceError(f"register source answered {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SourceError("register file larger than 20 MB")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        raise SourceError(f"register source unreachable: {exc.__class__.__name__}") from exc
    finally:
        if client is None:
            http.close()


def read_source(source: str, *, client: httpx.Client | None = None) -> tuple[bytes, str]:
    """(contents, file name) of the register file at `source` (a path or an http(s) URL)."""
    if urlsplit(source).scheme in ("http", "https"):
        return _fetch(source, client), Path(urlsplit(source).path).name or "register.csv"
    path = Path(source)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SourceError("register file larger than 20 MB")
        return path.read_bytes(), path.name
    except OSError as exc:
        raise SourceError(f"register file unreadable: {exc.__class__.__name__}") from exc


def import_register_from_source(*, client: httpx.Client | None = None) -> dict[str, int]:
    """The job's work: counts of the import (or `not_configured`); raises SourceError."""
    source = settings.REGISTER_SOURCE
    if not source:
        return {"not_configured": 1}
    data, name = read_source(source, client=client)
    run = do_import_register(data, file_name=name, actor=ACTOR)
    summary = {key: int(value) for key, value in run.counts.items() if isinstance(value, int)}
    summary["applied" if run.status == RegisterImport.Status.APPLIED else "refused"] = 1
    summary["problems"] = len(run.problems)
    return summary
