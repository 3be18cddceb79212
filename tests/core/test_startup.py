"""A half-configured production start is refused: one line per problem, no trace, nothing written.

Each test starts a fresh interpreter with a clean environment (no KLASPOORT_DEV), as a server would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from klaspoort.federation.saml.keys import make_self_signed_pem

BIN = Path(sys.executable).parent
MISSING = [
    "klaspoort.E001: SECRET_KEY is not set.",
    "klaspoort.E002: KLASPOORT_PSEUDONYM_SECRET is not set.",
    "klaspoort.E003: KLASPOORT_FEDERATION_SECRET is not set.",
    "klaspoort.E004: KLASPOORT_TWOFACTOR_KEY is not set.",
    "klaspoort.E005: KLASPOORT_CHALLENGE_HMAC_KEY is not set.",
    "klaspoort.E006: KLASPOORT_PUPIL_CODE_KEY is not set.",
    "klaspoort.E010: KLASPOORT_SAML_KEY_FILE and KLASPOORT_SAML_CERT_FILE are not set.",
    "klaspoort.E020: KLASPOORT_BASE_URL is not set.",
    "klaspoort.E022: KLASPOORT_ALLOWED_HOSTS is not set.",
]


def bare_environment(tmp_path: Path) -> dict[str, str]:
    """What a server has before anyone configured it: no secrets, no development flag."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "KLASPOORT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'klaspoort.sqlite3'}",
        "KLASPOORT_BROKER_URL": "redis://127.0.0.1:1/0",  # jobs' own check is not what is tested here
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def full_environment(tmp_path: Path) -> dict[str, str]:
    pem = make_self_signed_pem("klaspoort test IdP")
    split = pem.index(b"-----BEGIN CERTIFICATE-----")
    (tmp_path / "saml-key.pem").write_bytes(pem[:split])
    (tmp_path / "saml-cert.pem").write_bytes(pem[split:])
    return {
        **bare_environment(tmp_path),
        "SECRET_KEY": "k" * 50,
        "KLASPOORT_PSEUDONYM_SECRET": "p" * 48,
        "KLASPOORT_FEDERATION_SECRET": "f" * 48,
        "KLASPOORT_TWOFACTOR_KEY": "t" * 48,
        "KLASPOORT_CHALLENGE_HMAC_KEY": "c" * 48,
        "KLASPOORT_PUPIL_CODE_KEY": Fernet.generate_key().decode(),
        "KLASPOORT_SAML_KEY_FILE": str(tmp_path / "saml-key.pem"),
        "KLASPOORT_SAML_CERT_FILE": str(tmp_path / "saml-cert.pem"),
        "KLASPOORT_BASE_URL": "https://login.school.example",
        "KLASPOORT_ALLOWED_HOSTS": "login.school.example",
    }


def run(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def problem_lines(stderr: str) -> list[str]:
    """Each problem line without its hint (the command that fixes it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.startswith("  ")]
    return [line[: line.index(".", line.index(": ")) + 1] for line in lines]


def assert_nothing_written(tmp_path: Path) -> None:
    assert not (tmp_path / "var").exists()
    assert not (tmp_path / "klaspoort.sqlite3").exists()  # no database was even opened


def test_the_wsgi_application_refuses_with_one_line_per_problem(tmp_path: Path) -> None:
    result = run([sys.executable, "-c", "import klaspoort.wsgi"], bare_environment(tmp_path), tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "klaspoort web application will not start: 9 setting(s) need attention (docs/operations.md)."
    )
    assert problem_lines(result.stderr) == MISSING
    assert "Traceback" not in result.stderr
    assert_nothing_written(tmp_path)


def test_one_wrong_setting_is_the_only_line(tmp_path: Path) -> None:
    env = {
        **full_environment(tmp_path),
        "KLASPOORT_PUPIL_CODE_KEY": "not-a-key",
        "KLASPOORT_BASE_URL": "http://x",
    }
    env["KLASPOORT_ALLOWED_HOSTS"] = "x"
    result = run([sys.executable, "-c", "import klaspoort.wsgi"], env, tmp_path)
    assert result.returncode == 1
    assert problem_lines(result.stderr) == [
        "klaspoort.E007: Key 1 in KLASPOORT_PUPIL_CODE_KEY is not a Fernet key (32 url-safe base64-encoded bytes).",
        "klaspoort.E021: KLASPOORT_BASE_URL (http://x) must start with https:// outside development.",
    ]
    assert_nothing_written(tmp_path)


def test_a_complete_configuration_starts_and_still_writes_nothing(tmp_path: Path) -> None:
    code = "import klaspoort.wsgi as w; print(callable(w.application))"
    result = run([sys.executable, "-c", code], full_environment(tmp_path), tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "True\n", "")
    assert_nothing_written(tmp_path)


def test_check_deploy_fails_and_names_the_settings(tmp_path: Path) -> None:
    result = run([str(BIN / "klaspoort"), "check", "--deploy"], bare_environment(tmp_path), tmp_path)
    assert result.returncode == 1
    for line in MISSING:
        check_id, message = line.split(": ", 1)
        assert f"({check_id}) {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert_nothing_written(tmp_path)
    complete = run([str(BIN / "klaspoort"), "check", "--deploy"], full_environment(tmp_path), tmp_path)
    assert complete.returncode == 0, complete.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_granian_refuses_to_serve_a_half_configured_application(tmp_path: Path) -> None:
    granian = BIN / "granian"
    if not granian.exists():
        pytest.fail(f"granian is a runtime dependency but {granian} is missing")
    args = [str(granian), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(_free_port())]
    result = run(
        [*args, "--workers", "1", "klaspoort.wsgi:application"], bare_environment(tmp_path), tmp_path
    )
    assert result.returncode != 0
    assert problem_lines(result.stderr) == MISSING
    assert "Traceback" not in result.stderr
    assert_nothing_written(tmp_path)


def test_a_configured_wsgi_application_loads_its_urls_and_freezes_what_it_loaded(tmp_path: Path) -> None:
    probe = (
        "import gc, sys; import klaspoort.wsgi; "
        "print('klaspoort.urls' in sys.modules, 'klaspoort.federation.oidc.token' in sys.modules, "
        "gc.get_freeze_count() > 10000, gc.isenabled())"
    )
    result = run([sys.executable, "-c", probe], full_environment(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]
