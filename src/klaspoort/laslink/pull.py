"""Fetch a school's EDEXML from its LAS (the platform pulls): signed request, timeout, size limit.

`PullError.transient` says whether trying again later may help (timeouts, connection errors, 5xx,
429); a 4xx answer or a file over the size limit is not retried.

One HTTP client per worker process (`shared_client`) serves every pull: making one loads the CA
bundle into a new TLS context, which costs more CPU than importing a school's unchanged file, and
keep-alive connections to a vendor are reused from school to school.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from klaspoort.laslink.credentials import pull_signature
from klaspoort.laslink.models import LasLink
from klaspoort.roster.edexml.reader import default_max_bytes


class PullError(Exception):
    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


_clients: dict[int, httpx.Client] = {}
_clients_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """This process's pull client (made after a fork, never inherited from the parent)."""
    pid = os.getpid()
    with _clients_lock:
        client = _clients.get(pid)
        if client is None:
            _clients.clear()
            client = _clients[pid] = httpx.Client()
        return client


def pull_url(link: LasLink) -> str:
    return link.vendor.pull_url.replace("{school}", link.school.code)


def fetch_edexml(link: LasLink, *, client: httpx.Client | None = None) -> bytes:
    url = pull_url(link)
    if not url:
        raise PullError(
            "Het administratiesysteem heeft geen adres om de gegevens op te halen.", transient=False
        )
    headers = {"X-Klaspoort-Signature": pull_signature(link.vendor, urlsplit(url).path or "/")}
    limit = default_max_bytes()
    http = client or shared_client()
    try:
        with http.stream("GET", url, headers=headers, timeout=settings.LAS_PULL_TIMEOUT) as response:
            if response.status_code >= 500 or response.status_code == 429:
                raise PullError(
                    f"Het administratiesysteem gaf een fout ({response.status_code}).", transient=True
                )
            if response.status_code != 200:
                raise PullError(
                    f"Het administratiesysteem weigerde de gegevens ({response.status_code}).",
                    transient=False,
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise PullError("Het bestand van het administratiesysteem is te groot.", transient=False)
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException as exc:
        raise PullError("Het administratiesysteem antwoordde niet op tijd.", transient=True) from exc
    except httpx.HTTPError as exc:
        raise PullError(
            f"Het administratiesysteem was niet bereikbaar ({type(exc).__name__}).", transient=True
        ) from exc
