"""`make demo` as a person runs it: ports chosen, a busy port refused before anything starts, one
console block, the audit trail in var/log/, and no process left behind however the demo ends."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def demo_command(ports: list[int]) -> list[str]:
    port, oidc, saml, las = ports
    return [
        sys.executable, "-m", "klaspoort.demo", "--port", str(port), "--oidc-port", str(oidc),
        "--saml-port", str(saml), "--las-port", str(las),
    ]  # fmt: skip


def demo_env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KLASPOORT_", "DATABASE_URL", "REDIS_URL"))
    }
    return {**env, "KLASPOORT_DEV": "1", "KLASPOORT_VAR_DIR": str(var_dir)}


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo") / "var"


class RunningDemo:
    def __init__(self, var_dir: Path) -> None:
        self.ports = free_ports(4)
        self.log = var_dir.parent / f"console-{self.ports[0]}.txt"
        with self.log.open("wb") as console:
            self.process = subprocess.Popen(
                demo_command(self.ports),
                cwd=ROOT,
                env=demo_env(var_dir),
                stdout=console,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{self.ports[0]}"

    def console(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_until_serving(self) -> None:
        def serving() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the demo stopped: {self.console()}")
            try:
                platform = httpx.get(f"{self.url}/", timeout=2).status_code == 200
                publishers = all(
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
                    for port in self.ports[1:3]
                )
            except httpx.HTTPError:
                return False
            return platform and publishers

        assert wait_until(serving, 240), self.console()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def demo(var_dir: Path) -> Iterator[RunningDemo]:
    running = RunningDemo(var_dir)
    yield running
    running.stop()


def test_a_busy_port_is_refused_before_anything_is_printed_or_started(tmp_path: Path) -> None:
    ports = free_ports(4)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports[2]))
        taken.listen()
        result = subprocess.run(
            demo_command(ports),
            cwd=ROOT,
            env=demo_env(tmp_path / "var"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "klaspoort demo: cannot start, nothing was started.",
        f"  SAML_PORT ({ports[2]}): in use",
        "Choose free ports, for example: make demo PORT=8800 OIDC_PORT=8901 SAML_PORT=8902 LAS_PORT=8903",
    ]
    assert not (tmp_path / "var").exists()


def test_make_demo_passes_the_chosen_ports() -> None:
    result = subprocess.run(
        ["make", "-n", "demo", "PORT=8800", "OIDC_PORT=8901", "SAML_PORT=8902", "LAS_PORT=8903"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "-m klaspoort.demo --port 8800 --oidc-port 8901 --saml-port 8902 --las-port 8903" in result.stdout


def test_one_console_block_and_the_audit_trail_in_var_log(demo: RunningDemo, var_dir: Path) -> None:
    demo.wait_until_serving()
    console = demo.console()
    assert f"klaspoort demo on {demo.url}/" in console
    assert f"  Staff login     {demo.url}/login/" in console
    assert f"  Parent login    {demo.url}/thuis/" in console
    assert f"{demo.url}/s/" in console
    for port in demo.ports[1:]:
        assert f"http://127.0.0.1:{port}/" in console  # the publishers and the demo LAS
    emails = [word for word in console.split() if "@" in word]
    assert emails
    assert all(email.endswith(".example") for email in emails), emails
    assert "klaspoort.audit" not in console
    assert "roster.import" in (var_dir / "log" / "audit.log").read_text()
    assert max(len(line) for line in console.splitlines()) < 160


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_process_is_left_behind(demo: RunningDemo, how: signal.Signals) -> None:
    demo.wait_until_serving()
    publishers = children_of(demo.process.pid)
    assert len(publishers) == 3  # two demo publishers and the demo LAS
    demo.process.send_signal(how)
    demo.process.wait(30)
    assert wait_until(lambda: not any(alive(pid) for pid in publishers), 15), f"left running after {how.name}"
    for port in demo.ports:
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
