"""The demo LAS: serves (and pushes) EDEXML for several schools, as a school administration system
would over the klaspoort LAS connector (docs/partners/las-connector.md).

    GET  /edexml/<school>                 the school's export (the platform pulls; signature checked)
    POST /change?school=<code>&count=<n>  n pupils of the school change: they move to another group
                                          where their year has one, else their first name changes
    POST /push?school=<code>              push the school's export to the platform now, with a
                                          bearer token from the platform's token endpoint (OAuth 2
                                          client credentials; fetched again shortly before it expires
                                          or when the platform refuses it)
    POST /mode?school=<code>&mode=<m>     misbehave: ok, slow, error, garbage, other-school, half

The rosters are made with klaspoort's own EDEXML generator (demo data only: a real LAS exports its
own records). Everything is in memory; meant for loopback addresses only.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs

import httpx

from klaspoort.roster.edexml.document import EdexDocument
from klaspoort.roster.edexml.generator import generate_roster, move_pupils
from klaspoort.roster.edexml.reader import read_edexml
from klaspoort.roster.edexml.writer import write_edexml

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
SIGNATURE_AGE = 300
TOKEN_MARGIN = 60  # seconds before a token's end that a new one is fetched


@dataclass
class DemoLas:
    pupils: int = 200
    pull_key: str = ""
    platform: str = ""  # the platform's base URL, for pushes
    client_id: str = ""
    secret: str = ""
    slow_seconds: float = 5.0
    documents: dict[str, EdexDocument] = field(default_factory=dict)
    exports: dict[str, bytes] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    pulls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))
    token: str = ""
    token_until: float = 0.0  # time.monotonic() after which the token is fetched again
    tokens_fetched: int = 0

    def add_school(self, code: str, export: bytes | None = None) -> None:
        """A school with a generated roster, or with `export` (an EDEXML file) as its records."""
        if export is not None:
            document = read_edexml(export).document
            assert document is not None, f"{code}: not a valid EDEXML file"
        else:
            document = generate_roster(code, self.pupils, seed=sum(map(ord, code)))
        self.documents[code] = document
        self.exports[code] = write_edexml(document)

    def change(self, code: str, count: int) -> None:
        """`count` pupils change: as many as can move to another group of their year do, the others
        get another first name (a school with one group per year has nobody who can move)."""
        with self.lock:
            doc = self.documents[code]
            self.changes[code] = self.changes.get(code, 0) + 1
            moved = move_pupils(doc, count / len(doc.pupils), seed=self.changes[code])
            pupils = list(moved.pupils)
            still = [
                index for index, (old, new) in enumerate(zip(doc.pupils, pupils, strict=True)) if old == new
            ]
            moves = len(pupils) - len(still)
            rng = random.Random(f"demo-las:{code}:{self.changes[code]}")
            for index in rng.sample(still, min(len(still), max(count - moves, 0))):
                pupils[index] = replace(
                    pupils[index], first_name=f"{pupils[index].first_name.split('-')[0]}-{self.changes[code]}"
                )
            self.documents[code] = replace(moved, pupils=tuple(pupils))
            self.exports[code] = write_edexml(self.documents[code])

    def signature_ok(self, header: str, path: str) -> bool:
        if not self.pull_key:
            return True
        parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        try:
            moment = int(parts.get("t", ""))
        except ValueError:
            return False
        expected = hmac.new(self.pull_key.encode(), f"{moment}.{path}".encode(), hashlib.sha256).hexdigest()
        fresh = abs(time.time() - moment) < SIGNATURE_AGE
        return fresh and hmac.compare_digest(expected, parts.get("v1", ""))

    def export(self, code: str) -> tuple[str, bytes]:
        mode = self.modes.get(code, "ok")
        if mode == "error":
            return "503 Service Unavailable", b"maintenance"
        if mode == "slow":
            time.sleep(self.slow_seconds)
        if mode == "garbage":
            return "200 OK", b"<EDEX><dit is geen edexml"
        if mode == "half":  # half the pupils gone: the mass-removal guard holds it
            doc = self.documents[code]
            return "200 OK", write_edexml(replace(doc, pupils=doc.pupils[: len(doc.pupils) // 2]))
        if mode == "other-school":
            other = next((c for c in self.exports if c != code), code)
            return "200 OK", self.exports[other]
        return "200 OK", self.exports[code]

    def access_token(self, *, fresh: bool = False) -> str:
        """A bearer token from POST /las/v1/token (client credentials, HTTP Basic with the client id
        and secret: only this request carries the secret), kept until shortly before it expires."""
        with self.lock:
            if fresh or not self.token or time.monotonic() >= self.token_until:
                response = self.http.post(
                    f"{self.platform}/las/v1/token", data={"grant_type": "client_credentials"},
                    auth=(self.client_id, self.secret),
                )  # fmt: skip
                response.raise_for_status()
                body = response.json()
                self.token = body["access_token"]
                self.token_until = time.monotonic() + max(int(body["expires_in"]) - TOKEN_MARGIN, 0)
                self.tokens_fetched += 1
            return self.token

    def push(self, code: str) -> int:
        """Push the school's export; a token the platform refuses (revoked, secret rotated) is
        fetched again once."""
        response = self._push(code, self.access_token())
        if response.status_code == 401:
            response = self._push(code, self.access_token(fresh=True))
        return response.status_code

    def _push(self, code: str, token: str) -> httpx.Response:
        return self.http.post(
            f"{self.platform}/las/v1/schools/{code}/edexml", content=self.exports[code],
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
        )  # fmt: skip

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        status, body, kind = "404 Not Found", b"not found", "text/plain"
        code = query.get("school", "").upper()
        if method == "GET" and path.startswith("/edexml/"):
            school = path.removeprefix("/edexml/").upper()
            if not self.signature_ok(environ.get("HTTP_X_KLASPOORT_SIGNATURE", ""), path):
                status, body = "403 Forbidden", b"bad signature"
            elif school in self.exports:
                with self.lock:
                    self.pulls += 1
                status, body = self.export(school)
                kind = "application/xml"
        elif method == "POST" and code in self.exports:
            if path == "/change":
                self.change(code, int(query.get("count", "5")))
                status, body = "200 OK", b"changed"
            elif path == "/push":
                status, body = "200 OK", str(self.push(code)).encode()
            elif path == "/mode":
                self.modes[code] = query.get("mode", "ok")
                status, body = "200 OK", b"ok"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]
