"""Fan-out against real HTTP stub publishers on loopback ports."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from klaspoort.portal.answer import AnswerLimits
from klaspoort.portal.fanout import LicenceCall, fetch_all
from tests.portal.stub_publisher import Behaviour, StubPublisher, product

LIMITS = AnswerLimits(max_bytes=2048, max_products=10, allow_loopback_http=True)
TIMEOUT = 0.4
NO_HANG = 10.0  # where no publisher hangs: a loaded machine must not turn an answer into a timeout


@pytest.fixture
def stubs() -> Iterator[list[StubPublisher]]:
    started: list[StubPublisher] = []
    yield started
    for stub in started:
        stub.stop()


def start(stubs: list[StubPublisher], behaviour: Behaviour) -> StubPublisher:
    stub = StubPublisher(behaviour).start()
    stubs.append(stub)
    return stub


def call(name: str, stub: StubPublisher) -> LicenceCall:
    return LicenceCall(publisher=name, url=stub.url, token=f"token-for-{name}")


def test_answers_arrive_in_order_and_the_token_is_posted(stubs: list[StubPublisher]) -> None:
    first = start(stubs, Behaviour(products=[product("rekenen")]))
    second = start(stubs, Behaviour(products=[product("lezen"), product("taal")]))
    outcomes = fetch_all([call("a", first), call("b", second)], timeout=NO_HANG, limits=LIMITS)
    assert [(o.publisher, o.error) for o in outcomes] == [("a", ""), ("b", "")]
    assert [p.id for p in outcomes[0].products or ()] == ["rekenen"]
    assert [p.id for p in outcomes[1].products or ()] == ["lezen", "taal"]
    (received,) = first.received
    assert (received.path, received.content_type, received.body) == (
        "/licences",
        "application/jwt",
        b"token-for-a",
    )


def test_a_hanging_publisher_costs_only_its_timeout_and_others_still_answer(
    stubs: list[StubPublisher],
) -> None:
    fine = start(stubs, Behaviour(products=[product("rekenen")]))
    hanging = start(stubs, Behaviour(hang=True))
    slow = start(stubs, Behaviour(products=[product("lezen")], delay=0.15))
    started = time.perf_counter()
    outcomes = fetch_all(
        [call("fine", fine), call("hanging", hanging), call("slow", slow)], timeout=TIMEOUT, limits=LIMITS
    )
    elapsed = time.perf_counter() - started
    assert [(o.publisher, o.ok, o.error) for o in outcomes] == [
        ("fine", True, ""),
        ("hanging", False, "timeout"),
        ("slow", True, ""),
    ]
    assert TIMEOUT <= elapsed < TIMEOUT + 3.0  # the stub hangs 30 s; margin for a loaded machine


def test_publishers_are_asked_concurrently(stubs: list[StubPublisher]) -> None:
    publishers = [start(stubs, Behaviour(products=[product(f"p{n}")], delay=0.6)) for n in range(5)]
    started = time.perf_counter()
    outcomes = fetch_all(
        [call(f"p{n}", stub) for n, stub in enumerate(publishers)], timeout=2.5, limits=LIMITS
    )
    elapsed = time.perf_counter() - started
    assert all(outcome.ok for outcome in outcomes)
    assert elapsed < 2.0  # sequential would be 3.0 s


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (Behaviour(body=b"<html>oops</html>"), "rejected: answer is not valid UTF-8 JSON"),
        (Behaviour(body=b'{"products": [{"id": "x"}]}'), "rejected: products[0].name must be a string"),
        (Behaviour(body=b"x" * 4000), "rejected: answer larger than 2048 bytes"),
        (Behaviour(body=b"x" * 4000, declare_length=False), "rejected: answer larger than 2048 bytes"),
        (Behaviour(status=500), "rejected: status 500"),
        (Behaviour(status=302, headers={"Location": "http://127.0.0.1:1/"}), "rejected: status 302"),
        (
            Behaviour(content_type="text/html"),
            "rejected: content type 'text/html', expected application/json",
        ),
        (
            Behaviour(products=[product("x", launch_url="javascript:alert(1)")]),
            "rejected: products[0].launch_url: has no host",
        ),
    ],
)
def test_bad_answers_are_rejected_without_harming_others(
    stubs: list[StubPublisher], behaviour: Behaviour, error: str
) -> None:
    good = start(stubs, Behaviour(products=[product("rekenen")]))
    bad = start(stubs, behaviour)
    outcomes = fetch_all([call("bad", bad), call("good", good)], timeout=NO_HANG, limits=LIMITS)
    assert outcomes[0].products is None
    assert outcomes[0].error.startswith(error)
    assert outcomes[1].ok


def test_unreachable_publisher_is_an_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcomes = fetch_all(
        [LicenceCall("gone", f"http://127.0.0.1:{port}/licences", "t")], timeout=TIMEOUT, limits=LIMITS
    )
    assert [(o.ok, o.error) for o in outcomes] == [(False, "http: ConnectError")]


def test_no_calls_no_work() -> None:
    assert fetch_all([], timeout=TIMEOUT, limits=LIMITS) == []
