"""Shared fixtures. Services a user's machine may lack skip under `make test`, but fail under CI=true."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("KLASPOORT_CHROMIUM", "/usr/bin/chromium")


def require_service(available: bool, reason: str) -> None:
    """Skip a test whose service is missing; in CI (CI=true) a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    require_service(
        os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK),
        f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)",
    )
    return CHROMIUM


@pytest.fixture(scope="session")
def xmlsec1_path() -> str:
    path = shutil.which("xmlsec1")
    require_service(path is not None, "xmlsec1 not found (install Debian's 'xmlsec1' package)")
    assert path is not None
    return path
