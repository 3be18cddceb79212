"""Ask many publishers' licence endpoints at once, each within its own deadline.

The Django views stay synchronous: `fetch_all` hands the calls to one asyncio event loop per process
(a daemon thread holding a pooled `httpx.AsyncClient`, so keep-alive connections and TLS sessions
are reused across requests) and waits for the result. Every call is cut off at `timeout` seconds by
`asyncio.wait_for`, so a publisher that hangs or trickles bytes costs at most its timeout, and the
slowest publisher, not the sum of all, sets the page's latency. Bodies are read up to the size limit
and then abandoned. Redirects are not followed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from klaspoort.portal.answer import AnswerLimits, AnswerRejected, parse_answer
from klaspoort.portal.products import Product

logger = logging.getLogger("klaspoort.portal")

REQUEST_MEDIA_TYPE = "application/jwt"
USER_AGENT = "klaspoort-licence/1"
T = TypeVar("T")
A = TypeVar("A")


@dataclass(frozen=True)
class LicenceCall:
    """One licence request: POST `token` (a signed JWT) to `url`."""

    publisher: str
    url: str
    token: str


@dataclass(frozen=True)
class Outcome(Generic[A]):
    """`products`: the parsed answer (products for a person, or the school overview), None if unusable."""

    publisher: str
    products: A | None
    error: str = ""
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.products is not None


Parse = Callable[[bytes, AnswerLimits], A]


class _EventLoopThread:
    """One background event loop and HTTP client per process (re-created after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.AsyncClient | None = None

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]:
        with self._lock:
            alive = self._thread is not None and self._thread.is_alive()
            if self._loop is None or self._client is None or self._pid != os.getpid() or not alive:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="klaspoort-fanout", daemon=True)
                thread.start()
                self._thread = thread
                self._client = httpx.AsyncClient(
                    follow_redirects=False,
                    headers={"User-Agent": USER_AGENT},
                    limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
                )
                self._loop, self._pid = loop, os.getpid()
            return self._loop, self._client

    def run(self, coroutine: Coroutine[Any, Any, T], wait: float) -> T:
        loop, _ = self._ensure()
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            return future.result(timeout=wait)
        except FutureTimeout:
            future.cancel()
            raise

    @property
    def client(self) -> httpx.AsyncClient:
        return self._ensure()[1]


_runner = _EventLoopThread()


def fetch_all(
    calls: Sequence[LicenceCall], *, timeout: float, limits: AnswerLimits
) -> list[Outcome[tuple[Product, ...]]]:
    """Outcomes in the order of `calls`; never raises for a publisher's failure."""
    return fetch_all_parsed(calls, parse_answer, timeout=timeout, limits=limits)


def fetch_all_parsed(
    calls: Sequence[LicenceCall], parse: Parse[A], *, timeout: float, limits: AnswerLimits
) -> list[Outcome[A]]:
    """`fetch_all` with another answer format (`parse` raises AnswerRejected for a bad answer)."""
    if not calls:
        return []
    client = _runner.client
    coroutine = _gather(client, calls, parse, timeout, limits)
    try:
        return _runner.run(coroutine, wait=timeout + 1.0)
    except FutureTimeout:  # the loop itself is stuck: treat every publisher as timed out
        return [Outcome(call.publisher, None, "timeout", timeout) for call in calls]


async def _gather(
    client: httpx.AsyncClient,
    calls: Sequence[LicenceCall],
    parse: Parse[A],
    timeout: float,
    limits: AnswerLimits,
) -> list[Outcome[A]]:
    return list(await asyncio.gather(*(_fetch_one(client, call, parse, timeout, limits) for call in calls)))


async def _fetch_one(
    client: httpx.AsyncClient, call: LicenceCall, parse: Parse[A], timeout: float, limits: AnswerLimits
) -> Outcome[A]:
    started = time.perf_counter()
    try:
        products = await asyncio.wait_for(_request(client, call, parse, timeout, limits), timeout)
        return Outcome(call.publisher, products, "", time.perf_counter() - started)
    except (TimeoutError, httpx.TimeoutException):
        error = "timeout"
    except AnswerRejected as rejected:
        error = f"rejected: {rejected}"
    except httpx.HTTPError as failure:
        error = f"http: {type(failure).__name__}"
    except Exception as failure:  # a publisher must never break the page
        logger.exception("licence call to %s failed unexpectedly", call.publisher)
        error = f"error: {type(failure).__name__}"
    elapsed = time.perf_counter() - started
    logger.warning("licence answer of %s unusable after %.3fs: %s", call.publisher, elapsed, error)
    return Outcome(call.publisher, None, error, elapsed)


async def _request(
    client: httpx.AsyncClient, call: LicenceCall, parse: Parse[A], timeout: float, limits: AnswerLimits
) -> A:
    headers = {"Content-Type": REQUEST_MEDIA_TYPE, "Accept": "application/json"}
    async with client.stream(
        "POST", call.url, content=call.token.encode("ascii"), headers=headers, timeout=timeout
    ) as response:
        if response.status_code != 200:
            raise AnswerRejected(f"status {response.status_code}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise AnswerRejected(f"content type {media_type or 'missing'!r}, expected application/json")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise AnswerRejected(f"answer larger than {limits.max_bytes} bytes")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > limits.max_bytes:
                raise AnswerRejected(f"answer larger than {limits.max_bytes} bytes")
    return parse(bytes(body), limits)
