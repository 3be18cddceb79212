"""Fetch a school's EDEXML from its LAS (the platform pulls): signed request, timeout, size limit.

`PullError.transient` says whether trying again later may help (timeouts, connection errors, 5xx,
429); a 4xx answer or a file over the size limit is not retried.
"""

from __future__ import annotations

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
    own = client is None
    http = client or httpx.Client(timeout=settings.LAS_PULL_TIMEOUT)
    try:
        with http.stream("GET", url, headers=headers) as response:
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
    finally:
        if own:
            http.close()
