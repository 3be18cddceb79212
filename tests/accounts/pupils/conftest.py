"""Throttle counters are keyed by pupil uuid, which is fresh in every test: no cache clearing needed."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture
def browser_env() -> Iterator[None]:
    """The sync Playwright API runs an event loop; let Django's ORM run beside it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
