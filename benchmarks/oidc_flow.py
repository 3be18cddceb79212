"""The relying party's side of an OpenID Connect code flow with PKCE, shared by `sso_bench.py` and
its peer `peers/dot_bench.py`: the flow itself (authorize with PKCE S256 → token with
client_secret_basic → userinfo), the load from client threads over real HTTP, and the SQL queries
of each step in-process. Each benchmark runs its own Django project; only Django's test client is
used here, in the process of that project.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from serving import server_cpu_seconds


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_query(client_id: str, redirect_uri: str, number: int, challenge: str) -> str:
    return urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile",
            "state": f"s{number}",
            "nonce": f"n{number}",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )


def code_of(status: int, location: str, redirect_uri: str) -> str:
    if status != 302 or not location.startswith(redirect_uri):
        raise RuntimeError(f"authorize answered {status} {location}")
    return parse_qs(urlsplit(location).query)["code"][0]


def token_form(code: str, verifier: str, redirect_uri: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }


@dataclass(frozen=True)
class Provider:
    """An OpenID Connect provider as the benchmark's relying party knows it."""

    prefix: str  # where its endpoints are: "/oidc/" (klaspoort) or "/o/" (django-oauth-toolkit)
    client_id: str
    secret: str
    redirect_uri: str
    cookie_name: str  # the provider's session cookie of the signed-in person

    def authorize_path(self, number: int, challenge: str) -> str:
        return f"{self.prefix}authorize/?" + authorize_query(
            self.client_id, self.redirect_uri, number, challenge
        )

    def code_of(self, status: int, location: str) -> str:
        return code_of(status, location, self.redirect_uri)

    def token_form(self, code: str, verifier: str) -> dict[str, str]:
        return token_form(code, verifier, self.redirect_uri)

    def basic(self) -> str:
        return "Basic " + base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()


def one_flow(provider: Provider, http: httpx.Client, number: int) -> None:
    """One complete flow over HTTP, every answer checked."""
    verifier, challenge = pkce()
    answer = http.get(provider.authorize_path(number, challenge))
    code = provider.code_of(answer.status_code, answer.headers.get("Location", ""))
    token = http.post(
        f"{provider.prefix}token/",
        data=provider.token_form(code, verifier),
        auth=(provider.client_id, provider.secret),
    )
    if token.status_code != 200 or "id_token" not in token.text:
        raise RuntimeError(f"token answered {token.status_code}: {token.text[:300]}")
    info = http.get(
        f"{provider.prefix}userinfo/", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    if info.status_code != 200 or "given_name" not in info.text:
        raise RuntimeError(f"userinfo answered {info.status_code}: {info.text[:300]}")


def load(provider: Provider, base_url: str, cookie: str, flows: int, threads: int) -> tuple[int, float]:
    """Run `flows` complete flows from `threads` client threads, one HTTP client per thread, for
    the person whose session cookie is `cookie`; (flows, seconds)."""
    local = threading.local()
    clients: list[httpx.Client] = []

    def flow(number: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(
                base_url=base_url, cookies={provider.cookie_name: cookie}, follow_redirects=False, timeout=60
            )
            clients.append(local.http)
        one_flow(provider, local.http, number)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(flow, range(flows)))
    seconds = time.perf_counter() - start
    for client in clients:
        client.close()
    return flows, seconds


def measure_flows(
    provider: Provider, base_url: str, cookie: str, *, threads: int, seconds: float, server: object
) -> tuple[float, float]:
    """After 40 flows of warm-up (imports, key caches, connections), about 60 flows per `seconds`:
    (flows per second over HTTP, server CPU seconds per flow)."""
    load(provider, base_url, cookie, 40, threads)
    cpu_before = server_cpu_seconds(server)  # type: ignore[arg-type]
    done, elapsed = load(provider, base_url, cookie, max(200, int(seconds * 60)), threads)
    return done / elapsed, (server_cpu_seconds(server) - cpu_before) / done  # type: ignore[arg-type]


def queries_per_flow(provider: Provider, cookie: str) -> dict[str, int]:
    """SQL queries of each step, in this process (Django's test client), after a warm-up flow."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client()
    browser.cookies[provider.cookie_name] = cookie
    counts: dict[str, int] = {}
    for number in (1, 2):
        verifier, challenge = pkce()
        with CaptureQueriesContext(connection) as authorize:
            answer = browser.get(provider.authorize_path(number, challenge))
        code = provider.code_of(answer.status_code, answer.get("Location", ""))
        with CaptureQueriesContext(connection) as token:
            tokens = (
                Client()
                .post(
                    f"{provider.prefix}token/",
                    provider.token_form(code, verifier),
                    HTTP_AUTHORIZATION=provider.basic(),
                )
                .json()
            )
        with CaptureQueriesContext(connection) as userinfo:
            Client().get(f"{provider.prefix}userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
        counts = {
            "authorize": len(authorize.captured_queries),
            "token": len(token.captured_queries),
            "userinfo": len(userinfo.captured_queries),
        }
    return counts
