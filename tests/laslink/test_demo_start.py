"""The demo LAS that `make demo` starts takes its credentials whatever characters they hold."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from klaspoort.laslink import demo
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement


class _NotStarted:
    """Stands in for the process while its command is captured: it has ended at once."""

    def poll(self) -> int:
        return 1

    def terminate(self) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_secret_that_starts_with_a_dash_still_starts_the_demo_las(
    schools: list[SchoolLocation], coordinators: list[StaffPlacement], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL-safe secret starts with "-" once in 64 tries; the demo LAS once refused it as an option."""
    commands: list[list[str]] = []
    register = demo.do_register_vendor  # the real registration, with a secret that starts with "-"
    monkeypatch.setattr(
        demo, "do_register_vendor", lambda *a, **k: (register(*a, **k)[0], "-starts-with-a-dash")
    )
    monkeypatch.setattr(demo.subprocess, "Popen", lambda argv, **k: commands.append(argv) or _NotStarted())
    port = _free_port()
    assert demo.start_demo_las(schools[0], coordinators[0], "http://127.0.0.1:1", port=port) is None
    monkeypatch.undo()  # the real Popen again
    (command,) = commands
    assert "--secret=-starts-with-a-dash" in command
    at = command.index("--school-file")  # this school has no roster to export: let it make one
    command = command[:at] + command[at + 2 :]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        try:
            deadline = time.monotonic() + 60
            listening = False
            while time.monotonic() < deadline and process.poll() is None and not listening:
                with socket.socket() as sock:
                    listening = sock.connect_ex(("127.0.0.1", port)) == 0
                time.sleep(0.1)
            ended = process.poll() is not None
            assert listening, process.stderr.read().decode() if process.stderr and ended else "not listening"
        finally:
            process.terminate()
            process.wait(10)
